"""Catalogue tools: search the index (search.py), read one product from the store."""
from __future__ import annotations

from ...catalog.cards import detail
from ...store.base import StoreError
from .brief import brief
from .registry import Tool, ToolContext, ToolResult
from .search import (DEFAULT_RESULTS, MAX_OFFSET, MAX_QUERY, MAX_RESULTS,  # noqa: F401
                     MAX_TOKEN, SORTS, search_products)

def get_product_details(ctx: ToolContext, args: dict) -> ToolResult:
    product_id = args["product_id"]
    try:
        product = ctx.store.product(product_id)
    except StoreError as exc:
        return ToolResult.refused(exc)
    if product is None:
        return ToolResult.error(f"No product with id {product_id}.")
    ctx.focus = product.id
    item = detail(product, ctx.store.currency)
    content = brief(item)
    content.update({
        "sku": item["sku"],
        "short_description": item["short_description"],
        "description": item["description"][:1500],
        "attributes": item["attributes"],
    })
    if item.get("variations"):
        content["variations"] = [
            {"id": v["id"], "attributes": v["attributes"], "price": v["price"],
             "in_stock": v["in_stock"], "stock_quantity": v["stock_quantity"]}
            for v in item["variations"]]
    return ToolResult(content=content, cards=(item,))


SEARCH_PRODUCTS = Tool(
    name="search_products",
    description=(
        "Search the store's published products by words (a shopper's or agent's own phrasing "
        "is fine: prices, sizes like '16GB' or 'at least 27 inch', colours and 'not ...' are "
        "understood), category, price range, sale and stock. Returns the total that matched "
        "and the best first, with prices and stock as the store states them; page on with "
        "offset."),
    schema={
        "type": "object",
        "properties": {
            "query": {"type": "string", "maxLength": MAX_QUERY,
                      "description": "Words describing the product, e.g. 'black hoodie'."},
            "category": {"type": "string", "maxLength": 100,
                         "description": "A category name or slug to restrict to."},
            "min_price": {"type": "number", "minimum": 0},
            "max_price": {"type": "number", "minimum": 0},
            "on_sale": {"type": "boolean"},
            "in_stock": {"type": "boolean"},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS,
                      "default": DEFAULT_RESULTS},
            "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0,
                       "description": "Results to skip: next_offset of the previous answer."},
            "sort": {"type": "string", "enum": ["relevance", *SORTS],
                     "description": "price_asc for the cheapest first, price_desc for the "
                                    "most expensive, rating for the best rated."},
            "page_token": {"type": "string", "maxLength": MAX_TOKEN,
                           "description": "For the next page (\"show me more\"): the "
                                          "next_page_token of an earlier search. It never "
                                          "repeats a product already shown; the other "
                                          "arguments are ignored."},
        },
    },
    handler=search_products,
)

GET_PRODUCT_DETAILS = Tool(
    name="get_product_details",
    description=("Read one product from the store: description, attributes, variations with "
                 "their own prices and stock, rating."),
    schema={
        "type": "object",
        "properties": {"product_id": {"type": "integer", "minimum": 1}},
        "required": ["product_id"],
    },
    handler=get_product_details,
)
