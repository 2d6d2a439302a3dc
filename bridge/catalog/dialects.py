"""The catalogue in formats agents already read: schema.org Product JSON-LD, and rows
shaped like OpenAI's Agentic Commerce product feed (one row per purchasable item or
variation, prices in minor units). Both are built from catalogue items only."""
from __future__ import annotations

from .money import minor_units
from ..store.base import item_label, option_label

SCHEMA = "https://schema.org/"
IN_STOCK, OUT_OF_STOCK = SCHEMA + "InStock", SCHEMA + "OutOfStock"


def _offer(price: str, currency: str, in_stock: bool, url: str, **extra) -> dict:
    return {"@type": "Offer", "price": price, "priceCurrency": currency,
            "availability": IN_STOCK if in_stock else OUT_OF_STOCK, "url": url, **extra}


def jsonld(item: dict, store_name: str) -> dict:
    """A schema.org Product for one catalogue item; options become one Offer each."""
    product = {
        "@context": "https://schema.org",
        "@type": "Product",
        "productID": str(item["id"]),
        "sku": item.get("sku") or None,
        "name": item["name"],
        "description": item.get("short_description") or item.get("description") or None,
        "url": item["url"],
        "image": item.get("images") or ([item["image"]] if item.get("image") else []),
        "category": " > ".join(item.get("categories", [])) or None,
        "brand": {"@type": "Brand", "name": store_name},
    }
    if item.get("variations"):
        offers = [_offer(v["price"], item["currency"], v["in_stock"], item["url"],
                         name=option_label(v["attributes"].values()), sku=str(v["id"]))
                  for v in item["variations"]]
        product["offers"] = {"@type": "AggregateOffer", "priceCurrency": item["currency"],
                             "lowPrice": item["price"],
                             "highPrice": item.get("price_max") or item["price"],
                             "offerCount": len(offers), "offers": offers}
    else:
        product["offers"] = _offer(item["price"], item["currency"], item["in_stock"],
                                   item["url"])
    if item.get("rating"):
        product["aggregateRating"] = {"@type": "AggregateRating",
                                      "ratingValue": item["rating"],
                                      "reviewCount": item.get("rating_count", 0)}
    return {key: value for key, value in product.items() if value is not None}


def feed_rows(item: dict, store_name: str, store_url: str) -> list[dict]:
    """Product-feed rows for one catalogue item: itself, or one per variation."""
    common = {
        "is_eligible_search": True,
        "is_eligible_checkout": False,  # checkout happens at the store, by a person
        "title": item["name"],
        "description": item.get("description") or item.get("short_description") or item["name"],
        "url": item["url"],
        "brand": store_name,
        "seller_name": store_name,
        "seller_url": store_url,
        "image_url": item.get("image"),
        "additional_image_urls": (item.get("images") or [])[1:],
        "product_category": " > ".join(item.get("categories", [])),
        "currency": item["currency"],
    }
    if item.get("rating"):
        common.update(product_review_rating=float(item["rating"]),
                      product_review_count=item.get("rating_count", 0))
    if not item.get("variations"):
        return [{**common, "item_id": str(item["id"]), **_price_stock(item, item["currency"])}]
    rows = []
    for variation in item["variations"]:
        row = {**common, "item_id": str(variation["id"]), "item_group_id": str(item["id"]),
               "item_group_title": item["name"],
               "title": item_label(item["name"], option_label(variation["attributes"].values())),
               **_price_stock(variation, item["currency"])}
        for name, value in variation["attributes"].items():
            if name.lower() in ("color", "colour", "size", "material"):
                row["color" if name.lower() == "colour" else name.lower()] = value
        rows.append(row)
    return rows


def _price_stock(offer: dict, currency: str) -> dict:
    on_sale = offer.get("on_sale") and offer.get("regular_price") not in (None, offer["price"])
    row = {
        "price": minor_units(offer["regular_price"] if on_sale else offer["price"], currency),
        "availability": "in_stock" if offer["in_stock"] else "out_of_stock",
        "inventory_quantity": offer.get("stock_quantity"),
    }
    if on_sale:
        row["sale_price"] = minor_units(offer["price"], currency)
    return row
