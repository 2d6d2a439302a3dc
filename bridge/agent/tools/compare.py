"""The comparison tool: rows of facts about two to four products, side by side."""
from __future__ import annotations

from ...catalog.cards import card, total_stock
from ...catalog.money import display
from ...store.base import Product, StoreError
from .registry import Tool, ToolContext, ToolResult


def _options(product: Product, name: str) -> str | None:
    values = []
    for variation in product.variations:
        value = dict(variation.attributes).get(name)
        if value and value not in values:
            values.append(value)
    if values:
        return ", ".join(values)
    attribute = next((a for a in product.attributes if a.name == name), None)
    return ", ".join(attribute.options) if attribute else None


def _price(product: Product, currency: str) -> str:
    """"$39.00" or "$40.00 to $55.00", written as every channel writes money."""
    low, high = display(product.price, currency), display(product.price_max, currency)
    return low if low == high else f"{low} to {high}"


def _rating(product: Product) -> str:
    if product.average_rating is None:
        return "No reviews yet"
    reviews = "1 review" if product.rating_count == 1 else f"{product.rating_count} reviews"
    return f"{product.average_rating:.1f} of 5 ({reviews})"


def rows(products: list[Product], currency: str) -> list[dict]:
    """Comparison rows; a fact a product lacks is shown as "-", never made up. Values keep
    the products' order (the order of the cards and of the answer's words)."""
    def row(label, value_of):
        return {"label": label,
                "values": {str(p.id): (value_of(p) or "-") for p in products}}

    table = [
        row("Price", lambda p: _price(p, currency)),
        row("On sale", lambda p: "Yes" if p.on_sale else "No"),
        row("Availability", lambda p: _availability(p)),
        row("Rating", _rating),
        row("Category", lambda p: ", ".join(c.name for c in p.categories)),
    ]
    names = []
    for product in products:
        for attribute in product.attributes:
            if attribute.name not in names:
                names.append(attribute.name)
    table += [row(name, lambda p, n=name: _options(p, n)) for name in names]
    return table


def _availability(product: Product) -> str:
    if not product.in_stock:
        return "Out of stock"
    quantity = total_stock(product)
    return f"In stock ({quantity} left)" if quantity is not None and quantity <= 5 else "In stock"


def compare_products(ctx: ToolContext, args: dict) -> ToolResult:
    ids = list(dict.fromkeys(args["product_ids"]))
    if len(ids) < 2:
        return ToolResult.error("Give at least two different product ids to compare.")
    products = []
    for product_id in ids:
        try:
            product = ctx.store.product(product_id)
        except StoreError as exc:
            return ToolResult.refused(exc)
        if product is None:
            return ToolResult.error(f"No product with id {product_id}.")
        products.append(product)
    table = rows(products, ctx.store.currency)
    ctx.shown = [p.id for p in products]
    return ToolResult(
        content={"products": {str(p.id): p.name for p in products}, "rows": table},
        cards=tuple(card(p, ctx.store.currency) for p in products),
        rows=tuple(table))


COMPARE_PRODUCTS = Tool(
    name="compare_products",
    description="Compare two to four products side by side: price, sale, stock, rating, attributes.",
    schema={
        "type": "object",
        "properties": {
            "product_ids": {"type": "array", "items": {"type": "integer", "minimum": 1},
                            "minItems": 2, "maxItems": 4},
        },
        "required": ["product_ids"],
    },
    handler=compare_products,
)
