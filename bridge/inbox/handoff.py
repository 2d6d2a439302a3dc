"""The handoff to a person: a conversation's states and every way between them.

    open --ask--> escalated --take over / reply--> person --hand back--> open
    any --resolve (summary, csat)--> resolved --the shopper writes again--> open

While escalated or with a person (``SILENT``) the assistant says nothing: the shopper's
messages are kept for the person. The session-level functions (``escalate``,
``add_shopper_message``) join the caller's transaction; ``Handoffs`` is the core's part that
the inbox calls and that channels register their reply delivery with (WhatsApp sends a
person's reply through the Graph API; the storefront widget polls for it).
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from .. import notify
from .intent import classify
from ..db import utc_now
from ..errors import BridgeError
from ..models import Conversation, Message
from ..settings import Settings
from . import retention

log = logging.getLogger(__name__)

STATUSES = ("open", "escalated", "person", "resolved")
SILENT = ("escalated", "person")
UNKNOWN = "fahad_ai_unknown_conversation"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, and no 0 or 1: read aloud on the phone
_DIGITS = "23456789"

# What the shopper is told once a person has been asked for.
ASKED = ("I've asked someone from the store to take over. They'll reply here as soon as they "
         "can. Your reference is {ref}.")

# A channel's delivery of a person's reply: (conversation id, text) -> "sent",
# "window_closed" or "failed". Channels without one (the storefront) are polled: "poll".
Deliver = Callable[[str, str], str]
# A channel's own part of erasing a conversation (its tables), in the same transaction.
Erase = Callable[[Session, Conversation], None]


def new_ref() -> str:
    """A reference like H-KQMX-4827: letters and digits both, so it reads as a reference."""
    return ("H-" + "".join(secrets.choice(_LETTERS) for _ in range(4)) + "-"
            + "".join(secrets.choice(_DIGITS) for _ in range(4)))


def asked_sentence(ref: str) -> str:
    return ASKED.format(ref=ref)


def escalate(session: Session, settings: Settings, conversation: Conversation,
             reason: str | None = None, ref: str | None = None,
             now: datetime | None = None) -> str:
    """Mark the conversation as waiting for a person; its handoff ref. Asking again while a
    person is already asked for (or answering) changes nothing and keeps the ref."""
    if conversation.status in SILENT and conversation.handoff_ref:
        return conversation.handoff_ref
    now = now or utc_now()
    conversation.status = "escalated"
    conversation.handoff_ref = ref or new_ref()
    conversation.escalated_at = now
    conversation.resolved_at = None
    conversation.updated_at = now
    notify.emit(session, settings, "conversation.escalated", {
        "conversation_id": conversation.id, "channel": conversation.channel,
        "handoff_ref": conversation.handoff_ref, "reason": (reason or "")[:500] or None,
        "customer": conversation.customer or {}}, conversation_id=conversation.id)
    log.info("conversation %s escalated to a person", conversation.id)
    return conversation.handoff_ref


def add_message(session: Session, conversation: Conversation, role: str, content: str,
                now: datetime, ref: str | None = None, **fields) -> Message:
    """Append a message and keep the conversation's counters current."""
    message = Message(ref=ref or "msg_" + secrets.token_urlsafe(16), conversation=conversation,
                      role=role, content=content, created_at=now,
                      product_ids=fields.pop("product_ids", []), **fields)
    session.add(message)
    conversation.message_count = (conversation.message_count or 0) + 1
    conversation.updated_at = now
    return message


def add_shopper_message(session: Session, conversation: Conversation, text: str,
                        now: datetime | None = None, intent: str | None = None,
                        mood: str | None = None) -> Message:
    """The shopper's message, labelled (the classifier's unless given), on the conversation;
    a resolved conversation opens again."""
    now = now or utc_now()
    if intent is None or mood is None:
        guessed, guessed_mood = classify(text)
        intent, mood = intent or guessed, mood or guessed_mood
    conversation.intent, conversation.sentiment = intent, mood
    if conversation.status == "resolved":
        conversation.status = "open"
    return add_message(session, conversation, "user", text, now, intent=intent, sentiment=mood)


class Handoffs:
    """What a person does from the inbox, on the bridge's own database only."""

    def __init__(self, sessions: sessionmaker, settings: Settings):
        self.sessions = sessions
        self.settings = settings
        self._deliver: dict[str, Deliver] = {}
        self._erase: dict[str, Erase] = {}

    def register(self, channel: str, deliver: Deliver, erase: Erase | None = None) -> None:
        """How a person's replies reach the shoppers of ``channel``, and what else erasing
        one of its conversations deletes (from the channel's init_app)."""
        self._deliver[channel] = deliver
        if erase is not None:
            self._erase[channel] = erase

    def erase(self, conversation_id: str) -> bool:
        """Delete a conversation and everything it said, the channel's records of it too
        (privacy, on request); False when there is none."""
        with self.sessions.begin() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                return False
            channel_part = self._erase.get(conversation.channel)
            if channel_part is not None:
                channel_part(session, conversation)
            retention.delete(session, [conversation_id])
        log.info("conversation %s erased on request", conversation_id)
        return True

    def _get(self, session: Session, conversation_id: str) -> Conversation:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise BridgeError(UNKNOWN, "No conversation with that id.", 404)
        return conversation

    def take_over(self, conversation_id: str, author: str | None = None) -> Conversation:
        with self.sessions.begin() as session:
            conversation = self._get(session, conversation_id)
            self._take(conversation, author, utc_now())
            return conversation

    def _take(self, conversation: Conversation, author: str | None, now: datetime) -> None:
        if conversation.status != "person":
            if not conversation.handoff_ref:
                conversation.handoff_ref = new_ref()
            conversation.escalated_at = conversation.escalated_at or now
        conversation.status = "person"
        conversation.resolved_at = None
        conversation.assignee = (author or conversation.assignee or "store")[:120]
        conversation.updated_at = now

    def reply(self, conversation_id: str, text: str,
              author: str | None = None) -> tuple[Conversation, Message, str]:
        """A person's reply: stored (taking the conversation over), then delivered by the
        conversation's channel: (conversation, message, "poll" | "sent" | "window_closed" |
        "failed")."""
        now = utc_now()
        with self.sessions.begin() as session:
            conversation = self._get(session, conversation_id)
            self._take(conversation, author, now)
            message = add_message(session, conversation, "person", text, now,
                                  author=(author or conversation.assignee)[:120])
        deliver = self._deliver.get(conversation.channel)
        if deliver is None:
            return conversation, message, "poll"
        try:
            outcome = deliver(conversation.id, text)
        except Exception:
            log.exception("a person's reply could not be delivered on %s", conversation.channel)
            outcome = "failed"
        return conversation, message, outcome

    def hand_back(self, conversation_id: str) -> Conversation:
        with self.sessions.begin() as session:
            conversation = self._get(session, conversation_id)
            if conversation.status in SILENT:
                conversation.status = "open"
                conversation.updated_at = utc_now()
            return conversation

    def resolve(self, conversation_id: str, summary: str, csat: int | None,
                author: str | None = None) -> Conversation:
        now = utc_now()
        with self.sessions.begin() as session:
            conversation = self._get(session, conversation_id)
            conversation.status = "resolved"
            conversation.summary = summary
            conversation.csat = csat
            conversation.resolved_at = now
            conversation.assignee = (author or conversation.assignee or "store")[:120]
            conversation.updated_at = now
            notify.emit(session, self.settings, "conversation.resolved", {
                "conversation_id": conversation.id, "channel": conversation.channel,
                "handoff_ref": conversation.handoff_ref, "summary": summary, "csat": csat},
                conversation_id=conversation.id)
            return conversation
