"""SQLAlchemy models of the bridge's own state (the store's data stays in the store).

Conversation and Message: chat history per channel, with the handoff to a person (status,
ref), the client that owns it (client_key, client_ref) and each shopper message's intent and
sentiment. WebhookDelivery: the outbound webhooks' queue and delivery log. CatalogChange: products the store
announced as changed, for every host's index. Feedback: thumbs telemetry, no personal
data. AnalyticsEvent: one row per turn or notable action, with tokens and cost. DailyUsage:
the billable-turn counter behind the daily cap. DemoCart and DemoCartItem: the demo store's carts.
Channels keep their own tables beside them (channels/whatsapp/models.py), on the same ``Base``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base, UTCDateTime, utc_now


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        # A client's refs are its own: the same ref of another client is another conversation.
        sa.UniqueConstraint("client_key", "client_ref"),
        sa.Index("ix_conversations_status_updated", "status", "updated_at"),
        sa.Index("ix_conversations_intent_updated", "intent", "updated_at"),
        sa.Index("ix_conversations_channel_updated", "channel", "updated_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # "cv_" + random token
    channel: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    # Who owns it ("u<uid>", "c<client id>", "wa:<phone>") and the ref that client uses.
    client_key: Mapped[Optional[str]] = mapped_column(sa.String(80))
    client_ref: Mapped[Optional[str]] = mapped_column(sa.String(128))
    # open -> escalated (asked for a person) -> person (taken over) -> open | resolved
    status: Mapped[str] = mapped_column(sa.String(12), default="open", server_default="open")
    handoff_ref: Mapped[Optional[str]] = mapped_column(sa.String(16), unique=True)
    escalated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    resolved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    assignee: Mapped[Optional[str]] = mapped_column(sa.String(120))
    summary: Mapped[Optional[str]] = mapped_column(sa.Text)
    csat: Mapped[Optional[int]]
    # The latest shopper message's, for filtering the inbox without reading messages.
    intent: Mapped[Optional[str]] = mapped_column(sa.String(20))
    sentiment: Mapped[Optional[str]] = mapped_column(sa.String(12))
    message_count: Mapped[int] = mapped_column(default=0, server_default="0")
    customer: Mapped[Optional[dict]] = mapped_column(sa.JSON)  # wp_user_id, phone, name
    # What the conversation has shown, kept current by every turn's save so the next turn
    # reads this row instead of every message (bridge/agent/history.py):
    # {"shown": [ids of the last list], "focus": id or null, "seen": [ids, newest first]}.
    memory: Mapped[Optional[dict]] = mapped_column(sa.JSON)

    messages: Mapped[list["Message"]] = relationship(
        back_populates="conversation", order_by="Message.id", cascade="all, delete-orphan")


class Message(Base):
    __tablename__ = "messages"
    # A conversation's latest messages, newest first, by one index probe (the inbox's
    # previews, transcripts): without it PostgreSQL may walk the id index backwards instead.
    __table_args__ = (sa.Index("ix_messages_conversation_latest", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(sa.String(40), unique=True)  # "msg_" + random token
    conversation_id: Mapped[str] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))  # "user", "assistant" or "person"
    content: Mapped[str] = mapped_column(sa.Text)
    author: Mapped[Optional[str]] = mapped_column(sa.String(120))  # the person who wrote it
    intent: Mapped[Optional[str]] = mapped_column(sa.String(20))  # shopper messages only
    sentiment: Mapped[Optional[str]] = mapped_column(sa.String(12))
    # Ids of the products shown with an assistant message, in display order: what "the
    # first two" refers to in the next turn. Taken from tool results, never from model text.
    product_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The one product the message was about ("add it" in the next turn), if any.
    focus_id: Mapped[Optional[int]]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # "fb_" + random token
    rating: Mapped[str] = mapped_column(sa.String(4))  # "up" or "down"
    reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    conversation_ref: Mapped[Optional[str]] = mapped_column(sa.String(128))
    message_ref: Mapped[Optional[str]] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)


class AnalyticsEvent(Base):
    __tablename__ = "analytics_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)  # "turn", "cart_add", ...
    channel: Mapped[str] = mapped_column(sa.String(20))
    conversation_ref: Mapped[Optional[str]] = mapped_column(sa.String(40))
    provider: Mapped[Optional[str]] = mapped_column(sa.String(40))
    input_tokens: Mapped[int] = mapped_column(default=0)  # uncached input
    output_tokens: Mapped[int] = mapped_column(default=0)
    cached_tokens: Mapped[int] = mapped_column(default=0)  # input read from the prompt cache
    cache_write_tokens: Mapped[int] = mapped_column(default=0)  # input written to the cache
    # None when a model's price is unknown: an unknown cost is not a zero cost.
    cost_usd: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(12, 6))
    degraded: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)


class CatalogChange(Base):
    """A product WooCommerce said changed (webhook); each host's index applies it once."""

    __tablename__ = "catalog_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int]
    topic: Mapped[str] = mapped_column(sa.String(40))  # "product.updated", ...
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class DailyUsage(Base):
    """Billable turns started per UTC day; incremented atomically under the cap."""

    __tablename__ = "daily_usage"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    turns: Mapped[int] = mapped_column(default=0)


class DemoCart(Base):
    __tablename__ = "demo_carts"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    items: Mapped[list["DemoCartItem"]] = relationship(
        order_by="DemoCartItem.id", cascade="all, delete-orphan")


class DemoCartItem(Base):
    __tablename__ = "demo_cart_items"
    __table_args__ = (sa.UniqueConstraint("cart_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[str] = mapped_column(sa.ForeignKey("demo_carts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(32))
    product_id: Mapped[int]
    variation_id: Mapped[Optional[int]]
    quantity: Mapped[int]


class WebhookDelivery(Base):
    """One event for one endpoint: queued with the change that caused it (same transaction),
    then sent by the webhook worker, retried with backoff; the rows are the delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(sa.String(64))  # its name in the webhooks setting
    event: Mapped[str] = mapped_column(sa.String(40), index=True)
    event_id: Mapped[str] = mapped_column(sa.String(40))  # "evt_...": one per event, shared
    conversation_id: Mapped[Optional[str]] = mapped_column(sa.String(40), index=True)
    body: Mapped[str] = mapped_column(sa.Text)  # the exact bytes signed and sent
    # pending -> working (claimed, with a lease) -> delivered | pending (retry) | failed
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    lease_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    response_status: Mapped[Optional[int]]
    error: Mapped[Optional[str]] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    delivered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
