"""``DemoStore``: the embedded demo shop behind the Store protocol.

Products, reviews, orders and coupons are generated once per instance and kept in memory;
carts live in the DemoCart and DemoCartItem tables, one transaction per call.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ...db import utc_now
from ...models import DemoCart, DemoCartItem
from ..base import (Cart, CartIds, CartItemNotFound, Category, Coupon, Customer, NoCart, Order,
                    Product, ProductPage, Review)
from .. import rules, visibility
from . import carts
from ..details import StoreDetails
from ..shipping import ShippingZone
from .data import anchor_for, generate
from .history import make_customer
from .shipping import DEMO_DETAILS, DEMO_ZONES
from .images import render_png


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, so comparisons with the data never fail."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


class DemoStore:
    """The demo shop; reads return only what may be shown (bridge.store.visibility),
    exactly like the WooCommerce store.

    ``categories()`` lists the categories holding at least one published product. Its carts
    are named by ids the bridge issues, and it is its own ``local`` shop: the bridge serves
    its product pages and draws its images.
    """

    cart_ids = CartIds.ISSUED

    def __init__(self, base_url: str, sessions: sessionmaker, anchor: date | None = None,
                 currency: str = "USD", name: str = "Fahad Demo Outfitters"):
        self.base_url = base_url.rstrip("/")
        self.sessions = sessions
        self.currency = currency
        self.name = name
        self.anchor = anchor or anchor_for(utc_now())
        self.data = generate(self.anchor, self.base_url, currency)
        self._shown = {p.id: p for p in sorted(self.data.products, key=lambda p: p.id)
                       if visibility.shown(p.status, None, p.catalog_visibility)}
        self._listing = tuple(self._shown.values())
        # Every variation's parent, published or not, so a variation id resolves or is refused.
        self._parents = {v.id: p for p in self.data.products for v in p.variations}
        held = {c.id for p in self._listing for c in p.categories}
        self._categories = tuple(c for c in self.data.categories if c.id in held)
        self._images: dict[int, bytes] = {}

    @property
    def local(self) -> "DemoStore":
        return self

    # -- reads --

    def product(self, product_id: int) -> Product | None:
        return self._shown.get(product_id) if isinstance(product_id, int) else None

    def products(self, page: int = 1, per_page: int = 100,
                 modified_after: datetime | None = None) -> ProductPage:
        """Published products by id; ``modified_after`` keeps those modified strictly later."""
        if page < 1 or per_page < 1:
            raise ValueError("page and per_page start at 1")
        found = self._listing
        if modified_after is not None:
            since = as_utc(modified_after)
            found = tuple(p for p in found if p.date_modified > since)
        start = (page - 1) * per_page
        return ProductPage(items=found[start:start + per_page], total=len(found),
                           total_pages=math.ceil(len(found) / per_page))

    def product_by_slug(self, slug: str) -> Product | None:
        """The published product at /product/<slug>/ (the demo shop's product page)."""
        return next((p for p in self._listing if p.slug == slug), None)

    def variation_parent(self, variation_id: int) -> Product | None:
        """The shown product a variation id belongs to, else None."""
        parent = self._parents.get(variation_id)
        return parent if parent is not None and parent.id in self._shown else None

    def published_ids(self) -> set[int]:
        return set(self._shown)

    def forget(self, product_id: int) -> None:
        """Nothing to drop: the demo's products are generated once and never change."""

    def categories(self) -> Sequence[Category]:
        return self._categories

    def reviews(self, product_id: int | None = None, status: str = "approved",
                limit: int | None = None) -> Sequence[Review]:
        """Reviews of published products, newest first; ``status="all"`` keeps every status."""
        found = [r for r in self.data.reviews if r.product_id in self._shown
                 and (status == "all" or r.status == status)
                 and (product_id is None or r.product_id == product_id)]
        return sorted(found, key=lambda r: (r.date_created, r.id), reverse=True)[:limit]

    def orders(self, after: datetime, before: datetime | None = None,
               customer_id: int | None = None) -> Sequence[Order]:
        after = as_utc(after)
        before = as_utc(before) if before is not None else None
        return [o for o in self.data.orders
                if o.date_created >= after and (before is None or o.date_created < before)
                and (customer_id is None or o.customer_id == customer_id)]

    def order(self, order_id: int) -> Order | None:
        return next((o for o in self.data.orders if o.id == order_id), None)

    def customer(self, customer_id: int) -> Customer | None:
        return make_customer(customer_id)

    def coupons(self) -> Sequence[Coupon]:
        return self.data.coupons

    def shipping_zones(self) -> Sequence[ShippingZone]:
        return DEMO_ZONES

    def details(self) -> StoreDetails:
        return DEMO_DETAILS

    def image_png(self, product_id: int) -> bytes | None:
        """The PNG behind a published product's image URL; None for any other id."""
        product = self.product(product_id)
        if product is None:
            return None
        if product_id not in self._images:
            self._images[product_id] = render_png(product)
        return self._images[product_id]

    def checkout_link(self, items: Sequence[tuple[int, int]]) -> str:
        """WooCommerce's shareable checkout link, served by this bridge's demo pages."""
        return rules.checkout_link(self.base_url, items)

    # -- carts --

    def cart(self, cart_ref: str | None) -> Cart:
        """The cart named ``cart_ref``; an empty cart (and no new rows) when it has none."""
        if not carts.valid_ref(cart_ref):
            return self._cart([])
        with self.sessions() as session:
            return self._cart(self._rows(session, cart_ref))

    def add_to_cart(self, cart_ref: str | None, product_id: int, quantity: int,
                    variation_id: int | None = None) -> Cart:
        """Add to the line of this product and variation, creating cart and line as needed."""
        self._require(cart_ref)
        rules.check_quantity(quantity)
        product, variation = rules.purchase(self, product_id, variation_id or None)
        key = carts.line_key(product.id, variation.id if variation else None)

        def change(session: Session) -> None:
            self._lock(session, cart_ref, create=True)
            row = self._row(session, cart_ref, key)
            held = row.quantity if row else 0
            carts.check_stock(product, variation, held + quantity, held)
            if row:
                row.quantity = held + quantity
            else:
                session.add(DemoCartItem(cart_id=cart_ref, key=key, product_id=product.id,
                                         variation_id=variation.id if variation else None,
                                         quantity=quantity))

        return self._write(cart_ref, change)

    def update_cart_item(self, cart_ref: str | None, key: str, quantity: int) -> Cart:
        """Set a line's quantity; 0 removes it."""
        self._require(cart_ref)
        rules.check_quantity(quantity, allow_zero=True)

        def change(session: Session) -> None:
            row = self._existing_row(session, cart_ref, key)
            if quantity == 0:
                session.delete(row)
                return
            product, variation = rules.purchase(self, row.product_id, row.variation_id)
            carts.check_stock(product, variation, quantity)
            row.quantity = quantity

        return self._write(cart_ref, change)

    def remove_cart_item(self, cart_ref: str | None, key: str) -> Cart:
        self._require(cart_ref)
        return self._write(cart_ref, lambda session: session.delete(
            self._existing_row(session, cart_ref, key)))

    # -- cart plumbing --

    def _require(self, cart_ref: object) -> None:
        if not carts.valid_ref(cart_ref):
            raise NoCart("This request has no cart to change.")

    def _write(self, cart_ref: str, change: Callable[[Session], None]) -> Cart:
        try:
            return self._transaction(cart_ref, change)
        except IntegrityError:
            # Two first adds raced to create the same cart or line; the loser's retry finds it.
            return self._transaction(cart_ref, change)

    def _transaction(self, cart_ref: str, change: Callable[[Session], None]) -> Cart:
        """Apply ``change`` and read the cart back in one transaction; any error undoes both."""
        with self.sessions.begin() as session:
            change(session)
            return self._cart(self._rows(session, cart_ref))

    def _lock(self, session: Session, cart_ref: str, create: bool) -> bool:
        """Whether the cart exists (after creating it if asked).

        Touching the cart row first takes the write lock, so concurrent calls queue.
        """
        touched = session.execute(sa.update(DemoCart).where(DemoCart.id == cart_ref)
                                  .values(updated_at=utc_now())).rowcount
        if not touched and create:
            session.add(DemoCart(id=cart_ref))
            session.flush()
        return bool(touched) or create

    def _existing_row(self, session: Session, cart_ref: str, key: str) -> DemoCartItem:
        row = self._row(session, cart_ref, key) if self._lock(session, cart_ref, create=False) \
            and isinstance(key, str) else None
        if row is None:
            raise CartItemNotFound(f"No item {key} in this cart.")
        return row

    def _row(self, session: Session, cart_ref: str, key: str) -> DemoCartItem | None:
        return session.scalar(sa.select(DemoCartItem).where(
            DemoCartItem.cart_id == cart_ref, DemoCartItem.key == key))

    def _rows(self, session: Session, cart_ref: str) -> list[DemoCartItem]:
        return list(session.scalars(sa.select(DemoCartItem).where(
            DemoCartItem.cart_id == cart_ref).order_by(DemoCartItem.id)))

    def _cart(self, rows: list[DemoCartItem]) -> Cart:
        items = []
        for row in rows:
            product = self.product(row.product_id)
            variation = product.variation(row.variation_id) \
                if product and row.variation_id else None
            if product is None or (row.variation_id and variation is None):
                continue  # no longer sold: a line the shopper can't buy is not shown
            items.append(carts.cart_item(row.key, product, variation, row.quantity))
        subtotal = sum((i.line_total for i in items), Decimal(0))
        return rules.with_checkout_link(
            Cart(items=tuple(items), currency=self.currency, subtotal=subtotal,
                 discount=Decimal(0), total=subtotal), self.base_url)
