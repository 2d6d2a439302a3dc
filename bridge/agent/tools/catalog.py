"""Catalogue tools: search the index, read one product from the store."""
from __future__ import annotations

from dataclasses import replace

from ...catalog.cards import detail
from ...catalog.index import COUNT_CAP
from ...store.base import StoreError
from .registry import Tool, ToolContext, ToolResult

# Cards one search returns by default and at most (agents page on with ``offset``).
DEFAULT_RESULTS = 10
MAX_RESULTS = 50
# Deepest result a search pages to, and the longest query (agents write whole tasks).
MAX_OFFSET = 1000
MAX_QUERY = 1000
# Matches a sorted search ranks before keeping the page asked for.
SORT_POOL = 50
SORTS = {
    "price_asc": lambda c: float(c.get("price") or 0),
    "price_desc": lambda c: -float(c.get("price_max") or c.get("price") or 0),
    "rating": lambda c: -float(c.get("rating") or 0),
}


def brief(card: dict) -> dict:
    """The part of a card the model needs to talk about a product."""
    data = {k: card[k] for k in ("id", "name", "price", "currency", "in_stock") if k in card}
    if card.get("type") in ("grouped", "external"):
        # A group's price is its cheapest member's; an external product is sold elsewhere.
        data["type"] = card["type"]
    if card.get("on_sale"):
        data["regular_price"] = card.get("regular_price")
        data["on_sale"] = True
    if card.get("price_max") and card["price_max"] != card.get("price"):
        data["price_max"] = card["price_max"]
    if card.get("stock_quantity") is not None:
        data["stock_quantity"] = card["stock_quantity"]
    if card.get("rating"):
        data["rating"] = card["rating"]
        data["rating_count"] = card.get("rating_count", 0)
    if card.get("categories"):
        data["categories"] = card["categories"]
    if card.get("variations"):
        options: dict[str, list[str]] = {}
        for variation in card["variations"]:
            for name, value in variation["attributes"].items():
                options.setdefault(name, [])
                if value not in options[name]:
                    options[name].append(value)
        data["options"] = options
    return data


def search_products(ctx: ToolContext, args: dict) -> ToolResult:
    low, high = args.get("min_price"), args.get("max_price")
    if low is not None and high is not None and low > high:
        low, high = high, low
    order = SORTS.get(args.get("sort", ""))
    result = ctx.index.search(
        args.get("query", ""), category=args.get("category") or None,
        min_price=low, max_price=high, on_sale=args.get("on_sale"),
        in_stock=args.get("in_stock"), limit=SORT_POOL if order else args["limit"],
        offset=0 if order else args.get("offset", 0))
    if order:
        # Ranked among every match, not only the best few: "the cheapest socks".
        start = args.get("offset", 0)
        cards = sorted(result.cards, key=order)[start:start + args["limit"]]
        result = replace(result, cards=cards)
    if result.cards:
        ctx.shown = [c["id"] for c in result.cards]
    offset, total = args.get("offset", 0), result.total if result.total_is_exact else COUNT_CAP
    after = offset + len(result.cards)
    content = {"total": total, "showing": len(result.cards), "offset": offset,
               "next_offset": after if result.cards and (after < result.total) and
               after <= MAX_OFFSET else None,
               "products": [brief(c) for c in result.cards]}
    if not result.total_is_exact:
        content["total_is_at_least"] = True
    if result.understood:
        content["understood"] = result.understood
    if result.corrections:
        content["spelling_corrected"] = result.corrections
    if result.ignored:
        content["words_not_in_catalogue"] = result.ignored
    return ToolResult(content=content, cards=tuple(result.cards))


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
