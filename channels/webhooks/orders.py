"""WooCommerce's order webhooks, for the inbox's funnel (chat -> cart -> checkout -> order).

An ``order.created`` delivery becomes one ``order`` analytics row per order (retries are
recognised by the order id). It counts as after a chat when the order's customer (a
signed-in WordPress user) had a storefront conversation in the ATTRIBUTION days before;
a guest's order can't be tied to a conversation and counts only in the total.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bridge.db import utc_now
from bridge.inputs import JsonError
from bridge.models import AnalyticsEvent, Conversation

ORDER_TOPICS = ("order.created",)
ATTRIBUTION = timedelta(days=7)
MAX_ID = 2**31 - 1


def _int(value, name: str) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise JsonError(f"{name} is not an id")
    return value


def record_order(sessions: sessionmaker, data) -> bool:
    """Record one order from a delivery's body; False when it was recorded before.

    :raise JsonError: the body names no order.
    """
    if not isinstance(data, dict):
        raise JsonError("the body is not a JSON object")
    order_id = _int(data.get("id"), "id")
    if not order_id:
        raise JsonError("id is not an order id")
    customer = _int(data.get("customer_id") or 0, "customer_id")
    total = str(data.get("total") or "")[:20]
    now = utc_now()
    with sessions.begin() as session:
        seen = session.scalar(sa.select(AnalyticsEvent.id).where(
            AnalyticsEvent.kind == "order",
            AnalyticsEvent.detail["order_id"].as_integer() == order_id).limit(1))
        if seen is not None:
            return False
        chatted = bool(customer) and session.scalar(sa.select(sa.func.count()).where(
            Conversation.client_key == f"u{customer}",
            Conversation.updated_at >= now - ATTRIBUTION)) > 0
        session.add(AnalyticsEvent(kind="order", channel="woocommerce", created_at=now, detail={
            "order_id": order_id, "after_chat": chatted, "total": total,
            "currency": str(data.get("currency") or "")[:8],
            "status": str(data.get("status") or "")[:20]}))
    return True
