"""What the conversations say, for a window of days: how many, how many a person had to
answer, what shoppers ask (intent and sentiment by day), what the assistant couldn't answer,
chat to cart to checkout, what it cost by day and model, and how shoppers rated the help.
From the bridge's own tables only."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bridge.models import AnalyticsEvent, Conversation, Message

UNANSWERED_MAX = 50  # the latest this many unanswered questions
# Answers that say the assistant doesn't know (the trust rules tell it to say so).
_ABSTAINED = re.compile(r"\b(?:I don't know|I do not know|I'm not sure|I am not sure|"
                        r"I couldn't find|I could not find|no products? (?:match|found)|"
                        r"nothing (?:matches|found))\b", re.IGNORECASE)


def _day(value) -> str:
    return str(value)[:10]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def insights(session: Session, days: int, now: datetime | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    start = datetime.combine(now.date() - timedelta(days=days - 1), time(), timezone.utc)
    in_window = Conversation.created_at >= start
    total = session.scalar(sa.select(sa.func.count()).select_from(Conversation)
                           .where(in_window)) or 0
    escalated = session.scalar(sa.select(sa.func.count()).select_from(Conversation)
                               .where(in_window, Conversation.escalated_at.is_not(None))) or 0
    daily = {(start + timedelta(days=n)).date().isoformat(): {
        "conversations": 0, "escalated": 0, "intents": {}, "sentiments": {}} for n in range(days)}
    for day, count, asked in session.execute(
            sa.select(sa.func.date(Conversation.created_at), sa.func.count(),
                      sa.func.count(Conversation.escalated_at))
            .where(in_window).group_by(sa.func.date(Conversation.created_at))):
        if _day(day) in daily:
            daily[_day(day)].update(conversations=count, escalated=asked)
    intents, sentiments = _labels(session, start, daily)
    rated = session.execute(sa.select(sa.func.avg(Conversation.csat),
                                      sa.func.count(Conversation.csat))
                            .where(Conversation.resolved_at >= start)).one()
    cost, cost_total = _cost(session, start)
    return {
        "window": {"days": days, "start": start.isoformat(), "end": now.isoformat()},
        "conversations": total, "automated": total - escalated, "escalated": escalated,
        "automation_rate": _rate(total - escalated, total),
        "escalation_rate": _rate(escalated, total),
        "csat": {"average": round(float(rated[0]), 2) if rated[0] is not None else None,
                 "count": rated[1]},
        "intents": intents, "sentiments": sentiments,
        "daily": [{"date": day, **entry} for day, entry in daily.items()],
        "unanswered": _unanswered(session, start),
        "funnel": _funnel(session, start, total),
        "cost": cost, "cost_total_usd": cost_total,
    }


def _labels(session: Session, start: datetime, daily: dict) -> tuple[dict, dict]:
    """Shopper messages by intent and by sentiment, overall and per day."""
    totals = ({}, {})
    for position, column in enumerate((Message.intent, Message.sentiment)):
        key = ("intents", "sentiments")[position]
        for day, value, count in session.execute(
                sa.select(sa.func.date(Message.created_at), column, sa.func.count())
                .where(Message.role == "user", Message.created_at >= start, column.is_not(None))
                .group_by(sa.func.date(Message.created_at), column)):
            if _day(day) in daily:
                daily[_day(day)][key][value] = count
            totals[position][value] = totals[position].get(value, 0) + count
    return totals


def _turns(session: Session, start: datetime):
    return session.scalars(sa.select(AnalyticsEvent)
                           .where(AnalyticsEvent.kind == "turn", AnalyticsEvent.created_at >= start)
                           .order_by(AnalyticsEvent.id.desc()))


def _unanswered(session: Session, start: datetime) -> list[dict]:
    """The latest questions the assistant had no answer for: a search that found nothing,
    an answer that says it doesn't know, or a claim the honesty check caught."""
    found = []
    caught = set(session.scalars(
        sa.select(AnalyticsEvent.detail["message_ref"].as_string())
        .where(AnalyticsEvent.kind == "ungrounded", AnalyticsEvent.created_at >= start)))
    for event in _turns(session, start).yield_per(500):
        detail = event.detail or {}
        calls = detail.get("calls") or []
        searched = [c for c in calls if c.get("name") == "search_products"]
        reason = None
        if detail.get("message_ref") in caught:  # the claim check stopped a figure (api-15)
            reason = "caught_claim"
        elif searched and not any(c.get("cards") for c in calls):
            reason = "nothing_found"
        answer = None
        if reason is None or detail.get("message_ref"):
            answer = session.scalar(sa.select(Message).where(
                Message.ref == detail.get("message_ref"))) if detail.get("message_ref") else None
            if reason is None and answer is not None and _ABSTAINED.search(answer.content or ""):
                reason = "abstained"
        if reason is None or answer is None:
            continue
        question = session.scalar(sa.select(Message.content).where(
            Message.conversation_id == answer.conversation_id, Message.id < answer.id,
            Message.role == "user").order_by(Message.id.desc()).limit(1))
        found.append({"conversation_id": answer.conversation_id, "question": question,
                      "reason": reason, "at": event.created_at.isoformat()})
        if len(found) >= UNANSWERED_MAX:
            break
    return found


def _funnel(session: Session, start: datetime, chats: int) -> dict:
    def count(*where) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(AnalyticsEvent)
                              .where(AnalyticsEvent.created_at >= start, *where)) or 0
    cart_turns = sum(1 for e in _turns(session, start) if (e.detail or {}).get("cart"))
    # Orders are known only once WooCommerce sends its order webhooks; before that the
    # figures are unknown (None), not zero.
    told = session.scalar(sa.select(AnalyticsEvent.id)
                          .where(AnalyticsEvent.kind == "order").limit(1)) is not None
    orders = count(AnalyticsEvent.kind == "order") if told else None
    after_chat = sum(1 for (detail,) in session.execute(
        sa.select(AnalyticsEvent.detail).where(AnalyticsEvent.kind == "order",
                                               AnalyticsEvent.created_at >= start))
        if (detail or {}).get("after_chat")) if told else None
    return {"chats": chats, "cart_adds": count(AnalyticsEvent.kind == "cart_add") + cart_turns,
            "checkout_clicks": count(AnalyticsEvent.kind == "checkout_click"),
            "orders": orders, "orders_after_chat": after_chat}


def _cost(session: Session, start: datetime) -> tuple[list[dict], str | None]:
    """Recorded model cost by UTC day and model; an unknown cost makes its sum unknown."""
    rows: dict[tuple[str, str], dict] = defaultdict(lambda: {"cost": Decimal(0), "turns": 0,
                                                            "unknown": False})
    for created, cost, detail, provider in session.execute(
            sa.select(AnalyticsEvent.created_at, AnalyticsEvent.cost_usd, AnalyticsEvent.detail,
                      AnalyticsEvent.provider)
            .where(AnalyticsEvent.created_at >= start,
                   sa.or_(AnalyticsEvent.input_tokens > 0, AnalyticsEvent.output_tokens > 0))):
        models = (detail or {}).get("models") or [provider or "unknown"]
        entry = rows[(created.date().isoformat(), ",".join(models))]
        entry["turns"] += 1
        if cost is None:
            entry["unknown"] = True
        else:
            entry["cost"] += cost
    listed = [{"date": day, "model": model, "turns": e["turns"],
               "cost_usd": None if e["unknown"] else str(e["cost"])}
              for (day, model), e in sorted(rows.items())]
    total = None if any(e["unknown"] for e in rows.values()) else str(
        sum((e["cost"] for e in rows.values()), Decimal(0)))
    return listed, total
