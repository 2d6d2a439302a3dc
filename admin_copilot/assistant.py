"""The assistant's own numbers, from the bridge's database: conversations, carts started
from chat, feedback, and the questions shoppers asked about a product."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bridge.catalog.text import query_terms
from bridge.models import AnalyticsEvent, Conversation, Feedback, Message

from .sales import Window

# Assistant messages looked through for a product's related questions, newest first.
QUESTION_SCAN = 5000


def numbers(session: Session, window: Window) -> dict:
    conversations = session.execute(
        sa.select(Conversation.channel, sa.func.count())
        .where(Conversation.created_at >= window.start, Conversation.created_at < window.end)
        .group_by(Conversation.channel)).all()
    ratings = dict(session.execute(
        sa.select(Feedback.rating, sa.func.count())
        .where(Feedback.created_at >= window.start, Feedback.created_at < window.end)
        .group_by(Feedback.rating)).all())
    caught = session.execute(
        sa.select(AnalyticsEvent.detail)
        .where(AnalyticsEvent.kind == "ungrounded", AnalyticsEvent.created_at >= window.start,
               AnalyticsEvent.created_at < window.end)).scalars().all()
    kinds: dict[str, int] = defaultdict(int)
    for detail in caught:
        kinds[(detail or {}).get("kind", "unknown")] += 1
    return {
        "conversations": sum(n for _, n in conversations),
        "conversations_by_channel": {channel: n for channel, n in conversations},
        "chat_cart_actions": sum(chat_carts(session, window).values()),
        "feedback_up": ratings.get("up", 0),
        "feedback_down": ratings.get("down", 0),
        # Figures a model stated that no tool returned, corrected or withheld (issue 15).
        "ungrounded_claims": len(caught),
        "ungrounded_by_kind": dict(sorted(kinds.items())),
    }


def chat_carts(session: Session, window: Window) -> dict[date, int]:
    """Cart additions started from chat, per day: a card's Add to cart, or a turn in which
    the assistant changed the cart."""
    rows = session.execute(
        sa.select(AnalyticsEvent.kind, AnalyticsEvent.detail, AnalyticsEvent.created_at)
        .where(AnalyticsEvent.kind.in_(("cart_add", "turn")),
               AnalyticsEvent.created_at >= window.start,
               AnalyticsEvent.created_at < window.end)).all()
    per_day: dict[date, int] = defaultdict(int)
    for kind, detail, created in rows:
        if kind == "cart_add" or (detail or {}).get("cart"):
            per_day[created.date()] += 1
    return per_day


def _stems(text: str) -> set[str]:
    return {w.rstrip("s") for w in query_terms(text) if len(w) > 2}


def questions_about(session: Session, product_id: int, name: str, window: Window,
                    limit: int = 10) -> list[dict]:
    """What shoppers asked about this product, newest first: a question whose answer was about
    it (its details, "add it"), or one that names it and was answered with it among others.
    A question that only happened to list it ("show my cart", "anything cheaper?") is about
    something else."""
    named = _stems(name)
    answers = session.execute(
        sa.select(Message.id, Message.conversation_id, Message.product_ids, Message.focus_id,
                  Message.created_at)
        .where(Message.role == "assistant", Message.created_at >= window.start)
        .order_by(Message.id.desc()).limit(QUESTION_SCAN)).all()
    hits = [(mid, conv, created, focus == product_id)
            for mid, conv, ids, focus, created in answers
            if product_id in (ids or []) or focus == product_id]
    found, seen = [], set()
    for message_id, conversation_id, created, focused in hits:
        if len(found) == limit:
            break
        question = session.scalar(
            sa.select(Message.content)
            .where(Message.conversation_id == conversation_id, Message.role == "user",
                   Message.id < message_id)
            .order_by(Message.id.desc()).limit(1))
        if question and not focused and not _stems(question) & named:
            continue
        if question and question.strip().lower() not in seen:
            seen.add(question.strip().lower())
            found.append({"question": question[:300], "asked_at": created.isoformat()})
    return found
