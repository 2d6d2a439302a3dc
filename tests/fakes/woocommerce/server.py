"""``FakeWooCommerce``: the loopback server, its routing, and the methods tests drive it with."""
from __future__ import annotations

import json
import re
import secrets
import socket
import threading
import time
from typing import Callable
from urllib.parse import urlsplit

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from . import (products_v3, store_cart, store_products, v3_products, v3_shipping, v3_shop,
               v3_taxonomy)
from .api import Context, Route
from .auth import ANONYMOUS, Authenticator
from .catalog import Catalog
from .faults import Faults, Logged, RequestLog
from .generator import add_generated_products
from .keepalive import Connections, handler_for
from .recordings import ORIGIN
from .rest import API_ROOT_LINK, NO_CACHE, WP_HEADERS, Reply, RestError, encode
from .sessions import Sessions
from .shop import Shop
from .webhooks import WEBHOOK_SECRET, Delivery, Webhooks

V3, STORE, WP = "/wp-json/wc/v3/", "/wp-json/wc/store/v1/", "/wp-json/wp/v2/"
ROUTES: list[Route] = (v3_products.ROUTES + v3_taxonomy.ROUTES + v3_shop.ROUTES
                       + v3_shipping.ROUTES)
NO_ROUTE = ("rest_no_route", "No route was found matching the URL and request method.")
STORE_WP_HEADERS = tuple(
    (name, value + (", Cart-Token" if "Expose" in name else ", Cart-Token, Nonce"))
    if name.startswith("Access-Control") else (name, value) for name, value in WP_HEADERS)


class FakeWooCommerce:
    """A WooCommerce 10.0.2 store on 127.0.0.1, seeded from the recordings.

    ``site_url`` is the URL the store believes it has (links, OAuth base strings, webhook
    source); it defaults to the server's own. ``clock`` gives "now" in unix seconds."""

    def __init__(self, *, site_url: str | None = None,
                 clock: Callable[[], float] | None = None, secret: bytes | None = None):
        self.clock = clock or time.time
        self._connections = Connections()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True,
                                   request_handler=handler_for(self._connections))
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.site_url = (site_url or self.url).rstrip("/")
        self._host = urlsplit(self.site_url).netloc
        self.catalog = Catalog(self._now)
        self.shop = Shop()
        self.shop.shipping = self.shipping = v3_shipping.Shipping()
        self.auth = Authenticator(self._now)
        self.webhooks = Webhooks(self._now, self._payload, self.site_url)
        self.sessions = Sessions(secret or secrets.token_bytes(32), self.site_url)
        self.faults = Faults()
        self.log = RequestLog()
        self.catalog.listeners.append(self.webhooks.on_product_event)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._stopped = False
        self.uploads: dict[str, tuple[bytes, str]] = {}  # path -> (bytes, content type)
        self.redirects: dict[str, tuple[int, str]] = {}  # path -> (status, Location)

    def _now(self) -> float:
        return self.clock()

    def start(self) -> "FakeWooCommerce":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket: later requests are refused.
        Stopping twice is harmless."""
        if self._stopped:
            return
        self._stopped = True
        self.faults.release()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        self._connections.close_all()

    # -- the store, for tests --

    def product(self, product_id: int) -> dict | None:
        """products/<id> as wc/v3 answers it (http links), or None."""
        with self.catalog.lock:
            return self._payload("product", product_id, missing=None)

    def add_product(self, **fields) -> dict:
        """Create a product (product.created fires); ``fields`` as wc/v3 names them."""
        with self.catalog.lock:
            return self.product(self.catalog.create(fields)["id"])

    def add_variation(self, parent_id: int, **fields) -> dict:
        """Add a variation to a variable product (product.created fires for it)."""
        with self.catalog.lock:
            return self.product(self.catalog.create_variation(parent_id, fields)["id"])

    def update_product(self, product_id: int, **fields) -> dict:
        """Change fields of a product or variation (price, stock_quantity, status,
        catalog_visibility, post_password...); date_modified moves, product.updated fires."""
        with self.catalog.lock:
            self.catalog.update(product_id, fields)
            return self.product(product_id)

    def delete_product(self, product_id: int, *, force: bool = False) -> None:
        """Trash it (product.deleted fires), or with ``force`` remove it for good (no webhook,
        as in WooCommerce, which hooks product.deleted to the trash). Variations have no
        trash: they are always removed."""
        with self.catalog.lock:
            if force or product_id in self.catalog.variations:
                self.catalog.delete(product_id)
            else:
                self.catalog.trash(product_id)

    def restore_product(self, product_id: int) -> None:
        """Take a product out of the trash (product.restored fires)."""
        with self.catalog.lock:
            self.catalog.restore(product_id)

    def add_generated_products(self, n: int, seed: int = 0) -> list[int]:
        """Add ``n`` published products in the recorded shape (see generator.py)."""
        with self.catalog.lock:
            return add_generated_products(self.catalog, n, seed)

    def upload(self, name: str, data: bytes, content_type: str = "image/png") -> str:
        """Serve ``data`` at /wp-content/uploads/<name>, as WordPress serves media files;
        returns its URL (for a product's ``images``)."""
        path = "/wp-content/uploads/" + name
        self.uploads[path] = (data, content_type)
        return self.site_url + path

    def redirect(self, name: str, location: str, status: int = 302) -> str:
        """Answer /wp-content/uploads/<name> with a redirect to ``location`` (a media plugin
        or a moved upload does); returns its URL."""
        path = "/wp-content/uploads/" + name
        self.redirects[path] = (status, location)
        return self.site_url + path

    # -- webhooks --

    def add_webhook(self, topic: str, delivery_url: str, *,
                    secret: str = WEBHOOK_SECRET) -> dict:
        """Register an active webhook without the creation ping."""
        with self.catalog.lock:
            return self.webhooks.view(self.webhooks.create(topic=topic, delivery_url=delivery_url,
                                                           secret=secret))

    def deliver(self, url: str, topic: str, resource_id: int, *,
                secret: str = WEBHOOK_SECRET, webhook_id: int = 1) -> Delivery:
        """Send one delivery now, as WooCommerce would for ``topic`` and ``resource_id``."""
        return self.webhooks.deliver(url, topic, resource_id, secret=secret,
                                     webhook_id=webhook_id)

    def ping(self, url: str, webhook_id: int = 1) -> Delivery:
        """Send the form-encoded, unsigned ping WooCommerce sends to a new webhook's URL."""
        return self.webhooks.ping(url, webhook_id)

    def deliver_pending(self) -> int:
        """Run the queued deliveries (WooCommerce's Action Scheduler); returns how many."""
        return self.webhooks.deliver_pending()

    def _payload(self, resource: str, resource_id: int, missing="error"):
        """A webhook body: the resource as its owner sees it, built in a background context
        (so with http links)."""
        origin = f"http://{self._host}"
        with self.catalog.lock:
            if resource == "product":
                body = products_v3.any_product(self.catalog, resource_id, self.clock())
            else:
                body = {"order": self.shop.orders, "coupon": self.shop.coupons,
                        "customer": self.shop.customers}.get(resource, {}).get(resource_id)
        if body is None:
            if missing is None:
                return None
            body = {"code": f"woocommerce_rest_{resource}_invalid_id", "message": "Invalid ID.",
                    "data": {"status": 404}}
        return json.loads(encode(body, origin))

    # -- HTTP --

    @Request.application
    def _app(self, request: Request) -> Response:
        self.log.add(Logged(request.method, request.path, list(request.args.items(multi=True)),
                            dict(request.headers), request.get_data(),
                            int(request.environ.get("REMOTE_PORT") or 0)))
        fault = self.faults.take(request.path)
        if fault is not None:
            if fault.kind in ("delay", "hang"):
                self.faults.wait(fault)
            if fault.kind in ("hang", "drop"):
                return self._drop(request)
            if fault.kind == "status":
                headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after else []
                return Response(encode(fault.error_body(), self._origin(request)), fault.status,
                                headers, mimetype="application/json")
        if request.path in self.redirects and request.method == "GET":
            status, location = self.redirects[request.path]
            return Response(b"", status, {"Location": location})
        if request.path in self.uploads and request.method == "GET":
            data, content_type = self.uploads[request.path]
            return Response(data, 200, content_type=content_type)
        if request.path.startswith(V3):
            return self._v3(request)
        if request.path.startswith(STORE):
            return self._store(request)
        if request.path.startswith(WP) and request.method == "GET":
            return self._wp(request)
        return self._respond(request, Reply(404, RestError(404, *NO_ROUTE).body()), [])

    @staticmethod
    def _drop(request: Request) -> Response:
        # The client sees the connection close with no answer; werkzeug's write then fails
        # quietly as a dropped connection.
        try:
            request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client gave up first (a hang outlasting its timeout)
        return Response(b"")

    def _origin(self, request: Request) -> str:
        https = request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        return f"{'https' if https else 'http'}://{self._host}"

    def _context(self, request: Request, identity) -> Context:
        return Context(request, self.clock(), identity, self.catalog, self.shop, self.webhooks)

    def _v3(self, request: Request) -> Response:
        path = request.path[len(V3):].rstrip("/")
        origin = self._origin(request)
        raw_path = request.environ.get("RAW_URI", request.path).split("?")[0]
        identity, allow = ANONYMOUS, None
        with self.catalog.lock:
            try:
                identity = self.auth.identify(
                    method=request.method, url=origin + raw_path,
                    query=list(request.args.items(multi=True)),
                    form=list(request.form.items(multi=True)),
                    authorization=request.headers.get("Authorization", ""),
                    https=origin.startswith("https"))
                self.auth.check_permissions(identity, request.method)
                route, params = self._match(request.method, path)
                ctx = self._context(request, identity)
                try:
                    reply = route.handler(ctx, **params)
                    allow = route.allow if not identity.anonymous else None
                except RestError as error:
                    reply = Reply(error.status, error.body())
                    if not identity.anonymous and error.allow:
                        allow = route.allow
            except RestError as error:
                reply = Reply(error.status, error.body())
        if reply.then is not None:
            reply.then()
        extra = [("Allow", allow)] if allow else []
        extra += list(NO_CACHE) if not identity.anonymous else [("Vary", "Origin")]
        return self._respond(request, reply, extra)

    @staticmethod
    def _match(method: str, path: str) -> tuple[Route, dict]:
        for route in ROUTES:
            match = route.pattern.match(path)
            if match and method in route.methods:
                return route, match.groupdict()
        raise RestError(404, *NO_ROUTE)

    def _store(self, request: Request) -> Response:
        path = request.path[len(STORE):].rstrip("/")
        with self.catalog.lock:
            ctx = self._context(request, ANONYMOUS)
            try:
                if path == "cart" or path.startswith("cart/"):
                    if path == "cart" and request.method != "GET":
                        raise RestError(404, *NO_ROUTE)
                    reply = store_cart.handle(ctx, self.sessions, path)
                elif request.method != "GET":
                    raise RestError(404, *NO_ROUTE)
                elif path == "products":
                    reply = store_products.list_products(ctx)
                elif path == "products/categories":
                    reply = store_products.list_categories(ctx)
                elif re.fullmatch(r"products/\d+", path):
                    reply = store_products.get_product(ctx, path.split("/")[1])
                else:
                    raise RestError(404, *NO_ROUTE)
            except RestError as error:
                reply = Reply(error.status, error.body())
        extra = [] if path.startswith("cart") else [("Allow", "GET"),
                                                    *store_cart.STORE_HEADERS]
        return self._respond(request, reply, extra, STORE_WP_HEADERS)

    def _wp(self, request: Request) -> Response:
        """WordPress' own routes the bridge reads: published pages, anonymously."""
        with self.catalog.lock:
            try:
                reply = v3_shipping.wp_pages(self.shipping, request.path[len(WP):].rstrip("/"),
                                             request.args)
            except RestError as error:
                reply = Reply(error.status, error.body())
        return self._respond(request, reply, [("Vary", "Origin")])

    def _respond(self, request: Request, reply: Reply, extra: list,
                 wp_headers=WP_HEADERS) -> Response:
        origin = self._origin(request)
        headers = [*wp_headers, *reply.headers, *extra]
        if not any(name == "Link" for name, _ in reply.headers):
            headers.insert(1, ("Link", API_ROOT_LINK))
        headers = [(name, value.replace(ORIGIN, origin)) for name, value in headers]
        return Response(encode(reply.body, origin), reply.status, headers,
                        content_type="application/json; charset=UTF-8")
