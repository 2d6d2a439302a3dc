"""Prices, sales and stock as WooCommerce derives them from a product's stored fields.

A sale counts only inside its dates, so everything here takes ``now`` (the fake's clock).
Variable and grouped products take their prices and stock from their children.
"""
from __future__ import annotations

from dataclasses import dataclass

from .money import cents
from .php import parse_site_date

NO_LIMIT = 9999  # Store API quantity maximum when stock does not limit it
LOW_STOCK_AMOUNT = 2  # the store's woocommerce_notify_low_stock_amount


@dataclass(frozen=True)
class Prices:
    """Minor units; ``low``/``high`` differ only for variable and grouped products."""
    price: int | None
    regular: int | None
    sale: int | None
    on_sale: bool
    low: int | None = None
    high: int | None = None
    low_regular: int | None = None
    high_regular: int | None = None


def sale_active(record: dict, now: float) -> bool:
    """WC_Product::is_on_sale(): a sale price under the regular price, within its dates."""
    sale, regular = cents(record.get("sale_price")), cents(record.get("regular_price"))
    if sale is None or regular is None or sale >= regular:
        return False
    starts = parse_site_date(record.get("date_on_sale_from_gmt"))
    ends = parse_site_date(record.get("date_on_sale_to_gmt"))
    return (starts is None or starts <= now) and (ends is None or now <= ends)


def own_prices(record: dict, now: float) -> Prices:
    """A simple, external or variation product: the sale price while the sale runs."""
    regular = cents(record.get("regular_price"))
    on_sale = sale_active(record, now)
    price = cents(record["sale_price"]) if on_sale else regular
    return Prices(price, regular, cents(record.get("sale_price")), on_sale, price, price,
                  regular, regular)


def children_prices(children: list[dict], now: float) -> Prices:
    """A variable or grouped product: the range over its children that have a price."""
    own = [own_prices(child, now) for child in children]
    own = [p for p in own if p.price is not None]
    if not own:
        return Prices(None, None, None, False)
    prices = [p.price for p in own]
    regulars = [p.regular for p in own if p.regular is not None] or prices
    return Prices(min(prices), min(regulars), min(prices), any(p.on_sale for p in own),
                  min(prices), max(prices), min(regulars), max(regulars))


def stock_status(record: dict, children: list[dict] | None = None) -> str:
    """instock / outofstock / onbackorder: from the quantity when stock is managed."""
    if children is not None:
        statuses = {stock_status(child) for child in children}
        for status in ("instock", "onbackorder"):
            if status in statuses:
                return status
        return "outofstock" if statuses else record.get("stock_status", "instock")
    if record.get("manage_stock") is True:
        if (record.get("stock_quantity") or 0) > 0:
            return "instock"
        return "outofstock" if record.get("backorders", "no") == "no" else "onbackorder"
    return record.get("stock_status", "instock")


def limits_stock(record: dict) -> bool:
    """True when managed stock caps what a cart may hold (no backorders)."""
    return record.get("manage_stock") is True and record.get("backorders", "no") == "no"


def max_quantity(record: dict) -> int:
    """The Store API's quantity maximum: the stock when it limits, else 9999 (1 if sold alone)."""
    if record.get("sold_individually"):
        return 1
    if limits_stock(record):
        return max(record.get("stock_quantity") or 0, 0)
    return NO_LIMIT


def low_stock_remaining(record: dict) -> int | None:
    """The Store API's low-stock badge: the quantity once it is at or under the threshold."""
    if record.get("manage_stock") is not True:
        return None
    quantity = record.get("stock_quantity") or 0
    threshold = record.get("low_stock_amount")
    threshold = LOW_STOCK_AMOUNT if threshold in (None, "") else int(threshold)
    return max(quantity, 0) if quantity <= threshold else None
