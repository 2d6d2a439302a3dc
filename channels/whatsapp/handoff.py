"""WhatsApp's part of the handoff to a person (bridge.inbox.handoff): the conversation's
status says whether the assistant is silent, and the contact's ``handoff_at`` mirrors it for
`fahad-bridge whatsapp handoffs`. A person's reply from the inbox goes out through the Graph
API while the customer's 24-hour window is open; outside it Meta accepts only paid template
messages, so the reply is kept (status "skipped") and the inbox is told "window_closed".
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from pywa import WhatsApp
from sqlalchemy.orm import Session, sessionmaker

from bridge.agent.core import new_ref
from bridge.db import utc_now
from bridge.inbox.handoff import SILENT, add_shopper_message, escalate
from bridge.models import Conversation
from bridge.settings import Settings

from . import ledger
from .graph import WINDOW_CLOSED, SendFailed, send
from .ledger import SERVICE_WINDOW
from .models import WhatsAppContact, WhatsAppOutbound
from .render import text_reply

log = logging.getLogger(__name__)


def key(phone: str) -> str:
    return f"wa:{phone}"


def conversation_of(session: Session, contact: WhatsAppContact,
                    create: bool = False) -> Conversation | None:
    """The contact's current conversation (made for them when ``create``)."""
    found = session.get(Conversation, contact.conversation_ref) if contact.conversation_ref \
        else None
    if found is None and create:
        now = utc_now()
        found = Conversation(id=new_ref("cv"), channel="whatsapp", client_key=key(contact.phone),
                             status="open", message_count=0, created_at=now, updated_at=now,
                             customer={"phone": contact.phone, "name": contact.name})
        found.client_ref = found.id
        session.add(found)
        contact.conversation_ref = found.id
        contact.last_turn_at = now
    return found


def with_person(session: Session, contact: WhatsAppContact) -> bool:
    """Whether a person has the customer, keeping ``handoff_at`` in step with the inbox
    (which may have taken the conversation over, or handed it back)."""
    conversation = conversation_of(session, contact)
    silent = conversation.status in SILENT if conversation is not None \
        else contact.handoff_at is not None
    if silent and contact.handoff_at is None:
        contact.handoff_at = utc_now()
    elif not silent and contact.handoff_at is not None:
        contact.handoff_at = None
    return silent


def keep(session: Session, contact: WhatsAppContact, text: str | None) -> None:
    """A message for the person who has the customer: on their conversation."""
    conversation = conversation_of(session, contact, create=True)
    if text:
        add_shopper_message(session, conversation, text[:4000])


def ask(session: Session, settings: Settings, contact: WhatsAppContact, text: str) -> str:
    """The customer asked for a person (the keyword): escalate; the handoff ref."""
    conversation = conversation_of(session, contact, create=True)
    add_shopper_message(session, conversation, text, intent="person")
    contact.handoff_at = utc_now()
    return escalate(session, settings, conversation, "asked with the handoff keyword")


class Deliverer:
    """Sends a person's reply to the customer of a conversation (Handoffs.register)."""

    def __init__(self, wa: WhatsApp, sessions: sessionmaker):
        self.wa = wa
        self.sessions = sessions

    def __call__(self, conversation_id: str, text: str) -> str:
        with self.sessions.begin() as session:
            contact = session.scalar(sa.select(WhatsAppContact)
                                     .where(WhatsAppContact.conversation_ref == conversation_id))
            if contact is None:
                return "failed"
            last = ledger.last_message_at(session, contact.phone)
            reply = text_reply(text)
            row = WhatsAppOutbound(inbound_id=None, seq=0, phone=contact.phone, kind=reply.kind,
                                   body=reply.to_dict(), status="queued")
            session.add(row)
            session.flush()
            row_id, phone = row.id, contact.phone
        if last is None or utc_now() - last > SERVICE_WINDOW:
            ledger.mark(self.sessions, row_id, "skipped", None,
                        "outside the 24-hour customer-service window")
            return "window_closed"
        if not ledger.begin_send(self.sessions, row_id):
            return "failed"
        try:
            wamid = send(self.wa, phone, reply)
        except SendFailed as exc:
            ledger.mark(self.sessions, row_id, "unknown" if exc.maybe_sent else "failed", None,
                        exc.title, exc.code)
            return "window_closed" if exc.code == WINDOW_CLOSED else "failed"
        ledger.mark(self.sessions, row_id, "sent", wamid)
        return "sent"
