"""The inbox's reads: conversations filtered and paged, one conversation with what the
assistant did in each turn (the debug view), and the webhook delivery log. Bridge tables
only; the store is never asked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bridge.catalog.index import CatalogIndex
from bridge.models import AnalyticsEvent, Conversation, Message, WebhookDelivery

PREVIEW = 160


@dataclass(frozen=True)
class Filters:
    channel: str | None = None
    status: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    words: str | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def summary(conversation: Conversation, preview: str | None = None) -> dict:
    return {
        "id": conversation.id, "channel": conversation.channel, "status": conversation.status,
        "handoff_ref": conversation.handoff_ref, "intent": conversation.intent,
        "sentiment": conversation.sentiment, "created_at": _iso(conversation.created_at),
        "updated_at": _iso(conversation.updated_at),
        "escalated_at": _iso(conversation.escalated_at),
        "resolved_at": _iso(conversation.resolved_at), "assignee": conversation.assignee,
        "summary": conversation.summary, "csat": conversation.csat,
        "message_count": conversation.message_count or 0,
        "preview": (preview or "")[:PREVIEW] or None,
        "customer": conversation.customer or {},
    }


def _where(filters: Filters) -> list:
    clauses = []
    for column, value in ((Conversation.channel, filters.channel),
                          (Conversation.status, filters.status),
                          (Conversation.intent, filters.intent),
                          (Conversation.sentiment, filters.sentiment)):
        if value:
            clauses.append(column == value)
    if filters.since:
        clauses.append(Conversation.updated_at >= filters.since)
    if filters.until:
        clauses.append(Conversation.updated_at < filters.until)
    if filters.words:
        pattern = "%" + filters.words.replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        clauses.append(sa.exists().where(Message.conversation_id == Conversation.id,
                                         Message.content.ilike(pattern, escape="\\")))
    return clauses


def listing(session: Session, filters: Filters, page: int, per_page: int) -> dict:
    """One page of conversations, latest activity first, with the total that match."""
    where = _where(filters)
    total = session.scalar(sa.select(sa.func.count()).select_from(Conversation).where(*where))
    # Each row's latest message with text, read by the page's own query: per conversation
    # one probe of the messages' conversation index, whatever the planner knows.
    preview = (sa.select(Message.content)
               .where(Message.conversation_id == Conversation.id, Message.content != "")
               .order_by(Message.id.desc()).limit(1).correlate(Conversation).scalar_subquery())
    rows = session.execute(
        sa.select(Conversation, preview).where(*where)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return {"total": total, "page": page, "per_page": per_page,
            "total_pages": -(-total // per_page) if total else 0,
            "conversations": [summary(row, text) for row, text in rows]}


def detail(session: Session, index: CatalogIndex, conversation_id: str) -> dict | None:
    """The debug view: every message, and for each answer the turn behind it."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    messages = session.scalars(sa.select(Message).where(Message.conversation_id == conversation_id)
                               .order_by(Message.id)).all()
    turns, claims = {}, {}
    for event in session.scalars(sa.select(AnalyticsEvent).where(
            AnalyticsEvent.conversation_ref == conversation_id,
            AnalyticsEvent.kind.in_(("turn", "ungrounded")))):
        ref = (event.detail or {}).get("message_ref")
        if ref and event.kind == "turn":
            turns[ref] = event
        elif ref:  # a figure the claim check stopped in that answer (api-15)
            claims.setdefault(ref, []).append(event.detail)
    names = _names(index, {i for m in messages for i in (m.product_ids or [])})
    entries = [_entry(m, turns.get(m.ref), names, claims.get(m.ref, [])) for m in messages]
    cost = [t.cost_usd for t in turns.values()]
    return {
        "conversation": summary(conversation, messages[-1].content if messages else None),
        "messages": entries,
        "totals": {"input_tokens": sum(t.input_tokens for t in turns.values()),
                   "output_tokens": sum(t.output_tokens for t in turns.values()),
                   "cost_usd": None if any(c is None for c in cost)
                   else str(sum(cost, Decimal(0)))},
        "deliveries": [delivery(d) for d in session.scalars(
            sa.select(WebhookDelivery).where(WebhookDelivery.conversation_id == conversation_id)
            .order_by(WebhookDelivery.id))],
    }


def _names(index: CatalogIndex, ids: set[int]) -> dict[int, str]:
    """Names from this host's index (published products only); an id it lacks stays bare."""
    return {card["id"]: card["name"] for card in index.cards(sorted(ids))} if ids else {}


def _entry(message: Message, turn: AnalyticsEvent | None, names: dict[int, str],
           claims: list[dict]) -> dict:
    entry = {"id": message.id, "ref": message.ref, "role": message.role,
             "content": message.content, "author": message.author, "intent": message.intent,
             "sentiment": message.sentiment, "created_at": _iso(message.created_at),
             "products": [{"id": i, "name": names.get(i)} for i in (message.product_ids or [])],
             "turn": None}
    if turn is not None:
        info = turn.detail or {}
        entry["turn"] = {
            "provider": turn.provider, "models": info.get("models", []),
            "input_tokens": turn.input_tokens, "output_tokens": turn.output_tokens,
            "cached_tokens": turn.cached_tokens,
            "cost_usd": None if turn.cost_usd is None else str(turn.cost_usd),
            "degraded": turn.degraded,
            "tools": info.get("calls") or [{"name": n} for n in info.get("tools", [])],
            "cart_changed": bool(info.get("cart")), "claims": claims}
    return entry


def delivery(row: WebhookDelivery) -> dict:
    return {"id": row.id, "endpoint": row.endpoint, "event": row.event,
            "event_id": row.event_id, "conversation_id": row.conversation_id,
            "status": row.status, "attempts": row.attempts,
            "response_status": row.response_status, "error": row.error,
            "created_at": _iso(row.created_at), "next_attempt_at": _iso(row.next_attempt_at),
            "delivered_at": _iso(row.delivered_at)}


def deliveries(session: Session, event: str | None, status: str | None, page: int,
               per_page: int) -> dict:
    where = [c for c in (WebhookDelivery.event == event if event else None,
                         WebhookDelivery.status == status if status else None) if c is not None]
    total = session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery).where(*where))
    rows = session.scalars(sa.select(WebhookDelivery).where(*where)
                           .order_by(WebhookDelivery.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return {"total": total, "page": page, "per_page": per_page,
            "total_pages": -(-total // per_page) if total else 0,
            "deliveries": [delivery(row) for row in rows]}
