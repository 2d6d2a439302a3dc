"""The order tool: a signed-in shopper's own orders, and nobody else's."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

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
            order = ctx.store.order(args["order_id"])
            # Someone else's order answers exactly like one that doesn't exist.
            if order is None or order.customer_id != ctx.shopper_id:
                return ToolResult.error(f"No order {args['order_id']} found for this shopper.")
            return ToolResult(content={"orders": [brief(order)]})
        since = datetime.now(timezone.utc) - HISTORY
        orders = [o for o in ctx.store.orders(after=since, customer_id=ctx.shopper_id)
                  if o.customer_id == ctx.shopper_id][-RECENT:]
    except StoreError as exc:
        return ToolResult.refused(exc)
    return ToolResult(content={"count": len(orders),
                               "orders": [brief(o) for o in reversed(orders)]})


ORDER_STATUS = Tool(
    name="order_status",
    description=("The signed-in shopper's own orders: status, date, items and total. With an "
                 "order number, that order; without, their most recent ones."),
    schema={"type": "object",
            "properties": {"order_id": {"type": "integer", "minimum": 1}}},
    handler=order_status,
    needs_shopper=True,
)
