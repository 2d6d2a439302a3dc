"""WooCommerce's JSON as the Store's records: wc/v3 products, variations, reviews, orders,
coupons, and Store API carts (money in minor units there)."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .. import visibility
from ..base import (ADDRESS_FIELDS, Address, Attribute, Cart, CartItem, Category, Coupon,
                    Customer, Order, OrderLine, Product, Refund, Review, Variation)

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t]*\n[ \t\n]*|[ \t]+")


def text(value: str | None) -> str:
    """WordPress HTML as plain text: tags dropped, entities decoded, blank space squeezed."""
    if not value:
        return ""
    plain = html.unescape(_TAG.sub(" ", value.replace("</p>", "\n")))
    return _SPACE.sub(lambda m: "\n" if "\n" in m.group() else " ", plain).strip()


def money(value) -> Decimal | None:
    """A wc/v3 price string ("12.00", or "" for none) as a Decimal."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def minor(value, unit: int) -> Decimal:
    """A Store API amount ("1999" with currency_minor_unit 2) as a Decimal (19.99)."""
    return (Decimal(str(value or 0)) / (Decimal(10) ** unit)).quantize(Decimal(1).scaleb(-unit))


def when(value: str | None) -> datetime | None:
    """A wc/v3 *_gmt timestamp (ISO 8601 without offset, in UTC)."""
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)


def is_public(data: dict) -> bool:
    """Whether a wc/v3 product may leave the bridge (bridge.store.visibility)."""
    return visibility.shown(data.get("status"), data.get("post_password"),
                            data.get("catalog_visibility") or "visible")


def category(data: dict) -> Category:
    return Category(id=data["id"], name=html.unescape(data["name"]), slug=data["slug"],
                    parent=data.get("parent") or None)


def variation(data: dict, parent_id: int) -> Variation:
    on_sale = data.get("on_sale") and money(data.get("sale_price")) is not None
    return Variation(
        id=data["id"], product_id=parent_id,
        attributes=tuple((a["name"], a["option"]) for a in data.get("attributes", ())),
        sku=data.get("sku") or "",
        regular_price=money(data.get("regular_price")) or money(data.get("price")) or Decimal(0),
        sale_price=money(data.get("price")) if on_sale else None,
        stock_status=data.get("stock_status") or "instock",
        stock_quantity=data.get("stock_quantity") if data.get("manage_stock") is True else None,
        image=(data.get("image") or {}).get("src"),
        purchasable=bool(data.get("purchasable", True)) and data.get("status", "publish") == "publish")


def product(data: dict, variations: list[dict] = ()) -> Product:
    """A wc/v3 product with its variations (wc/v3 lists only their ids on the product)."""
    on_sale = data.get("on_sale") and money(data.get("sale_price")) is not None
    ordered = sorted(variations, key=lambda v: (v.get("menu_order") or 0, v["id"]))
    kept = tuple(variation(v, data["id"]) for v in ordered
                 if v.get("status", "publish") == "publish")
    return Product(
        id=data["id"], name=html.unescape(data["name"]), slug=data["slug"], type=data["type"],
        status="publish" if is_public(data) else data.get("status", "draft"),
        sku=data.get("sku") or "", permalink=data.get("permalink") or "",
        description=text(data.get("description")),
        short_description=text(data.get("short_description")),
        regular_price=None if kept else money(data.get("regular_price")) or money(data.get("price")),
        sale_price=money(data.get("price")) if on_sale and not kept else None,
        stock_status=data.get("stock_status") or "instock",
        stock_quantity=data.get("stock_quantity") if data.get("manage_stock") is True else None,
        categories=tuple(category(c) for c in data.get("categories", ())),
        tags=tuple(html.unescape(t["name"]) for t in data.get("tags", ())),
        attributes=tuple(Attribute(a["name"], tuple(a.get("options", ())), bool(a.get("variation")))
                         for a in data.get("attributes", ()) if a.get("visible", True)
                         or a.get("variation")),
        images=tuple(i["src"] for i in data.get("images", ()) if i.get("src")),
        variations=kept,
        average_rating=money(data.get("average_rating")) if data.get("rating_count") else None,
        rating_count=data.get("rating_count") or 0,
        total_sales=int(data.get("total_sales") or 0),
        purchasable=bool(data.get("purchasable")) and data["type"] in ("simple", "variable"),
        catalog_visibility=data.get("catalog_visibility") or "visible",
        featured=bool(data.get("featured")),
        date_created=when(data.get("date_created_gmt")),
        date_modified=when(data.get("date_modified_gmt")))


def review(data: dict) -> Review:
    # wc/v3 doesn't say whether the store replied (replies are plain comments): unknown.
    return Review(id=data["id"], product_id=data["product_id"],
                  reviewer=html.unescape(data.get("reviewer") or ""),
                  rating=int(data.get("rating") or 0), text=text(data.get("review")),
                  verified=bool(data.get("verified")), status=data.get("status", "approved"),
                  date_created=when(data.get("date_created_gmt")), replied=None)


def order(data: dict, refunds: list[dict] = ()) -> Order:
    return Order(
        id=data["id"], status=data["status"], customer_id=data.get("customer_id") or 0,
        currency=data.get("currency") or "", date_created=when(data["date_created_gmt"]),
        total=money(data.get("total")) or Decimal(0),
        shipping_total=money(data.get("shipping_total")) or Decimal(0),
        discount_total=money(data.get("discount_total")) or Decimal(0),
        lines=tuple(OrderLine(product_id=line.get("product_id") or 0,
                              variation_id=line.get("variation_id") or None,
                              name=html.unescape(line.get("name") or ""),
                              quantity=int(line.get("quantity") or 0),
                              subtotal=money(line.get("subtotal")) or Decimal(0),
                              total=money(line.get("total")) or Decimal(0))
                    for line in data.get("line_items", ())),
        refunds=tuple(Refund(id=r["id"], amount=abs(money(r.get("amount")) or Decimal(0)),
                             reason=r.get("reason") or "", date_created=when(r["date_created_gmt"]))
                      for r in refunds),
        coupon_codes=tuple(c["code"] for c in data.get("coupon_lines", ())),
        created_via=data.get("created_via") or "")


def address(data: dict | None, billing: bool = False) -> Address:
    data = data or {}
    fields = {name: html.unescape(str(data.get(name) or "")) for name in ADDRESS_FIELDS}
    return Address(**fields, email=(data.get("email") or "") if billing else None)


def customer(data: dict) -> Customer:
    return Customer(id=data["id"], first_name=html.unescape(data.get("first_name") or ""),
                    last_name=html.unescape(data.get("last_name") or ""),
                    email=data.get("email") or "",
                    billing=address(data.get("billing"), billing=True),
                    shipping=address(data.get("shipping")))


def coupon(data: dict) -> Coupon:
    return Coupon(id=data["id"], code=data["code"], discount_type=data["discount_type"],
                  amount=money(data.get("amount")) or Decimal(0),
                  date_expires=when(data.get("date_expires_gmt")),
                  usage_limit=data.get("usage_limit"), usage_count=data.get("usage_count") or 0)


def cart(data: dict, parents: dict[int, int]) -> Cart:
    """A Store API cart; ``parents`` maps variation ids to their products."""
    totals = data.get("totals") or {}
    unit = int(totals.get("currency_minor_unit", 2))
    items = []
    for item in data.get("items", ()):
        is_variation = item.get("type") == "variation"
        prices = item.get("prices") or {}
        line = item.get("totals") or {}
        item_unit = int(prices.get("currency_minor_unit", unit))
        images = item.get("images") or ()
        items.append(CartItem(
            key=item["key"],
            product_id=parents.get(item["id"], item["id"]) if is_variation else item["id"],
            variation_id=item["id"] if is_variation else None,
            name=html.unescape(item.get("name") or ""), quantity=int(item["quantity"]),
            price=minor(prices.get("price"), item_unit),
            line_total=minor(line.get("line_total"), item_unit),
            attributes=tuple((html.unescape(v["attribute"]), html.unescape(v["value"]))
                             for v in item.get("variation", ())),
            image=images[0].get("src") if images else None))
    shipping = totals.get("total_shipping")
    return Cart(items=tuple(items), currency=totals.get("currency_code") or "",
                subtotal=minor(totals.get("total_items"), unit),
                discount=minor(totals.get("total_discount"), unit),
                total=minor(totals.get("total_price"), unit),
                coupons=tuple(c["code"] for c in data.get("coupons", ())),
                shipping=minor(shipping, unit) if shipping not in (None, "") else None)
