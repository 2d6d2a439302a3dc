"""Products and variations in the wc/v3 shapes, as the key's owner (an administrator) sees them.

Stored fields come back as stored; prices, sales, stock status, permalinks, price_html,
related_ids and _links are derived at read time, as WooCommerce derives them.
"""
from __future__ import annotations

from .catalog import Catalog
from .money import amount_html, decimal, range_html, sale_html
from .php import sanitize_title, urlencode, wpautop
from .pricing import Prices, children_prices, own_prices, stock_status
from .recordings import ORIGIN

API = f"{ORIGIN}/wp-json/wc/v3"
EDITABLE = ["GET", "POST", "PUT", "PATCH", "DELETE"]
UNPUBLISHED = ("draft", "pending", "future", "auto-draft")


def self_link(href: str, allow: list[str] = EDITABLE) -> list[dict]:
    return [{"href": href, "targetHints": {"allow": allow}}]


def permalink(record: dict, *, anonymous: bool = False) -> str:
    """Pretty for published products; WordPress' ?p= form for unpublished ones (and, for an
    anonymous Store API caller, for private ones too, as recorded)."""
    if record["status"] in UNPUBLISHED or (anonymous and record["status"] == "private"):
        return f"{ORIGIN}/?post_type=product&p={record['id']}"
    return f"{ORIGIN}/product/{record['slug']}/"


def variation_query(catalog: Catalog, variation: dict) -> list[tuple[str, str]]:
    """attribute_<name>=<value> pairs: term slugs for global attributes, text for local ones."""
    pairs = []
    for attribute in variation["attributes"]:
        if attribute["id"]:
            terms = catalog.terms.get(attribute["id"], [])
            value = next((t["slug"] for t in terms if t["name"] == attribute["option"]),
                         sanitize_title(attribute["option"]))
            pairs.append((f"attribute_{attribute['slug']}", value))
        else:
            pairs.append((f"attribute_{sanitize_title(attribute['name'])}", attribute["option"]))
    return pairs


def variation_permalink(catalog: Catalog, variation: dict, *, anonymous: bool = False) -> str:
    parent = catalog.products[variation["parent_id"]]
    query = "&".join(f"{k}={urlencode(v)}" for k, v in variation_query(catalog, variation))
    return permalink(parent, anonymous=anonymous) + ("?" + query if query else "")


def prices_of(catalog: Catalog, record: dict, now: float) -> Prices:
    """A product's own prices, or the range over its children for variable and grouped ones."""
    if record.get("type") == "variable":
        published = [v for v in catalog.children(record) if v["status"] == "publish"]
        return children_prices(published, now)
    if record.get("type") == "grouped":
        return children_prices(catalog.children(record), now)
    return own_prices(record, now)


def on_sale_filter(catalog: Catalog, record: dict, now: float) -> bool:
    """What the on_sale filter matches: wc_get_product_ids_on_sale() holds products and the
    parents of variations on sale, but not grouped products, though their on_sale is true."""
    return record.get("type") != "grouped" and prices_of(catalog, record, now).on_sale


def price_html(record: dict, prices: Prices, *, v3: bool = True) -> str:
    """get_price_html(): empty, one amount, a sale, or a range."""
    if prices.price is None:
        return ""
    if record.get("type") in ("variable", "grouped"):
        if prices.low != prices.high:
            return range_html(prices.low, prices.high, v3=v3)
        if prices.on_sale and record["type"] == "variable" \
                and prices.low_regular == prices.high_regular:
            return sale_html(prices.high_regular, prices.low, v3=v3)
        return amount_html(prices.low, v3=v3)
    if prices.on_sale:
        return sale_html(prices.regular, prices.price, v3=v3)
    return amount_html(prices.price, v3=v3)


def product(catalog: Catalog, record: dict, now: float, *, edit: bool = False) -> dict:
    """GET products/<id> for a parent product (context=view, or edit for writes)."""
    out = dict(record)
    kind = record["type"]
    prices = prices_of(catalog, record, now)
    children = catalog.children(record) if kind in ("variable", "grouped") else None
    out["permalink"] = permalink(record)
    if not edit:
        out["description"] = wpautop(record["description"])
        out["short_description"] = wpautop(record["short_description"])
    if kind in ("variable", "grouped"):
        out["price"] = decimal(prices.low) if prices.low is not None else ""
    else:
        out["price"] = decimal(prices.price) if prices.price is not None else ""
    out["on_sale"] = prices.on_sale
    out["purchasable"] = kind in ("simple", "variable") and prices.price is not None
    out["stock_status"] = stock_status(record, children)
    out["backorders_allowed"] = record["backorders"] != "no"
    out["backordered"] = out["stock_status"] == "onbackorder"
    out["price_html"] = price_html(record, prices)
    out["related_ids"] = catalog.related_ids(record)
    out["has_options"] = kind == "variable" or bool(record["has_options"])
    out["variations"] = list(record["variations"])
    out.pop("_links", None)  # re-added last, after the edit-only fields, as WordPress orders them
    if edit:
        out["permalink_template"] = f"{ORIGIN}/product/%pagename%/"
        out["generated_slug"] = sanitize_title(record["name"])
    out["_links"] = {"self": self_link(f"{API}/products/{record['id']}"),
                     "collection": [{"href": f"{API}/products"}]}
    return out


def variation(catalog: Catalog, record: dict, now: float) -> dict:
    """GET products/<parent>/variations/<id>: the variation shape."""
    out = dict(record)
    prices = own_prices(record, now)
    out["description"] = wpautop(record["description"])
    out["permalink"] = variation_permalink(catalog, record)
    out["price"] = decimal(prices.price) if prices.price is not None else ""
    out["on_sale"] = prices.on_sale
    out["purchasable"] = prices.price is not None
    out["stock_status"] = stock_status(record)
    out["backorders_allowed"] = record["backorders"] != "no"
    out["backordered"] = out["stock_status"] == "onbackorder"
    base = f"{API}/products/{record['parent_id']}"
    out["_links"] = {"self": self_link(f"{base}/variations/{record['id']}"),
                     "collection": [{"href": f"{base}/variations"}], "up": [{"href": base}]}
    return out


def variation_as_product(catalog: Catalog, record: dict, now: float) -> dict:
    """GET products/<variation id>: a variation in the product shape (webhooks send this)."""
    parent = catalog.products[record["parent_id"]]
    view = variation(catalog, record, now)
    prices = own_prices(record, now)
    name = f"{parent['name']} - {record['name']}"
    shipping = not record.get("virtual", False)
    return {
        "id": record["id"], "name": name, "slug": sanitize_title(name),
        "permalink": view["permalink"],
        **{k: record[k] for k in ("date_created", "date_created_gmt", "date_modified",
                                  "date_modified_gmt")},
        "type": "variation", "status": record["status"], "featured": False,
        "catalog_visibility": "visible", "description": view["description"],
        "short_description": "", "sku": record["sku"], "price": view["price"],
        **{k: record[k] for k in ("regular_price", "sale_price", "date_on_sale_from",
                                  "date_on_sale_from_gmt", "date_on_sale_to",
                                  "date_on_sale_to_gmt")},
        "on_sale": view["on_sale"], "purchasable": view["purchasable"],
        "total_sales": "0",  # WooCommerce counts sales on the parent; the meta stays "0"
        **{k: record[k] for k in ("virtual", "downloadable", "downloads", "download_limit",
                                  "download_expiry")},
        "external_url": "", "button_text": "",
        **{k: record[k] for k in ("tax_status", "tax_class", "manage_stock", "stock_quantity",
                                  "backorders")},
        "backorders_allowed": view["backorders_allowed"], "backordered": view["backordered"],
        "low_stock_amount": record["low_stock_amount"], "sold_individually": False,
        "weight": record["weight"], "dimensions": record["dimensions"],
        "shipping_required": shipping,
        "shipping_taxable": shipping and record["tax_status"] == "taxable",
        "shipping_class": record["shipping_class"],
        "shipping_class_id": record["shipping_class_id"], "reviews_allowed": False,
        "average_rating": "0.00", "rating_count": 0, "upsell_ids": [], "cross_sell_ids": [],
        "parent_id": record["parent_id"], "purchase_note": "", "categories": [], "brands": [],
        "tags": [], "images": [record["image"]] if record["image"] else [],
        "attributes": record["attributes"], "default_attributes": [], "variations": [],
        "grouped_products": [], "menu_order": record["menu_order"],
        "price_html": price_html(record, prices), "related_ids": [],
        "meta_data": record["meta_data"], "stock_status": view["stock_status"],
        "has_options": False, "post_password": "",
        "global_unique_id": record["global_unique_id"],
        "_links": {"self": self_link(f"{API}/products/{record['id']}"),
                   "collection": [{"href": f"{API}/products"}],
                   "up": [{"href": f"{API}/products/{record['parent_id']}"}]},
    }


def any_product(catalog: Catalog, product_id: int, now: float, *, edit: bool = False):
    """What products/<id> answers for a product or a variation id, or None."""
    if product_id in catalog.products:
        return product(catalog, catalog.products[product_id], now, edit=edit)
    if product_id in catalog.variations:
        return variation_as_product(catalog, catalog.variations[product_id], now)
    return None
