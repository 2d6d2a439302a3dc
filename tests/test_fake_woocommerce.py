"""The WooCommerce fake against the real thing: every recorded exchange replayed in recording
order and compared (status, error codes, the headers that matter, body shapes and values),
then what the recordings only describe: writes, webhooks, faults, the generator, the client.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response
from woocommerce import API
from woocommerce import api as woocommerce_api

from fakes.woocommerce import (READ, READ_WRITE, WEBHOOK_SECRET, FakeWooCommerce, exchange,
                               sign, signature_base)
from fakes.woocommerce.php import json_encode
from fakes.woocommerce.recordings import RECORDED_SITE, all_exchanges

HTTPS = {"X-Forwarded-Proto": "https"}
SKIPPED = {
    "wc-v3/misc/system_status-settings.json": "system_status describes the recording host "
                                              "(PHP, database, plugins); the fake has none",
    "wc-v3/misc/system_status-trimmed.json": "system_status describes the recording host",
    **{f"wc-v3/misc/reports-{name}.json": "legacy reports are not served by the fake"
       for name in ("index", "orders-totals", "products-totals", "sales-60days", "sales-week",
                    "top_sellers-60days", "top_sellers-week")},
    **{path: "the fake has no checkout (order 38 and its stock changes are not replayed)"
       for path in all_exchanges() if path.startswith("store-api/checkout/")},
    **{path: "what WooCommerce sent, not what it answered: see the delivery tests below"
       for path in all_exchanges() if path.startswith("webhook-deliveries/")},
}
# Headers whose values must match the recording exactly (with the clock pinned to its Date).
EXACT_HEADERS = ("X-WP-Total", "X-WP-TotalPages", "Link", "Location", "Last-Modified",
                 "Cart-Hash", "Nonce-Timestamp", "User-ID")


def _date(path: str) -> float:
    return parsedate_to_datetime(exchange(path)["response"]["headers"]["Date"]).timestamp()


REPLAYED = sorted((p for p in all_exchanges() if p not in SKIPPED), key=lambda p: (_date(p), p))


class Listener:
    """A delivery URL: records what it receives and answers 200, as the recording's did."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @Request.application
    def _app(self, request: Request) -> Response:
        self.received.append((dict(request.headers), request.get_data()))
        return Response('{"ok": true}', mimetype="application/json")

    def stop(self) -> None:
        self._server.shutdown()


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class Replayer:
    """Sends recorded requests to one fake in recording order, with the clock at each
    recording's Date, and maps the recording's session tokens, nonce and cookies to the
    fake's own."""

    def __init__(self):
        self.now = 0.0
        self.fake = FakeWooCommerce(site_url=RECORDED_SITE, clock=lambda: self.now).start()
        self.listener = Listener()
        self.tokens: dict[str, str] = {}  # recorded session id -> the fake's token for it
        self.nonce = ("", "")  # (recorded nonce, the fake's)
        self.cookies: dict[str, str] = {}
        self.done: dict[str, requests.Response] = {}

    def replay(self, path: str) -> requests.Response:
        for earlier in REPLAYED[:REPLAYED.index(path) + 1]:
            if earlier not in self.done:
                self.done[earlier] = self._send(earlier)
        return self.done[path]

    def _send(self, path: str) -> requests.Response:
        sent, received = exchange(path)["request"], exchange(path)["response"]
        self.now = _date(path)
        headers = dict(sent["headers"])
        if "Cart-Token" in headers and headers["Cart-Token"].count(".") == 2:
            headers["Cart-Token"] = self.tokens[_payload(headers["Cart-Token"])["user_id"]]
        if headers.get("Nonce") == self.nonce[0]:
            headers["Nonce"] = self.nonce[1]
        if "Cookie" in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = sent.get("body")
        if path == "wc-v3/webhooks/02-create-product-updated.json":
            body = {**body, "delivery_url": self.listener.url}
        answer = requests.request(sent["method"], self.fake.url + sent["url"], headers=headers,
                                  data=json.dumps(body) if body else None, timeout=10)
        if "Cart-Token" in received["headers"]:
            self.tokens[_payload(received["headers"]["Cart-Token"])["user_id"]] = \
                answer.headers["Cart-Token"]
            self.nonce = (received["headers"]["Nonce"], answer.headers["Nonce"])
        for cookie in answer.raw.headers.getlist("Set-Cookie"):
            parsed = SimpleCookie(cookie)
            self.cookies.update({k: m.value for k, m in parsed.items()})
        return answer


@pytest.fixture(scope="module")
def replayer():
    replayer = Replayer()
    yield replayer
    replayer.fake.stop()
    replayer.listener.stop()


def _same(recorded, mine, where: str, listener_url: str) -> None:
    """Same keys (in the same order), same values; the exceptions say why."""
    if isinstance(recorded, dict):
        assert isinstance(mine, dict), where
        assert list(mine) == list(recorded), f"{where}: keys differ"
        for key in recorded:
            if key == "related_ids":  # WooCommerce picks 5 related products at random
                assert len(mine[key]) == len(recorded[key]), where
            elif key == "delivery_url":  # the replay points the webhook at its own listener
                assert mine[key] == listener_url, where
            else:
                _same(recorded[key], mine[key], f"{where}.{key}", listener_url)
    elif isinstance(recorded, list):
        assert isinstance(mine, list) and len(mine) == len(recorded), f"{where}: length"
        for n, (a, b) in enumerate(zip(recorded, mine)):
            _same(a, b, f"{where}[{n}]", listener_url)
    else:
        assert mine == recorded, f"{where}: {mine!r} != {recorded!r}"


@pytest.mark.parametrize("path", REPLAYED)
def test_a_recorded_exchange_gets_the_recorded_answer(replayer, path):
    received = exchange(path)["response"]
    answer = replayer.replay(path)
    assert answer.status_code == received["status"]
    for name in EXACT_HEADERS:
        assert answer.headers.get(name) == received["headers"].get(name), name
    for name in ("Cart-Token", "Nonce"):
        assert (name in answer.headers) == (name in received["headers"]), name
    if "Cart-Token" in received["headers"]:
        recorded, mine = _payload(received["headers"]["Cart-Token"]), \
            _payload(answer.headers["Cart-Token"])
        assert {k: v for k, v in mine.items() if k != "user_id"} == \
            {k: v for k, v in recorded.items() if k != "user_id"}
    _same(received["body"], answer.json(), path, replayer.listener.url)


def test_every_recording_is_replayed_or_left_out_for_a_stated_reason():
    from fakes.woocommerce.recordings import RECORDED_DIR
    every = {str(p.relative_to(RECORDED_DIR)) for p in RECORDED_DIR.rglob("*.json")}
    assert len(every) == 165
    assert set(REPLAYED) | set(SKIPPED) == every and not set(REPLAYED) & set(SKIPPED)
    assert all(reason.strip() for reason in SKIPPED.values())


# -- authentication --

def test_the_oauth_rule_recomputes_the_recorded_base_strings_and_signatures():
    for path in ("wc-v3/auth/04-oauth1-hmac-sha256-http-ok.json",
                 "wc-v3/auth/06-oauth1-hmac-sha1-http-ok.json"):
        recorded = exchange(path)
        query = recorded["request"]["query"]
        base = signature_base("GET", f"{RECORDED_SITE}/wp-json/wc/v3/products", query)
        assert base == recorded["notes"]["signature_base_string"]
        digest = hashlib.sha1 if query["oauth_signature_method"] == "HMAC-SHA1" else \
            hashlib.sha256
        mac = hmac.new(recorded["notes"]["signing_key"].encode(), base.encode(), digest)
        assert base64.b64encode(mac.digest()).decode() == query["oauth_signature"]


@pytest.fixture
def listener():
    listener = Listener()
    yield listener
    listener.stop()


def _v3(fake, path, *, method="GET", key=READ_WRITE, **kwargs):
    """A wc/v3 call with Basic auth over "https" (the X-Forwarded-Proto a proxy would add)."""
    return requests.request(method, f"{fake.url}/wp-json/wc/v3/{path}", auth=key,
                            headers=HTTPS, timeout=10, **kwargs)


def _client(fake):
    return API(url=fake.url, consumer_key=READ_WRITE[0], consumer_secret=READ_WRITE[1],
               timeout=10)


def test_the_woocommerce_package_signs_requests_the_fake_accepts(fake):
    client = _client(fake)
    listed = client.get("products", params={"per_page": 3, "status": "publish",
                                            "_fields": "id,name,date_modified",
                                            "modified_after": "2026-01-01T00:00:00"})
    assert listed.status_code == 200, listed.text
    assert listed.headers["X-WP-Total"] == "8"
    assert client.get("orders", params={"status": "processing,cancelled"}).status_code == 200
    updated = client.put("products/14", {"regular_price": "26.00"})
    assert updated.status_code == 200 and updated.json()["regular_price"] == "26.00"


@pytest.mark.parametrize("query_string_auth", [False, True])
def test_the_woocommerce_package_over_https_uses_basic_or_query_keys(fake, monkeypatch,
                                                                     query_string_auth):
    """Behind a TLS-terminating proxy: the package speaks https, the fake sees http plus
    X-Forwarded-Proto, as the recording store did."""
    def through_proxy(method, url, headers=None, **kwargs):
        return requests.request(method, url.replace("https://", "http://", 1),
                                headers={**(headers or {}), **HTTPS}, **kwargs)
    monkeypatch.setattr(woocommerce_api, "request", through_proxy)
    client = API(url=fake.url.replace("http://", "https://"), consumer_key=READ_WRITE[0],
                 consumer_secret=READ_WRITE[1], query_string_auth=query_string_auth)
    answer = client.get("products", params={"per_page": 2})
    assert answer.status_code == 200
    assert answer.headers["Link"].startswith(f"<https://{fake.url[7:]}/wp-json/wc/v3/products")
    assert ("consumer_secret=" in answer.headers["Link"]) == query_string_auth


def test_the_woocommerce_package_signature_fails_for_a_value_with_a_slash(fake):
    """The package encodes values with quote(), which keeps "/"; WooCommerce rawurlencodes it,
    so the base strings differ and the store refuses the request."""
    answer = _client(fake).get("products", params={"search": "t-shirt/hoodie"})
    assert answer.status_code == 401
    assert answer.json()["message"] == "Invalid signature - provided signature does not match."


@pytest.mark.parametrize("kind, expected", [
    ("query keys over http", "woocommerce_rest_cannot_view"),
    ("basic over http", "woocommerce_rest_cannot_view"),
    ("read key writing", "woocommerce_rest_authentication_error"),
    ("anonymous writing", "woocommerce_rest_cannot_edit"),
])
def test_credentials_the_store_ignores_or_refuses(fake, kind, expected):
    url = f"{fake.url}/wp-json/wc/v3/products"
    if kind == "query keys over http":
        answer = requests.get(url, params={"consumer_key": READ_WRITE[0],
                                           "consumer_secret": READ_WRITE[1]})
    elif kind == "basic over http":
        answer = requests.get(url, auth=READ_WRITE)
    elif kind == "read key writing":
        answer = _v3(fake, "products/14", method="PUT", key=READ, json={"name": "x"})
    else:
        answer = requests.put(url + "/14", json={"name": "x"}, headers=HTTPS)
    assert answer.status_code == 401
    assert answer.json()["code"] == expected
    assert fake.product(14)["name"] == "Canvas Tote Bag"


def test_an_oauth_nonce_is_refused_again_within_fifteen_minutes(fake):
    now = [time.time()]
    fake.clock = lambda: now[0]
    url = f"{fake.url}/wp-json/wc/v3/products"
    params = {"oauth_consumer_key": READ_WRITE[0], "oauth_timestamp": str(int(now[0])),
              "oauth_nonce": "n1", "oauth_signature_method": "HMAC-SHA256"}
    params["oauth_signature"] = sign("GET", url, params, READ_WRITE[1])
    assert requests.get(url, params=params).status_code == 200
    assert requests.get(url, params=params).json()["message"] == \
        "Invalid nonce - nonce has already been used."
    now[0] += 16 * 60
    assert requests.get(url, params=params).json()["message"] == "Invalid timestamp."


# -- the store changes, and every view follows --

def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))


def _store(fake, path, **kwargs):
    return requests.get(f"{fake.url}/wp-json/wc/store/v1/{path}", timeout=10, **kwargs)


def test_a_price_change_shows_everywhere_and_moves_date_modified(fake):
    now = [time.time()]
    fake.clock = lambda: now[0]
    now[0] += 3600
    fake.update_product(19, regular_price="49.00", sale_price="39.00")
    single = _v3(fake, "products/19").json()
    assert (single["price"], single["on_sale"]) == ("39.00", True)
    assert single["date_modified_gmt"] == _iso(now[0])
    since = _iso(now[0] - 60)
    assert [p["id"] for p in _v3(fake, "products", params={"modified_after": since}).json()] \
        == [19]
    assert _store(fake, "products/19").json()["prices"]["price"] == "3900"
    on_sale = [p["id"] for p in _store(fake, "products", params={"on_sale": "true"}).json()]
    assert 19 in on_sale


def test_a_draft_is_listed_by_wc_v3_but_hidden_from_shoppers(fake):
    fake.update_product(14, status="draft")
    assert 14 in [p["id"] for p in _v3(fake, "products", params={"per_page": 20}).json()]
    assert 14 not in [p["id"] for p in _v3(fake, "products", params={"status": "publish"})
                      .json()]
    assert 14 not in [p["id"] for p in _store(fake, "products").json()]
    shown = _store(fake, "products/14").json()
    assert shown["is_purchasable"] is False
    assert shown["permalink"].endswith("/?post_type=product&p=14")


def test_hidden_visibility_and_a_password_reach_the_views(fake):
    fake.update_product(16, catalog_visibility="hidden", post_password="s3cret")
    assert 16 not in [p["id"] for p in _store(fake, "products").json()]
    product = _v3(fake, "products/16").json()
    assert (product["catalog_visibility"], product["post_password"]) == ("hidden", "s3cret")


def test_stock_limits_follow_a_stock_change(fake):
    fake.update_product(22, stock_quantity=2)
    cart = requests.get(f"{fake.url}/wp-json/wc/store/v1/cart")
    token = {"Cart-Token": cart.headers["Cart-Token"]}
    added = requests.post(f"{fake.url}/wp-json/wc/store/v1/cart/add-item", headers=token,
                          json={"id": 22, "quantity": 3})
    assert added.status_code == 400
    assert added.json()["message"].endswith("not enough stock (2 remaining).")
    added = requests.post(f"{fake.url}/wp-json/wc/store/v1/cart/add-item", headers=token,
                          json={"id": 22, "quantity": 2})
    assert added.json()["items"][0]["quantity_limits"]["maximum"] == 2
    fake.update_product(22, stock_quantity=0)
    assert _v3(fake, "products/20/variations/22").json()["stock_status"] == "outofstock"


def test_trash_restore_and_delete(fake):
    fake.delete_product(15)
    assert _v3(fake, "products/15").json()["status"] == "trash"
    assert 15 not in [p["id"] for p in _v3(fake, "products", params={"per_page": 20}).json()]
    assert _store(fake, "products/15").status_code == 404
    fake.restore_product(15)
    assert _store(fake, "products/15").status_code == 200
    fake.delete_product(15, force=True)
    assert _v3(fake, "products/15").json()["code"] == "woocommerce_rest_product_invalid_id"


def test_wc_v3_writes_create_edit_and_delete(fake):
    created = _v3(fake, "products", method="POST",
                  json={"name": "Rain Jacket", "regular_price": "80.00", "sku": "RAIN-01",
                        "categories": [{"id": 16}]})
    assert created.status_code == 201
    product = created.json()
    assert created.headers["Location"].endswith(f"/wp-json/wc/v3/products/{product['id']}")
    assert list(product) == list(exchange("wc-v3/webhooks/05-update-product-triggers-webhook"
                                          ".json")["response"]["body"])
    assert product["slug"] == "rain-jacket" and product["price"] == "80.00"
    duplicate = _v3(fake, "products", method="POST", json={"name": "Copy", "sku": "RAIN-01"})
    assert duplicate.json()["code"] == "product_invalid_sku"
    bad = _v3(fake, f"products/{product['id']}", method="PUT",
              json={"status": "gone", "stock_quantity": "many"})
    assert bad.json()["data"]["params"] == {
        "status": "status is not one of draft, pending, private, publish, and future.",
        "stock_quantity": "stock_quantity is not of type integer,null."}
    edit = _v3(fake, f"products/{product['id']}", params={"context": "edit"}).json()
    assert edit["permalink_template"].endswith("/product/%pagename%/")
    trashed = _v3(fake, f"products/{product['id']}", method="DELETE")
    assert trashed.json()["status"] == "publish"  # answered as it was before the trash
    again = _v3(fake, f"products/{product['id']}", method="DELETE")
    assert (again.status_code, again.json()["code"]) == (410, "woocommerce_rest_already_trashed")


# -- webhooks --

def _signature(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _with_recorded_related(body: bytes, recorded: dict) -> bytes:
    """The delivered bytes with WooCommerce's random related_ids put back, PHP-encoded."""
    return json_encode({**json.loads(body), "related_ids": recorded["related_ids"]}).encode()


def test_the_ping_and_the_queued_delivery_are_the_recorded_ones():
    replayer = Replayer()
    try:
        replayer.replay("wc-v3/webhooks/05-update-product-triggers-webhook.json")
        (ping_headers, ping), = replayer.listener.received
        recorded = exchange("webhook-deliveries/01-ping-on-create.json")["request"]
        assert ping == recorded["body_raw"].encode()
        for name in ("User-Agent", "Accept", "Accept-Encoding", "Content-Type", "Connection"):
            assert ping_headers[name] == recorded["headers"][name]
        assert replayer.fake.deliver_pending() == 1
        headers, body = replayer.listener.received[1]
        recorded = exchange("webhook-deliveries/02-product-updated.json")["request"]
        assert _with_recorded_related(body, recorded["body"]) == recorded["body_raw"].encode()
        assert headers["X-Wc-Webhook-Signature"] == _signature(body)
        for name in ("Source", "Topic", "Resource", "Event", "ID"):
            assert headers[f"X-Wc-Webhook-{name.title()}"] == \
                recorded["headers"][f"X-WC-Webhook-{name}"]
    finally:
        replayer.fake.stop()
        replayer.listener.stop()


@pytest.mark.parametrize("path, product_id, changes", [
    ("simple-16-beanie", 16, {"stock_quantity": 0, "total_sales": 3}),
    ("variation-22-tee-m-red", 22, {"stock_quantity": 4}),
    ("variation-27-hoodie-l-black", 27, {"stock_quantity": 3}),
])
def test_deliveries_after_a_stock_change_are_the_recorded_ones(listener, path, product_id,
                                                               changes):
    recorded = exchange(f"webhook-deliveries/03-product-updated-after-checkout-{path}.json")
    sent_at = parsedate_to_datetime("Mon, 23 Nov 2026 09:04:44 GMT").timestamp()
    fake = FakeWooCommerce(site_url=RECORDED_SITE, clock=lambda: sent_at).start()
    try:
        fake.update_product(product_id, **changes)
        delivery = fake.deliver(listener.url, "product.updated", product_id)
        assert delivery.status == 200
        assert _with_recorded_related(delivery.body, recorded["request"]["body"]) == \
            recorded["request"]["body_raw"].encode()
        assert delivery.headers["X-WC-Webhook-Signature"] == _signature(delivery.body)
    finally:
        fake.stop()


def test_webhooks_fire_for_created_updated_deleted_and_restored(fake, listener):
    for topic in ("product.created", "product.updated", "product.deleted", "product.restored"):
        fake.add_webhook(topic, listener.url)
    created = fake.add_product(name="Wool Scarf", regular_price="30.00")
    fake.update_product(created["id"], regular_price="28.00")
    fake.update_product(created["id"], stock_status="outofstock")  # the same pending action
    fake.delete_product(created["id"])
    fake.restore_product(created["id"])
    assert fake.deliver_pending() == 4
    topics = [(h["X-Wc-Webhook-Topic"], json.loads(b)) for h, b in listener.received]
    assert [t for t, _ in topics] == ["product.created", "product.updated", "product.deleted",
                                      "product.restored"]
    assert topics[2][1] == {"id": created["id"]}
    assert topics[1][1]["regular_price"] == "28.00"
    assert all(h["X-Wc-Webhook-Signature"] == _signature(b) for h, b in listener.received)


def test_a_webhook_failing_more_than_five_times_is_disabled(fake):
    dead = Listener()
    dead.stop()
    hook = fake.add_webhook("product.updated", dead.url)
    for price in range(7):
        fake.update_product(14, regular_price=f"{20 + price}.00")
        fake.deliver_pending()
    assert fake.webhooks.hooks[hook["id"]]["status"] == "disabled"
    assert all(delivery.status is None for delivery in fake.webhooks.sent)


def test_creating_a_webhook_pings_it_and_answers_without_the_secret(fake, listener):
    answer = _v3(fake, "webhooks", method="POST",
                 json={"topic": "product.updated", "delivery_url": listener.url,
                       "secret": "s"})
    assert answer.status_code == 201 and "secret" not in answer.json()
    assert answer.json()["date_modified"] is None
    assert listener.received[0][1] == b"webhook_id=1"
    assert _v3(fake, "webhooks/1").json()["date_modified"] is not None
    refused = _v3(fake, "webhooks", method="POST", json={"topic": "product.sold",
                                                        "delivery_url": listener.url})
    assert refused.json()["code"] == "woocommerce_rest_webhook_invalid_topic"
    fake.update_product(19, name="Aviators")
    assert _v3(fake, "products/19", method="PUT", json={"featured": False}).status_code == 200
    assert fake.webhooks.queue == [(1, 19)]


# -- Store API sessions --

def test_the_cart_token_is_an_hs256_jwt_signed_by_the_fake(fake):
    first = requests.get(f"{fake.url}/wp-json/wc/store/v1/cart")
    head, body, mac = first.headers["Cart-Token"].split(".")
    expected = hmac.new(fake.sessions.secret, f"{head}.{body}".encode(), hashlib.sha256)
    assert base64.urlsafe_b64encode(expected.digest()).rstrip(b"=").decode() == mac
    payload = _payload(first.headers["Cart-Token"])
    assert list(payload) == ["user_id", "exp", "iss", "iat"]
    assert payload["exp"] - payload["iat"] == 172800 and payload["iss"] == "store-api"
    again = requests.get(f"{fake.url}/wp-json/wc/store/v1/cart",
                         headers={"Cart-Token": first.headers["Cart-Token"]})
    assert _payload(again.headers["Cart-Token"])["user_id"] == payload["user_id"]


def test_an_expired_or_forged_token_is_no_token(fake):
    now = [time.time()]
    fake.clock = lambda: now[0]
    token = requests.get(f"{fake.url}/wp-json/wc/store/v1/cart").headers["Cart-Token"]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    denied = requests.post(f"{fake.url}/wp-json/wc/store/v1/cart/add-item",
                           headers={"Cart-Token": forged}, json={"id": 14})
    assert denied.status_code == 401
    now[0] += 49 * 3600
    fresh = requests.get(f"{fake.url}/wp-json/wc/store/v1/cart", headers={"Cart-Token": token})
    assert _payload(fresh.headers["Cart-Token"])["user_id"] != _payload(token)["user_id"]


# -- faults and the request log --

@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_a_failure_answers_wordpress_error_json(fake, status):
    fake.faults.fail(status, path="/wp-json/wc/v3/products", retry_after=30 if status in (
        429, 503) else None)
    failed = _v3(fake, "products")
    assert failed.status_code == status
    assert failed.json()["data"]["status"] == status
    assert ("Retry-After" in failed.headers) == (status in (429, 503))
    assert _v3(fake, "products").status_code == 200


def test_faults_match_by_path_and_count_down(fake):
    fake.faults.fail(503, times=2, path="/wp-json/wc/store/")
    assert _v3(fake, "products").status_code == 200
    assert [_store(fake, "products").status_code for _ in range(3)] == [503, 503, 200]


def test_latency_a_hang_a_dropped_connection_and_a_stopped_server(fake):
    fake.faults.delay(5.0)  # far past the client's patience: it gives up first
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{fake.url}/wp-json/wc/v3/products", timeout=0.3)
    fake.faults.delay(0.05)  # then it answers
    assert _v3(fake, "products").status_code == 200
    fake.faults.hang(1.0)
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{fake.url}/wp-json/wc/v3/products", timeout=0.3)
    fake.faults.drop()
    with pytest.raises(requests.ConnectionError):
        _v3(fake, "products")
    fake.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{fake.url}/wp-json/wc/v3/products", timeout=2)


def test_the_log_keeps_each_request_and_its_connection(fake):
    session = requests.Session()
    for page in (1, 2):
        session.get(f"{fake.url}/wp-json/wc/v3/products", params={"status": "publish",
                                                                  "page": page},
                    auth=READ_WRITE, headers=HTTPS, timeout=10)
    _store(fake, "cart")  # without the session: a connection of its own
    first, second, third = fake.log.entries
    assert (first.method, first.path, first.arg("status")) == ("GET", "/wp-json/wc/v3/products",
                                                               "publish")
    assert first.headers["X-Forwarded-Proto"] == "https"
    assert first.client_port == second.client_port != third.client_port
    assert len(fake.log.connections()) == 2


# -- the generator --

def test_ten_thousand_generated_products_in_the_recorded_shape(fake):
    """Their speed is measured in bench/woocommerce_sync.py."""
    ids = fake.add_generated_products(10_000, seed=7)
    assert len(set(ids)) == 10_000
    simple = next(i for i in ids if fake.catalog.products[i]["type"] == "simple")
    variable = next(i for i in ids if fake.catalog.products[i]["type"] == "variable")
    assert list(fake.product(simple)) == list(exchange("wc-v3/products/get-tote.json")
                                              ["response"]["body"])
    children = _v3(fake, f"products/{variable}/variations").json()
    assert 2 <= len(children) <= 3
    assert list(children[0]) == list(exchange("wc-v3/products/variation-get-one.json")
                                     ["response"]["body"])
    seen, page = [], 1
    while True:
        answer = _v3(fake, "products", params={"per_page": 100, "page": page,
                                               "status": "publish", "orderby": "id",
                                               "order": "asc", "_fields": "id"})
        seen += [p["id"] for p in answer.json()]
        if page >= int(answer.headers["X-WP-TotalPages"]):
            break
        page += 1
    assert len(seen) == len(set(seen)) == 10_008  # and the 8 recorded published products
