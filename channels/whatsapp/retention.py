"""WhatsApp's share of retention and erasure: the channel's own tables hold the customers'
words too (inbound texts, replies, delivery statuses, the contact)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bridge.db import utc_now
from bridge.models import Conversation

from .models import WhatsAppContact, WhatsAppInbound, WhatsAppOutbound, WhatsAppStatus


def erase_contact(session: Session, conversation: Conversation) -> None:
    """Erasing a WhatsApp conversation erases its customer here: their messages, the replies
    and statuses, and the contact (phone, name, cart), in the inbox's transaction."""
    contact = session.scalar(sa.select(WhatsAppContact)
                             .where(WhatsAppContact.conversation_ref == conversation.id))
    if contact is None:
        return
    phone = contact.phone
    session.execute(sa.delete(WhatsAppStatus).where(WhatsAppStatus.recipient == phone))
    session.execute(sa.delete(WhatsAppOutbound).where(WhatsAppOutbound.phone == phone))
    session.execute(sa.delete(WhatsAppInbound).where(WhatsAppInbound.phone == phone))
    session.delete(contact)


def delete_older(sessions: sessionmaker, days: int) -> int:
    """Delete answered messages, replies and statuses older than ``days``; how many rows."""
    cutoff = utc_now() - timedelta(days=days)
    with sessions.begin() as session:
        old = sa.select(WhatsAppInbound.id).where(WhatsAppInbound.received_at < cutoff,
                                                  WhatsAppInbound.status.in_(("done", "failed")))
        deleted = session.execute(sa.delete(WhatsAppOutbound).where(sa.or_(
            WhatsAppOutbound.inbound_id.in_(old),
            sa.and_(WhatsAppOutbound.inbound_id.is_(None),
                    WhatsAppOutbound.created_at < cutoff)))).rowcount
        deleted += session.execute(sa.delete(WhatsAppInbound).where(
            WhatsAppInbound.id.in_(old.scalar_subquery()))).rowcount
        deleted += session.execute(sa.delete(WhatsAppStatus).where(
            WhatsAppStatus.received_at < cutoff)).rowcount
    return deleted
