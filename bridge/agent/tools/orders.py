"""The order tool: a signed-in shopper's (or an app's linked user's) own orders, and nobody
else's (bridge.account decides whose an order is)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ...account import own_order, own_orders
from ...catalog.money import amount as money
from ...store.base import Order, StoreError
from .registry import Tool, ToolContext, ToolResult

# How far back "my orders" looks, and how many it shows.
HISTORY = timedelta(days=365)
RECENT = 5


def brief(order: Order) -> dict:
    return {
        "order_id": order.id,
        "status": order.status,
        "date": order.date_created.date().isoformat(),
        "total": money(order.total),
        "currency": order.currency,
        "items": [{"name": line.name, "quantity": line.quantity} for line in order.lines],
        "refunded": money(order.refunded_total) if order.refunds else None,
    }


def order_status(ctx: ToolContext, args: dict) -> ToolResult:
    try:
        if "order_id" in args:
            # Someone else's order answers exactly like one that doesn't exist.
            order = own_order(ctx.store, ctx.shopper_id, args["order_id"])
            if order is None:
                return ToolResult.error(f"No order {args['order_id']} found for this shopper.")
            return ToolResult(content={"orders": [brief(order)]})
        since = datetime.now(timezone.utc) - HISTORY
        orders = own_orders(ctx.store, ctx.shopper_id, since)[:RECENT]
    except StoreError as exc:
        return ToolResult.refused(exc)
    return ToolResult(content={"count": len(orders), "orders": [brief(o) for o in orders]})


ORDER_STATUS = Tool(
    name="order_status",
    description=("The signed-in shopper's own orders: status, date, items and total. With an "
                 "order number, that order; without, their most recent ones."),
    schema={"type": "object",
            "properties": {"order_id": {"type": "integer", "minimum": 1}}},
    handler=order_status,
    needs_shopper=True,
)
