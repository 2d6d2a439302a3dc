"""Sales figures from the store's orders, defined once.

An order counts as a sale when it is completed, processing or on hold, or was refunded (its
refunds are then subtracted, by the date of the refund, as WooCommerce's reports do).
Cancelled, failed, pending and draft orders never count.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Iterable, Sequence

from bridge.catalog.money import amount as money
from bridge.store.base import Order

COUNTED = frozenset({"completed", "processing", "on-hold", "refunded"})


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @classmethod
    def last(cls, days: int, now: datetime) -> "Window":
        return cls(now - timedelta(days=days), now)

    def before(self) -> "Window":
        return Window(self.start - (self.end - self.start), self.start)


def counted(orders: Iterable[Order]) -> list[Order]:
    return [o for o in orders if o.status in COUNTED]


def figures(orders: Sequence[Order], window: Window) -> dict:
    """Orders, gross, refunds, net and average order value of one window."""
    placed = [o for o in counted(orders) if window.holds(o.date_created)]
    refunds = [r for o in orders for r in o.refunds if window.holds(r.date_created)]
    gross = sum((o.total for o in placed), Decimal(0))
    refunded = sum((r.amount for r in refunds), Decimal(0))
    return {
        "orders": len(placed),
        "gross_revenue": money(gross),
        "refund_total": money(refunded),
        "refund_count": len(refunds),
        "net_revenue": money(gross - refunded),
        # None, not zero, when there were no orders: there is no average to state.
        "average_order_value": money(gross / len(placed)) if placed else None,
    }


def change(now: dict, before: dict) -> dict:
    """Percentage change of each figure; None where the earlier figure is zero or missing."""
    result = {}
    for key, value in now.items():
        earlier = before.get(key)
        if value is None or earlier in (None, 0, "0.00"):
            result[key] = None
            continue
        was, is_ = Decimal(str(earlier)), Decimal(str(value))
        result[key] = float(((is_ - was) / was * 100).quantize(Decimal("0.1")))
    return result


def units_by_product(orders: Sequence[Order], window: Window) -> dict[int, int]:
    units: dict[int, int] = defaultdict(int)
    for order in counted(orders):
        if window.holds(order.date_created):
            for line in order.lines:
                units[line.product_id] += line.quantity
    return units


def top_products(orders: Sequence[Order], window: Window, limit: int = 5) -> list[dict]:
    """Products by revenue (line totals after coupons) in the window."""
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    units: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for order in counted(orders):
        if window.holds(order.date_created):
            for line in order.lines:
                revenue[line.product_id] += line.total
                units[line.product_id] += line.quantity
                names[line.product_id] = line.name
    ranked = sorted(revenue, key=lambda pid: (-revenue[pid], pid))[:limit]
    return [{"product_id": pid, "name": names[pid], "revenue": money(revenue[pid]),
             "units": units[pid]} for pid in ranked]


def last_sale(orders: Sequence[Order]) -> dict[int, datetime]:
    latest: dict[int, datetime] = {}
    for order in counted(orders):
        for line in order.lines:
            if line.product_id not in latest or order.date_created > latest[line.product_id]:
                latest[line.product_id] = order.date_created
    return latest


def daily(orders: Sequence[Order], window: Window) -> dict[date, dict]:
    """Gross revenue and orders per UTC day of the window, every day present."""
    days = {}
    day = window.start.date()
    while day <= (window.end - timedelta(microseconds=1)).date():
        days[day] = {"gross_revenue": Decimal(0), "orders": 0}
        day += timedelta(days=1)
    for order in counted(orders):
        if window.holds(order.date_created):
            entry = days[order.date_created.date()]
            entry["gross_revenue"] += order.total
            entry["orders"] += 1
    return days
