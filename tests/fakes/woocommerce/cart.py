"""A shopper's cart as WooCommerce computes it: line keys, coupon discounts, the flat-rate
shipping, the Cart-Hash, and the Store API's cart JSON.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .catalog import Catalog
from .money import CURRENCY, amounts, cents, store_money
from .php import json_encode, wpautop
from .pricing import low_stock_remaining, max_quantity, own_prices
from .products_v3 import permalink, variation_permalink, variation_query
from .shop import PAYMENT_METHODS, SHIPPING_COST, Shop
from .store_products import image

ADDRESS = {"first_name": "", "last_name": "", "company": "", "address_1": "", "address_2": "",
           "city": "", "state": "CA", "postcode": "", "country": "US"}  # store base US:CA


@dataclass
class Line:
    """One cart item. ``variation`` maps attribute_<name> to a value, sorted by name."""
    key: str
    product_id: int
    variation_id: int
    variation: dict[str, str]
    quantity: int


@dataclass
class Cart:
    """A session's cart: lines by key, in the order they were added, and coupon codes."""
    lines: dict[str, Line] = field(default_factory=dict)
    coupons: list[str] = field(default_factory=list)


def line_key(product_id: int, variation_id: int, variation: dict[str, str]) -> str:
    """WC_Cart::generate_cart_id()."""
    parts = [str(product_id)] + ([str(variation_id)] if variation_id else [])
    if variation:
        parts.append("".join(k.strip() + v.strip() for k, v in variation.items()))
    return hashlib.md5("_".join(parts).encode()).hexdigest()


@dataclass
class Priced:
    """A line with its product and its amounts in minor units."""
    line: Line
    record: dict
    unit: int
    subtotal: int
    discount: int = 0


def priced(catalog: Catalog, cart: Cart, now: float) -> list[Priced]:
    """The cart's lines with their current prices. Lines whose product is gone or trashed
    leave the cart, as WooCommerce drops them when it loads a session."""
    out = []
    for key, line in list(cart.lines.items()):
        record = catalog.get(line.variation_id or line.product_id)
        parent = catalog.products.get(line.product_id)
        if record is None or parent is None or "trash" in (record["status"], parent["status"]):
            del cart.lines[key]
            continue
        unit = own_prices(record, now).price or 0
        out.append(Priced(line, record, unit, unit * line.quantity))
    return out


def apply_coupons(shop: Shop, cart: Cart, lines: list[Priced]) -> dict[str, int]:
    """WC_Discounts: each coupon's discount, spread over the lines (amounts in cents)."""
    totals = {}
    for code in cart.coupons:
        coupon = shop.coupon_by_code(code)
        amount = cents(coupon["amount"]) or 0
        before = sum(p.discount for p in lines)
        if coupon["discount_type"] == "percent":
            for p in lines:
                p.discount += p.subtotal * amount // 10000
            wanted = round(sum(p.subtotal for p in lines) * amount / 10000)
            # The cents lost to flooring go one by one to the dearest items first.
            for dearest in sorted(lines, key=lambda p: -p.unit):
                if sum(p.discount for p in lines) - before >= wanted:
                    break
                if dearest.discount < dearest.subtotal:
                    dearest.discount += 1
        elif coupon["discount_type"] == "fixed_product":
            for p in lines:
                p.discount += min(amount * p.line.quantity, p.subtotal - p.discount)
        else:
            left = sum(p.subtotal - p.discount for p in lines)
            for p in lines:
                share = p.subtotal - p.discount
                p.discount += min(share, amount * share // left if left else 0)
        totals[code] = sum(p.discount for p in lines) - before
    return totals


def weight_grams(catalog: Catalog, record: dict) -> float:
    """The store weighs in kg; a variation without a weight has its parent's."""
    weight = record.get("weight") or ""
    if not weight and record["id"] in catalog.variations:
        weight = catalog.products[record["parent_id"]]["weight"]
    return float(weight or 0) * 1000


def full_name(catalog: Catalog, record: dict) -> str:
    """get_name(): a variation's is "Parent - M, Red"."""
    if record["id"] in catalog.variations:
        return f"{catalog.products[record['parent_id']]['name']} - {record['name']}"
    return record["name"]


def cart_hash(catalog: Catalog, lines: list[Priced], total: int) -> str:
    """The Cart-Hash header: md5 of the session's cart JSON followed by the total."""
    if not lines:
        return ""
    session = {}
    for p in lines:
        record = p.record
        attributes = dict(variation_query(catalog, record)) \
            if record["id"] in catalog.variations else {}
        data_hash = hashlib.md5(json_encode({
            "type": "variation" if record["id"] in catalog.variations else record["type"],
            "attributes": attributes or ""}).encode()).hexdigest()
        session[p.line.key] = {
            "key": p.line.key, "product_id": p.line.product_id,
            "variation_id": p.line.variation_id, "variation": p.line.variation or [],
            "quantity": p.line.quantity, "data_hash": data_hash,
            "line_tax_data": {"subtotal": [], "total": []},
            "line_subtotal": _php_amount(p.subtotal), "line_subtotal_tax": 0,
            "line_total": _php_amount(p.subtotal - p.discount), "line_tax": 0}
    return hashlib.md5((json_encode(session) + str(_php_amount(total))).encode()).hexdigest()


def _php_amount(amount: int) -> int | float:
    """cents / 100 as PHP computes it: an int when the division is exact, else a float."""
    return amount // 100 if amount % 100 == 0 else amount / 100


def _item(catalog: Catalog, p: Priced, now: float) -> dict:
    record, line = p.record, p.line
    is_variation = record["id"] in catalog.variations
    parent = catalog.products[record["parent_id"]] if is_variation else None
    prices = own_prices(record, now)
    sale = prices.price if prices.on_sale else p.unit
    images = [record["image"]] if is_variation and record.get("image") else \
        record.get("images", [])
    labels = {key: attribute for attribute, (key, _) in
              zip(record["attributes"], variation_query(catalog, record))} if is_variation else {}
    return {
        "key": line.key, "id": record["id"], "type": "variation" if is_variation else
        record["type"], "quantity": line.quantity,
        "quantity_limits": {"minimum": 1, "maximum": max_quantity(record), "multiple_of": 1,
                            "editable": not record.get("sold_individually")},
        "name": parent["name"] if parent else record["name"],
        "short_description": wpautop(record.get("short_description", "")).rstrip("\n"),
        "description": wpautop(record["description"]).rstrip("\n"), "sku": record["sku"],
        "low_stock_remaining": low_stock_remaining(record),
        "backorders_allowed": record["backorders"] != "no", "show_backorder_badge": False,
        "sold_individually": bool(record.get("sold_individually")),
        "permalink": variation_permalink(catalog, record, anonymous=True) if parent else
        permalink(record, anonymous=True),
        "images": [image(i) for i in images],
        "variation": [{"attribute": labels[k]["name"], "value": labels[k]["option"]}
                      for k in line.variation if k in labels],
        "item_data": [],
        "prices": {**amounts(price=p.unit, regular_price=prices.regular or p.unit,
                             sale_price=sale), "price_range": None, **CURRENCY,
                   "raw_prices": {"precision": 6, "price": str(p.unit * 10000),
                                  "regular_price": str((prices.regular or p.unit) * 10000),
                                  "sale_price": str(sale * 10000)}},
        "totals": store_money(line_subtotal=p.subtotal, line_subtotal_tax=0,
                              line_total=p.subtotal - p.discount, line_total_tax=0),
        "catalog_visibility": (parent or record).get("catalog_visibility", "visible"),
        "extensions": {},
    }


def render(catalog: Catalog, shop: Shop, cart: Cart, now: float) -> tuple[dict, str]:
    """The Store API cart JSON and its Cart-Hash."""
    lines = priced(catalog, cart, now)
    coupon_totals = apply_coupons(shop, cart, lines)
    items_total = sum(p.subtotal for p in lines)
    discount = sum(p.discount for p in lines)
    shipping = SHIPPING_COST if lines else None
    total = items_total - discount + (shipping or 0)
    destination = {k: ADDRESS[k] for k in ("address_1", "address_2", "city", "state",
                                          "postcode", "country")}
    rates = [{
        "package_id": 0, "name": "Shipment 1", "destination": destination,
        "items": [{"key": p.line.key, "name": full_name(catalog, p.record),
                   "quantity": p.line.quantity} for p in lines],
        "shipping_rates": [{
            "rate_id": "flat_rate:1", "name": "Flat rate", "description": "",
            "delivery_time": "", "price": str(SHIPPING_COST), "taxes": "0", "instance_id": 1,
            "method_id": "flat_rate",
            "meta_data": [{"key": "Items", "value": ", ".join(
                f"{full_name(catalog, p.record)} &times; {p.line.quantity}" for p in lines)}],
            "selected": True, **CURRENCY}]}] if lines else []
    weight = sum(weight_grams(catalog, p.record) * p.line.quantity for p in lines)
    body = {
        "items": [_item(catalog, p, now) for p in lines],
        "coupons": [{"code": code, "discount_type": shop.coupon_by_code(code)["discount_type"],
                     "totals": store_money(total_discount=amount, total_discount_tax=0)}
                    for code, amount in coupon_totals.items()],
        "fees": [],
        "totals": {**amounts(total_items=items_total, total_items_tax=0, total_fees=0,
                             total_fees_tax=0, total_discount=discount, total_discount_tax=0,
                             total_shipping=shipping, total_shipping_tax=0 if lines else None,
                             total_price=total, total_tax=0), "tax_lines": [], **CURRENCY},
        "shipping_address": {**ADDRESS, "phone": ""},
        "billing_address": {**ADDRESS, "email": "", "phone": ""},
        "needs_payment": total > 0, "needs_shipping": bool(lines),
        "payment_requirements": ["products"], "has_calculated_shipping": bool(lines),
        "shipping_rates": rates, "items_count": sum(p.line.quantity for p in lines),
        "items_weight": int(weight) if weight == int(weight) else weight,
        "cross_sells": [], "errors": [], "payment_methods": PAYMENT_METHODS, "extensions": {},
    }
    return body, cart_hash(catalog, lines, total)
