"""The WhatsApp channel's tables, on the bridge's ``Base`` (one schema, one migration history).

WhatsAppContact: a customer's conversation, cart and handoff. WhatsAppInbound: their
messages, unique by Meta's id (the dedupe and the job queue). WhatsAppOutbound: the replies
planned and sent for each. WhatsAppStatus: the delivery statuses Meta reports.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from bridge.db import Base, UTCDateTime, utc_now


class WhatsAppContact(Base):
    """One WhatsApp customer: their current conversation, cart and handoff state."""

    __tablename__ = "whatsapp_contacts"

    phone: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # wa_id (or BSUID)
    name: Mapped[Optional[str]] = mapped_column(sa.String(200))
    conversation_ref: Mapped[Optional[str]] = mapped_column(sa.String(40))
    cart_ref: Mapped[Optional[str]] = mapped_column(sa.String(200))
    # Set while a person from the store has the conversation: the bot stays silent.
    handoff_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime, index=True)
    last_turn_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class WhatsAppInbound(Base):
    """A customer's message, stored before the webhook answers: its unique wamid makes
    retries harmless, and its status makes it a job that exactly one worker claims."""

    __tablename__ = "whatsapp_inbound"
    __table_args__ = (sa.Index("ix_whatsapp_inbound_phone_received", "phone", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wamid: Mapped[str] = mapped_column(sa.String(255), unique=True)
    phone: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[Optional[str]] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))  # text, button, list, image, audio...
    text: Mapped[Optional[str]] = mapped_column(sa.Text)
    reply_id: Mapped[Optional[str]] = mapped_column(sa.String(256))  # a tapped button or row
    media_id: Mapped[Optional[str]] = mapped_column(sa.String(128))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the customer's timestamp
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # pending -> working (claimed, with a lease) -> done | failed
    status: Mapped[str] = mapped_column(sa.String(12), default="pending", index=True)
    outcome: Mapped[Optional[str]] = mapped_column(sa.String(24))  # answered, handoff, ...
    worker: Mapped[Optional[str]] = mapped_column(sa.String(80))
    lease_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class WhatsAppOutbound(Base):
    """A reply message, planned before sending (so a retry sends what is left instead of
    answering again), then its wamid and latest delivery status."""

    __tablename__ = "whatsapp_outbound"
    __table_args__ = (sa.UniqueConstraint("inbound_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inbound_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("whatsapp_inbound.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(default=0)
    phone: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(20))  # text, list, buttons
    body: Mapped[dict] = mapped_column(sa.JSON)
    wamid: Mapped[Optional[str]] = mapped_column(sa.String(255), unique=True)
    # queued -> sending (committed before the call) -> sent -> delivered -> read; or failed;
    # unknown (Meta may have it: the call's outcome was lost, never resent); skipped (outside
    # the 24-hour window)
    status: Mapped[str] = mapped_column(sa.String(12), default="queued")
    error_code: Mapped[Optional[int]]
    error_title: Mapped[Optional[str]] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class WhatsAppStatus(Base):
    """A delivery status Meta reported (sent, delivered, read, failed), once each."""

    __tablename__ = "whatsapp_statuses"
    __table_args__ = (sa.UniqueConstraint("wamid", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wamid: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(12))
    recipient: Mapped[Optional[str]] = mapped_column(sa.String(64))
    error_code: Mapped[Optional[int]]
    error_title: Mapped[Optional[str]] = mapped_column(sa.String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
