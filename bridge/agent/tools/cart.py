"""Cart tools: the only tools that change the store, always on the turn's own cart."""
from __future__ import annotations

from ...catalog.cards import cart_payload
from ...store.base import Cart, StoreError
from ...store.rules import MAX_QUANTITY
from .registry import Tool, ToolContext, ToolResult


def summary(cart: Cart) -> dict:
    """The cart as the model reads it."""
    payload = cart_payload(cart)
    return {
        "item_count": payload["item_count"],
        "total": payload["totals"]["total"],
        "currency": payload["currency"],
        "items": [{k: item[k] for k in ("key", "name", "quantity", "price", "line_total")}
                  | ({"options": item["attributes"]} if item["attributes"] else {})
                  for item in payload["items"]],
    }


def _done(cart: Cart, **content) -> ToolResult:
    return ToolResult(content={**content, "cart": summary(cart)}, cart=cart_payload(cart))


def add_to_cart(ctx: ToolContext, args: dict) -> ToolResult:
    try:
        cart = ctx.store.add_to_cart(ctx.cart_ref, args["product_id"], args["quantity"],
                                     args.get("variation_id"))
    except StoreError as exc:
        return ToolResult.refused(exc)
    ctx.cart_touched = True
    return _done(cart, added={"product_id": args["product_id"],
                              "variation_id": args.get("variation_id"),
                              "quantity": args["quantity"]})


def update_cart_item(ctx: ToolContext, args: dict) -> ToolResult:
    try:
        cart = ctx.store.update_cart_item(ctx.cart_ref, args["cart_item_key"], args["quantity"])
    except StoreError as exc:
        return ToolResult.refused(exc)
    ctx.cart_touched = True
    return _done(cart, updated={"cart_item_key": args["cart_item_key"],
                                "quantity": args["quantity"]})


def remove_from_cart(ctx: ToolContext, args: dict) -> ToolResult:
    try:
        cart = ctx.store.remove_cart_item(ctx.cart_ref, args["cart_item_key"])
    except StoreError as exc:
        return ToolResult.refused(exc)
    ctx.cart_touched = True
    return _done(cart, removed=args["cart_item_key"])


def view_cart(ctx: ToolContext, args: dict) -> ToolResult:
    try:
        cart = ctx.store.cart(ctx.cart_ref)
    except StoreError as exc:
        return ToolResult.refused(exc)
    return _done(cart)


_KEY = {"type": "string", "maxLength": 64, "description": "The line's key from the cart."}

ADD_TO_CART = Tool(
    name="add_to_cart",
    description=("Add a product to the shopper's cart. A variable product needs the "
                 "variation_id of the chosen options (see get_product_details)."),
    schema={
        "type": "object",
        "properties": {
            "product_id": {"type": "integer", "minimum": 1},
            "variation_id": {"type": "integer", "minimum": 1},
            "quantity": {"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY,
                         "default": 1},
        },
        "required": ["product_id"],
    },
    handler=add_to_cart,
    mutates=True,
)

UPDATE_CART_ITEM = Tool(
    name="update_cart_item",
    description="Set the quantity of one line of the shopper's cart (0 removes it).",
    schema={
        "type": "object",
        "properties": {"cart_item_key": _KEY,
                       "quantity": {"type": "integer", "minimum": 0, "maximum": MAX_QUANTITY}},
        "required": ["cart_item_key", "quantity"],
    },
    handler=update_cart_item,
    mutates=True,
)

REMOVE_FROM_CART = Tool(
    name="remove_from_cart",
    description="Remove one line from the shopper's cart.",
    schema={"type": "object", "properties": {"cart_item_key": _KEY},
            "required": ["cart_item_key"]},
    handler=remove_from_cart,
    mutates=True,
)

VIEW_CART = Tool(
    name="view_cart",
    description="Show the shopper's cart: lines with keys, quantities, prices and the total.",
    schema={"type": "object", "properties": {}},
    handler=view_cart,
)
