"""The Store interface every backend implements (demo, WooCommerce), and its records.

Records are frozen dataclasses shaped after WooCommerce's REST API v3 so an adapter maps
fields one to one. A figure the store does not have is ``None``, never a stand-in zero.
Only products that may be shown (bridge.store.visibility: published, no password, not
hidden) ever leave a Store: ``product()`` answers ``None`` for the others exactly as for
unknown ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Iterable, Protocol, Sequence

from .details import StoreDetails
from .shipping import ShippingZone

# WooCommerce's stock_status values.
IN_STOCK = "instock"
OUT_OF_STOCK = "outofstock"
ON_BACKORDER = "onbackorder"


def option_label(values: Iterable[str]) -> str:
    """"M / Black": option values as shoppers read them (``Variation.label()``)."""
    return " / ".join(values)


def item_label(name: str, options: str = "") -> str:
    """"Classic Pullover Hoodie (M / Black)"; the plain name when there are no options."""
    return f"{name} ({options})" if options else name


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    slug: str
    parent: int | None = None


@dataclass(frozen=True)
class Attribute:
    """A product attribute; ``variation`` marks the ones variations are chosen by."""

    name: str
    options: tuple[str, ...]
    variation: bool = False


@dataclass(frozen=True)
class Variation:
    id: int
    product_id: int
    attributes: tuple[tuple[str, str], ...]  # (("Size", "M"), ("Color", "Black"))
    sku: str
    regular_price: Decimal
    sale_price: Decimal | None
    stock_status: str
    stock_quantity: int | None  # None when the variation does not manage stock
    image: str | None = None
    purchasable: bool = True

    @property
    def price(self) -> Decimal:
        return self.sale_price if self.sale_price is not None else self.regular_price

    @property
    def on_sale(self) -> bool:
        return self.sale_price is not None and self.sale_price < self.regular_price

    @property
    def in_stock(self) -> bool:
        return self.stock_status != OUT_OF_STOCK

    def label(self) -> str:
        """"M / Black": the option values, as shoppers read them."""
        return option_label(value for _, value in self.attributes)


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    slug: str
    type: str  # "simple", "variable", "grouped", "external"
    status: str  # "publish", "draft", "private", "pending"
    sku: str
    permalink: str
    description: str = ""
    short_description: str = ""
    regular_price: Decimal | None = None  # None for variable products: see variations
    sale_price: Decimal | None = None
    stock_status: str = IN_STOCK
    stock_quantity: int | None = None  # None when stock is not managed
    categories: tuple[Category, ...] = ()
    tags: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    images: tuple[str, ...] = ()  # absolute URLs, main image first
    variations: tuple[Variation, ...] = ()
    average_rating: Decimal | None = None  # None when nobody has rated it
    rating_count: int = 0
    total_sales: int = 0
    purchasable: bool = True
    catalog_visibility: str = "visible"  # "visible", "catalog", "search", "hidden"
    featured: bool = False
    date_created: datetime | None = None
    date_modified: datetime | None = None

    @property
    def published(self) -> bool:
        return self.status == "publish"

    @property
    def price(self) -> Decimal | None:
        """The current price; for a variable product the lowest among its variations."""
        if self.variations:
            return min(v.price for v in self.variations)
        if self.sale_price is not None:
            return self.sale_price
        return self.regular_price

    @property
    def price_max(self) -> Decimal | None:
        if self.variations:
            return max(v.price for v in self.variations)
        return self.price

    @property
    def on_sale(self) -> bool:
        if self.variations:
            return any(v.on_sale for v in self.variations)
        return (self.sale_price is not None and self.regular_price is not None
                and self.sale_price < self.regular_price)

    @property
    def in_stock(self) -> bool:
        if self.variations:
            return any(v.in_stock for v in self.variations)
        return self.stock_status != OUT_OF_STOCK

    def variation(self, variation_id: int) -> Variation | None:
        return next((v for v in self.variations if v.id == variation_id), None)

    def label(self, variation: Variation | None = None) -> str:
        """"Classic Pullover Hoodie (M / Black)" for a variation, the plain name otherwise."""
        return item_label(self.name, variation.label() if variation else "")


@dataclass(frozen=True)
class ProductPage:
    items: tuple[Product, ...]
    total: int
    total_pages: int


@dataclass(frozen=True)
class Review:
    id: int
    product_id: int
    reviewer: str
    rating: int  # 1..5
    text: str
    verified: bool
    status: str  # "approved", "hold", "spam", "trash"
    date_created: datetime
    replied: bool | None = None  # the store has answered it; None when the store can't say


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    variation_id: int | None
    name: str
    quantity: int
    subtotal: Decimal  # before coupons, before tax (WooCommerce's line subtotal)
    total: Decimal  # after coupons, before tax: the order total is these plus shipping


@dataclass(frozen=True)
class Refund:
    id: int
    amount: Decimal
    reason: str
    date_created: datetime


@dataclass(frozen=True)
class Order:
    id: int
    status: str  # "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"
    customer_id: int  # 0 for a guest
    currency: str
    date_created: datetime
    total: Decimal
    shipping_total: Decimal
    discount_total: Decimal
    lines: tuple[OrderLine, ...]
    refunds: tuple[Refund, ...] = ()
    coupon_codes: tuple[str, ...] = ()
    created_via: str = "checkout"

    @property
    def refunded_total(self) -> Decimal:
        return sum((r.amount for r in self.refunds), Decimal(0))


ADDRESS_FIELDS = ("first_name", "last_name", "company", "address_1", "address_2", "city",
                  "state", "postcode", "country", "phone")


@dataclass(frozen=True)
class Address:
    """A saved billing or shipping address, as WooCommerce keeps it (empty strings for blanks)."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""
    phone: str = ""
    email: str | None = None  # billing only

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in ADDRESS_FIELDS)


@dataclass(frozen=True)
class Customer:
    """A registered customer (a WordPress user id) with their saved addresses."""

    id: int
    first_name: str
    last_name: str
    email: str
    billing: Address
    shipping: Address


@dataclass(frozen=True)
class Coupon:
    id: int
    code: str
    discount_type: str  # "percent", "fixed_cart", "fixed_product"
    amount: Decimal
    date_expires: datetime | None
    usage_limit: int | None
    usage_count: int


@dataclass(frozen=True)
class CartItem:
    key: str
    product_id: int
    variation_id: int | None
    name: str
    quantity: int
    price: Decimal  # unit price
    line_total: Decimal
    attributes: tuple[tuple[str, str], ...] = ()
    image: str | None = None


@dataclass(frozen=True)
class Cart:
    items: tuple[CartItem, ...]
    currency: str
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    coupons: tuple[str, ...] = ()
    checkout_url: str | None = None
    shipping: Decimal | None = None  # None until the store has priced shipping

    @property
    def item_count(self) -> int:
        return sum(i.quantity for i in self.items)


# -- failures the store reports; bridge.errors.from_store maps them for routes and tools --

class StoreError(Exception):
    """A store refusal with a WordPress-style code and the status the contract gives it."""

    code = "store_error"
    status = 400
    retry_after: int | None = None  # seconds, sent as Retry-After

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    @property
    def public_message(self) -> str:
        """What a shopper, an agent or the model reads; ``message`` may be for the log only."""
        return self.message

    @property
    def data(self) -> dict:
        """Facts beside the message that a client can act on."""
        return {}


class ProductNotFound(StoreError):
    code, status = "invalid_product", 404


class InvalidVariation(StoreError):
    code, status = "invalid_variation", 400


class InvalidQuantity(StoreError):
    code, status = "invalid_quantity", 400


class OutOfStock(StoreError):
    code, status = "out_of_stock", 409

    def __init__(self, message: str, available: int):
        super().__init__(message)
        self.available = available

    @property
    def data(self) -> dict:
        return {"available": self.available}


class CartItemNotFound(StoreError):
    code, status = "unknown_cart_item", 404


class NotPurchasable(StoreError):
    """A published product that can't go in this cart (grouped, external, not for sale)."""

    code, status = "not_purchasable", 400


class NoCart(StoreError):
    """The request carries no cart the store can act on (never a stranger's cart)."""

    code, status = "fahad_ai_no_cart", 403


class StoreUnavailable(StoreError):
    """The store did not answer: unreachable, failing, or refusing the bridge's keys. It says
    nothing about what the store holds, so it is never told as "not found". ``message``
    names the cause for the log; everyone else reads the fixed ``public_message``."""

    code, status = "fahad_ai_store_unavailable", 503
    # The adapter has already retried a read for about 2 s (woocommerce.http.BACKOFF); a
    # store still failing is rarely back sooner than this.
    retry_after = 10

    @property
    def public_message(self) -> str:
        return "The store could not answer just now. Please try again in a moment."


class CartIds(Enum):
    """Whose ids name a cart in a store (``Store.cart_ids``)."""

    # The bridge issues signed ids and the store keeps those carts: the storefront's
    # fahad_cart cookie, a WhatsApp customer's cart (the demo store).
    ISSUED = "issued"
    # Only the shopper's own cart token, which WordPress forwards in the signed context
    # (WooCommerce's Cart-Token): without one there is no cart to read or change.
    SHOPPER = "shopper"


class LocalShop(Protocol):
    """A shop that lives in this process (the demo store). Its catalogue is built here, so
    the index is rebuilt from it at start and no webhook announces changes; the bridge
    serves its product pages and draws its images."""

    def product_by_slug(self, slug: str) -> Product | None:
        """The published product whose page is /product/<slug>/, else None."""

    def image_png(self, product_id: int) -> bytes | None:
        """The PNG behind a published product's image URL, else None."""


class Store(Protocol):
    """What the bridge needs from a shop. Reads return only what may be shown (visibility).

    Callers ask the store what it can do, never which kind it is: ``cart_ids`` says whose
    cart ids it takes, ``local`` is the shop itself when it lives in this process.
    """

    name: str
    currency: str
    cart_ids: CartIds
    local: LocalShop | None  # None for a shop with its own site (WooCommerce)

    def product(self, product_id: int) -> Product | None:
        """The published product with its variations, else None."""

    def products(self, page: int = 1, per_page: int = 100,
                 modified_after: datetime | None = None) -> ProductPage:
        """Published products, oldest id first, with their variations."""

    def variation_parent(self, variation_id: int) -> Product | None:
        """The published product a variation id belongs to, else None."""

    def published_ids(self) -> set[int]:
        """The ids of every product that may be shown: a cheap listing for reconciling."""

    def forget(self, product_id: int) -> None:
        """Drop whatever the store holds of a product's last read: the shop said it changed."""

    def categories(self) -> Sequence[Category]: ...

    def reviews(self, product_id: int | None = None, status: str = "approved",
                limit: int | None = None) -> Sequence[Review]:
        """Reviews of published products, newest first; at most ``limit`` when given."""

    def orders(self, after: datetime, before: datetime | None = None,
               customer_id: int | None = None) -> Sequence[Order]:
        """Orders created in [after, before), oldest first."""

    def order(self, order_id: int) -> Order | None:
        """One order by id, else None."""

    def customer(self, customer_id: int) -> Customer | None:
        """A registered customer with their saved addresses, else None."""

    def coupons(self) -> Sequence[Coupon]: ...

    def shipping_zones(self) -> Sequence[ShippingZone]:
        """Every shipping zone with its locations and enabled methods, the catch-all zone 0
        included (bridge.store.shipping.zone_for picks one for an address)."""

    def details(self) -> StoreDetails:
        """What the store says about itself: address, email, where it ships, policy pages."""

    def cart(self, cart_ref: str | None) -> Cart:
        """The cart named by ``cart_ref``; an empty cart when it has none yet."""

    def add_to_cart(self, cart_ref: str | None, product_id: int, quantity: int,
                    variation_id: int | None = None) -> Cart:
        """Add, verifying product, variation and stock; on failure nothing changes."""

    def update_cart_item(self, cart_ref: str | None, key: str, quantity: int) -> Cart: ...

    def remove_cart_item(self, cart_ref: str | None, key: str) -> Cart: ...

    def checkout_link(self, items: Sequence[tuple[int, int]]) -> str:
        """An absolute URL that fills a fresh cart with (product or variation id, qty) pairs
        (bridge.store.rules.checkout_link)."""
