"""GET /app/analytics (scope analytics:read): what one key's app did in the last ``days``,
from the bridge's own records: conversations, users, turns, escalations, tokens and cost by
UTC day. Only this key's conversations count; no message text leaves."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import jsonify

from bridge.core import current_core
from bridge.db import utc_now
from bridge.inputs import query_int
from bridge.models import AnalyticsEvent, Conversation

from .owner import principal


def _money(value) -> str | None:
    return None if value is None else f"{value:.6f}"


def analytics():
    key = principal()
    days = query_int("days", 7, 1, 90)
    since = utc_now() - timedelta(days=days)
    mine = Conversation.client_key.startswith(f"k{key.key_id}:", autoescape=True)
    turns = (sa.select(AnalyticsEvent.created_at, AnalyticsEvent.input_tokens,
                       AnalyticsEvent.output_tokens, AnalyticsEvent.cost_usd,
                       AnalyticsEvent.degraded)
             .join(Conversation, Conversation.id == AnalyticsEvent.conversation_ref)
             .where(mine, AnalyticsEvent.kind == "turn", AnalyticsEvent.created_at >= since))
    with current_core().sessions() as session:
        rows = session.execute(turns).all()
        active = session.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(Conversation.client_key)),
                      sa.func.count(Conversation.escalated_at))
            .where(mine, Conversation.updated_at >= since)).one()
    daily: dict[str, dict] = {}
    for row in rows:
        day = daily.setdefault(row.created_at.date().isoformat(), {
            "turns": 0, "degraded": 0, "input_tokens": 0, "output_tokens": 0, "cost": 0,
            "cost_known": True})
        day["turns"] += 1
        day["degraded"] += bool(row.degraded)
        day["input_tokens"] += row.input_tokens or 0
        day["output_tokens"] += row.output_tokens or 0
        if row.cost_usd is None:
            day["cost_known"] = False  # an unknown cost is not a zero cost
        else:
            day["cost"] += row.cost_usd
    rows_out = [{"date": date, "turns": d["turns"], "degraded": d["degraded"],
                 "input_tokens": d["input_tokens"], "output_tokens": d["output_tokens"],
                 "cost_usd": _money(d["cost"]) if d["cost_known"] else None}
                for date, d in sorted(daily.items())]
    costs = [r["cost_usd"] for r in rows_out]
    response = jsonify({
        "key_id": key.key_id, "days": days, "conversations": active[0], "users": active[1],
        "escalated": active[2], "turns": len(rows),
        "cost_usd": None if None in costs else _money(sum(
            (d["cost"] for d in daily.values()), 0)),
        "daily": rows_out})
    response.headers["Cache-Control"] = "private, no-store"
    return response
