"""Cards: the display shape of a product, built from store records only.

``card(product, currency)`` is what every channel shows; ``detail()`` adds what a product
page needs. Prices are decimal strings with two places, as WooCommerce sends them
(bridge.catalog.money.amount).
"""
from __future__ import annotations

from ..store.base import Cart, Product, Variation
from .money import amount as money


def _variation(v: Variation) -> dict:
    return {
        "id": v.id,
        "attributes": dict(v.attributes),
        "price": money(v.price),
        "regular_price": money(v.regular_price),
        "on_sale": v.on_sale,
        "in_stock": v.in_stock,
        "stock_quantity": v.stock_quantity,
    }


def card(product: Product, currency: str) -> dict:
    """The card of a published product: enough to show it, pick a variation and add it."""
    regular = product.regular_price
    if product.variations:
        regular = min(v.regular_price for v in product.variations)
    data = {
        "id": product.id,
        "name": product.name,
        "type": product.type,
        "price": money(product.price),
        "regular_price": money(regular),
        "sale_price": money(product.sale_price) if not product.variations else None,
        "on_sale": product.on_sale,
        "currency": currency,
        "in_stock": product.in_stock,
        "stock_quantity": total_stock(product),
        "url": product.permalink,
        "image": product.images[0] if product.images else None,
        "rating": money(product.average_rating),
        "rating_count": product.rating_count,
        "categories": [c.name for c in product.categories],
        # Size, colour, material...: what facets count and refinements match (facets.py).
        "attributes": {a.name: list(a.options) for a in product.attributes},
    }
    if product.variations:
        data["price_max"] = money(product.price_max)
        data["variations"] = [_variation(v) for v in product.variations]
    return data


def total_stock(product: Product) -> int | None:
    """Units on hand; None when any part of the product does not manage stock."""
    if not product.variations:
        return product.stock_quantity
    quantities = [v.stock_quantity for v in product.variations]
    if any(q is None for q in quantities):
        return None  # some variation does not manage stock: no total exists
    return sum(quantities)


def detail(product: Product, currency: str) -> dict:
    """A card plus description, tags, images and SKU: the product-detail item."""
    data = card(product, currency)
    data.update({
        "sku": product.sku,
        "short_description": product.short_description,
        "description": product.description,
        "tags": list(product.tags),
        "images": list(product.images),
    })
    return data


def catalogue_item(product: Product, currency: str) -> dict:
    """What the agent gateway's catalogue lists: the card and the product's details."""
    item = detail(product, currency)
    item["date_modified"] = product.date_modified.isoformat() if product.date_modified else None
    return item


def cart_payload(cart: Cart) -> dict:
    """The verified cart as the contract shows it."""
    return {
        "items": [
            {
                "key": item.key,
                "product_id": item.product_id,
                "variation_id": item.variation_id,
                "name": item.name,
                "attributes": dict(item.attributes),
                "quantity": item.quantity,
                "price": money(item.price),
                "line_total": money(item.line_total),
                "image": item.image,
            }
            for item in cart.items
        ],
        "item_count": cart.item_count,
        "totals": {
            "subtotal": money(cart.subtotal),
            "discount": money(cart.discount),
            "shipping": money(cart.shipping),
            "total": money(cart.total),
        },
        "coupons": list(cart.coupons),
        "currency": cart.currency,
        "checkout_url": cart.checkout_url,
    }
