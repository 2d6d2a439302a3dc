"""``WooCommerceStore``: a WooCommerce site behind the Store protocol.

Reads go to wc/v3 with ``status=publish`` always (v3 lists drafts and private products
otherwise) and leave out what may not be shown (password-protected or hidden products,
bridge.store.visibility); a product read is cached briefly so
one turn doesn't ask twice. Carts go to the Store API on the shopper's own Cart-Token.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from decimal import Decimal
from typing import Sequence

from ..base import (Cart, CartIds, Category, Coupon, Customer, NoCart, Order, Product,
                    ProductPage, Review, StoreUnavailable)
from ..details import StoreDetails
from ..shipping import ShippingZone
from .. import rules
from . import carts, records, shipping
from .http import WooHttp

# Seconds a product read stays fresh: long enough for one turn, short for stock to move.
PRODUCT_TTL = 20.0
# WooCommerce serves each product's variations separately: a page's variable products are
# read this many at once, each reader on a keep-alive connection of the session's pool that
# it reuses for the whole sync: 8 took a full sync of 10,000 products 14.8 s against 18.3 s
# on one (bench/woocommerce_sync.py).
VARIATION_WORKERS = 8
# Shipping zones and the store's address and pages change rarely and no webhook announces
# them: a read is fresh this long, and a stale one still answers while the store is down.
SETTLED_TTL = 600.0
SETTLED_STALE = 6 * 3600.0


def iso(moment: datetime) -> str:
    """An ISO 8601 time as wc/v3's after/before/modified_after want it (UTC, no offset)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


class WooCommerceStore:
    """A WooCommerce site: carts are the shopper's own (their Cart-Token), and the shop has
    its own pages and images, so it is no ``local`` shop."""

    cart_ids = CartIds.SHOPPER
    local = None

    def __init__(self, http: WooHttp, name: str):
        self.http = http
        self.name = name
        self._currency: str | None = None
        self._cache: dict[int, tuple[float, Product | None]] = {}
        self._parents: dict[int, int] = {}  # variation id -> product id
        self._lock = threading.Lock()
        self._settled: dict[str, tuple[float, object]] = {}

    @property
    def currency(self) -> str:
        """The shop's currency, read once from its general settings."""
        if self._currency is None:
            settings = self.http.get("settings/general") or []
            found = next((s.get("value") for s in settings
                          if s.get("id") == "woocommerce_currency"), None)
            if not found:
                raise StoreUnavailable("The store's currency could not be read.")
            self._currency = found
        return self._currency

    # -- products --

    def product(self, product_id: int) -> Product | None:
        """The published product with its variations; None for anything else, variations
        included (a variation id is not a product)."""
        if not isinstance(product_id, int) or product_id < 1:
            return None
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(product_id)
        if cached and now - cached[0] < PRODUCT_TTL:
            return cached[1]
        data = self.http.get(f"products/{product_id}")
        found = None
        if data and records.is_public(data) and data.get("type") != "variation":
            found = self._with_variations(data)
        with self._lock:
            self._cache[product_id] = (now, found)
        return found

    def forget(self, product_id: int) -> None:
        """Drop a cached read: the store said the product changed."""
        with self._lock:
            self._cache.pop(product_id, None)

    def products(self, page: int = 1, per_page: int = 100,
                 modified_after: datetime | None = None) -> ProductPage:
        """Published products by id with their variations; those not shown (password, hidden)
        are left out of ``items`` (WooCommerce still counts them in ``total``)."""
        params = {"status": "publish", "orderby": "id", "order": "asc"}
        if modified_after is not None:
            params["modified_after"] = iso(modified_after)
        listing = self.http.page("products", page, per_page, **params)
        public = [d for d in listing.items if records.is_public(d)]
        with ThreadPoolExecutor(VARIATION_WORKERS) as pool:
            items = tuple(pool.map(self._with_variations, public))
        return ProductPage(items, listing.total, listing.total_pages)

    def published_ids(self) -> set[int]:
        """The ids of every product that may be shown: a cheap listing for reconciling."""
        return {d["id"] for d in self.http.every("products", status="publish",
                                                  _fields="id,status,post_password,"
                                                          "catalog_visibility")
                if records.is_public(d)}

    def _with_variations(self, data: dict) -> Product:
        variations = []
        if data.get("type") == "variable" and data.get("variations"):
            variations = list(self.http.every(f"products/{data['id']}/variations"))
        product = records.product(data, variations)
        with self._lock:
            for variation in product.variations:
                self._parents[variation.id] = product.id
        return product

    def variation_parent(self, variation_id: int) -> Product | None:
        """The published product a variation belongs to, else None."""
        parent = self._parents.get(variation_id)
        if parent is None:
            data = self.http.get(f"products/{variation_id}")
            if not data or data.get("type") != "variation":
                return None
            parent = data.get("parent_id")
        return self.product(parent) if parent else None

    def categories(self) -> Sequence[Category]:
        return [records.category(c) for c in self.http.every("products/categories",
                                                              hide_empty="true")]

    # -- reviews, orders, coupons --

    def reviews(self, product_id: int | None = None, status: str = "approved",
                limit: int | None = None) -> Sequence[Review]:
        """Newest first; with ``limit``, one page of that many (a product with thousands of
        reviews costs one request, not one per hundred)."""
        params = {"status": status}
        if product_id is not None:
            params["product"] = product_id
        if limit is not None:
            rows = self.http.page("products/reviews", 1, limit, orderby="date_gmt",
                                  order="desc", **params).items
        else:
            rows = self.http.every("products/reviews", **params)
        found = [records.review(r) for r in rows]
        if product_id is not None:  # one product: its own (cached) read says if it is shown
            public = {product_id} if found and self.product(product_id) else set()
        else:
            public = self.published_ids() if found else set()
        return sorted((r for r in found if r.product_id in public),
                      key=lambda r: (r.date_created, r.id), reverse=True)

    def orders(self, after: datetime, before: datetime | None = None,
               customer_id: int | None = None) -> Sequence[Order]:
        params = {"after": iso(after), "orderby": "date", "order": "asc"}
        if before is not None:
            params["before"] = iso(before)
        if customer_id is not None:
            params["customer"] = customer_id
        return [self._order(o) for o in self.http.every("orders", **params)]

    def order(self, order_id: int) -> Order | None:
        data = self.http.get(f"orders/{order_id}") if order_id > 0 else None
        return self._order(data) if data else None

    def customer(self, customer_id: int) -> Customer | None:
        """wc/v3's customer (any WordPress user: a customer id is a user id), with addresses."""
        data = self.http.get(f"customers/{customer_id}") if customer_id > 0 else None
        return records.customer(data) if data else None

    def _order(self, data: dict) -> Order:
        # An order lists its refunds without their dates; the refunds route has them.
        refunds = list(self.http.every(f"orders/{data['id']}/refunds")) \
            if data.get("refunds") else []
        return records.order(data, refunds)

    def coupons(self) -> Sequence[Coupon]:
        return [records.coupon(c) for c in self.http.every("coupons")]

    # -- shipping and the store's own words --

    def shipping_zones(self) -> Sequence[ShippingZone]:
        return self._settled_read("zones", lambda: shipping.zones(self.http))

    def details(self) -> StoreDetails:
        return self._settled_read("details", lambda: shipping.details(self.http))

    def _settled_read(self, name: str, read):
        now = time.monotonic()
        with self._lock:
            cached = self._settled.get(name)
        if cached and now - cached[0] < SETTLED_TTL:
            return cached[1]
        try:
            found = read()
        except StoreUnavailable:
            if cached and now - cached[0] < SETTLED_STALE:
                return cached[1]
            raise
        with self._lock:
            self._settled[name] = (now, found)
        return found

    # -- the shopper's cart --

    def checkout_link(self, items: Sequence[tuple[int, int]]) -> str:
        return rules.checkout_link(self.http.base, items)

    def cart(self, cart_ref: str | None) -> Cart:
        if not cart_ref:
            return self._empty()
        response = self.http.store_api("GET", "cart", cart_ref)
        if response.status_code != 200:
            raise carts.refusal(response)
        if not carts.accepted(cart_ref, response):
            return self._empty()  # WooCommerce doesn't know this token: never a new cart
        return self._cart(response.json())

    def add_to_cart(self, cart_ref: str | None, product_id: int, quantity: int,
                    variation_id: int | None = None) -> Cart:
        """Add after the shared checks (bridge.store.rules); WooCommerce checks the stock."""
        _require(cart_ref)
        rules.check_quantity(quantity)
        product, variation = rules.purchase(self, product_id, variation_id or None)
        return self._change(cart_ref, "cart/add-item",
                            {"id": (variation or product).id, "quantity": quantity})

    def update_cart_item(self, cart_ref: str | None, key: str, quantity: int) -> Cart:
        _require(cart_ref)
        if quantity == 0:
            return self.remove_cart_item(cart_ref, key)
        rules.check_quantity(quantity)
        return self._change(cart_ref, "cart/update-item", {"key": key, "quantity": quantity})

    def remove_cart_item(self, cart_ref: str | None, key: str) -> Cart:
        _require(cart_ref)
        return self._change(cart_ref, "cart/remove-item", {"key": key})

    def _change(self, cart_ref: str, endpoint: str, body: dict) -> Cart:
        response = self.http.store_api("POST", endpoint, cart_ref, body)
        if response.status_code not in (200, 201):
            raise carts.refusal(response)
        if not carts.accepted(cart_ref, response):
            raise NoCart(carts.EXPIRED)
        return self._cart(response.json())

    def _cart(self, data: dict) -> Cart:
        for item in data.get("items", ()):
            if item.get("type") == "variation" and item["id"] not in self._parents:
                self.variation_parent(item["id"])
        return rules.with_checkout_link(records.cart(data, self._parents), self.http.base)

    def _empty(self) -> Cart:
        zero = Decimal("0.00")
        return Cart(items=(), currency=self.currency, subtotal=zero, discount=zero, total=zero)


def _require(cart_ref: str | None) -> None:
    if not cart_ref:
        raise NoCart("This request carries no cart of the shopper's; nothing was changed.")
