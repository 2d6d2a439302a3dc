"""What to say to one WhatsApp message: the rules, in order, then the message itself.

Rules: the 24-hour customer-service window, a store person's handoff, the handoff keyword,
the soft pause, the per-phone rate limit. Then a button runs its action (actions.py), a
photo its visual search (photos.py), and words a turn of the agent, under the daily cap.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import sessionmaker

from bridge.agent.core import Agent, TurnRequest
from bridge.agent.events import collect
from bridge.db import utc_now
from bridge.settings import Settings
from bridge.store.base import Store
from bridge.usage import reserve_turn

from . import handoff, ledger
from .ledger import SERVICE_WINDOW
from .actions import GONE, Actions, cart_ref
from .graph import Outgoing
from .models import WhatsAppInbound
from .photos import Photos
from .render import render_turn, text_reply

log = logging.getLogger(__name__)

HISTORY = 20  # earlier messages of the conversation the agent sees

HANDOFF = ("Thanks! I've asked someone from the store to take over. They'll reply here "
           "as soon as they can.")
PAUSED = "The shopping assistant is paused right now. Please try again a little later."
DAILY_CAP = "I've answered all I can for today. Please message again tomorrow."
RATE_LIMITED = ("You're sending messages faster than I can answer. I'll pick up again in "
                "a minute.")
UNSUPPORTED = ("Sorry, I can't open that kind of message. Please write what you're looking "
               "for, or send a photo of it.")


class Policy:
    def __init__(self, settings: Settings, sessions: sessionmaker, store: Store, agent: Agent,
                 actions: Actions, photos: Photos):
        self.settings = settings
        self.sessions = sessions
        self.store = store
        self.agent = agent
        self.actions = actions
        self.photos = photos

    def plan(self, message: WhatsAppInbound) -> tuple[str, list[Outgoing]]:
        """The message's outcome and the replies to send for it (maybe none)."""
        settings = self.settings
        now = utc_now()
        with self.sessions.begin() as session:
            contact = ledger.contact(session, message.phone, message.name)
            last = ledger.last_message_at(session, message.phone)
            if last is None or now - last > SERVICE_WINDOW:
                return "expired", []
            text = (message.text or "").strip()
            if handoff.with_person(session, contact):
                handoff.keep(session, contact, text)  # for the person answering
                return "handoff", []
            if message.kind == "text" and text.lower() == settings.whatsapp_handoff_keyword.lower():
                ref = handoff.ask(session, settings, contact, text)
                log.info("WhatsApp customer handed off to the store")
                return "handoff_requested", [text_reply(f"{HANDOFF} Your reference is {ref}.")]
            if settings.paused:
                return "paused", [text_reply(PAUSED)]
            since = now - timedelta(seconds=settings.whatsapp_rate_window)
            count = ledger.recent_count(session, message.phone, since, message.id)
            if count > settings.whatsapp_rate_limit:
                first = count == settings.whatsapp_rate_limit + 1
                return "rate_limited", [text_reply(RATE_LIMITED)] if first else []
        return self._reply(message)

    def _reply(self, message: WhatsAppInbound) -> tuple[str, list[Outgoing]]:
        reply_id = message.reply_id or ""
        if message.kind in ("button", "list") and reply_id:
            action, _, value = reply_id.partition(":")
            if action == "add" and value.isdigit():
                return "cart", self.actions.add(message.phone, int(value))
            if action == "checkout":
                return "checkout", self.actions.checkout(message.phone)
            if action == "cart":
                return "cart", self.actions.cart(message.phone)
            if action == "p" and value.isdigit():
                product = self.store.product(int(value))
                if product is None:
                    return "answered", [text_reply(GONE)]
                return self._turn(message, f"Tell me more about {product.name}")
        if message.kind in ("text", "button", "list") and (message.text or "").strip():
            return self._turn(message, message.text.strip()[:4000])
        if message.kind == "image":
            return self.photos.answer(message)
        if message.kind == "reaction":
            return "ignored", []  # a thumbs-up to our answer needs no answer
        return "unsupported", [text_reply(UNSUPPORTED)]

    def _turn(self, message: WhatsAppInbound, question: str) -> tuple[str, list[Outgoing]]:
        now = utc_now()
        with self.sessions() as session:
            if not reserve_turn(session, self.settings.daily_cap):
                return "daily_cap", [text_reply(DAILY_CAP)]
        with self.sessions.begin() as session:
            contact = ledger.contact(session, message.phone)
            window = timedelta(seconds=self.settings.whatsapp_conversation_window)
            ref = contact.conversation_ref
            if ref and (contact.last_turn_at is None or now - contact.last_turn_at > window):
                ref = None  # a new conversation after a long silence
            cart = cart_ref(self.settings, self.store, contact)
        history = self.agent.history(ref, HISTORY)
        answer = collect(self.agent.run(TurnRequest(
            messages=history + [{"role": "user", "content": question}], channel="whatsapp",
            conversation_ref=ref, cart_ref=cart, client_key=handoff.key(message.phone),
            customer={"phone": message.phone, "name": message.name})))
        with self.sessions.begin() as session:
            contact = ledger.contact(session, message.phone)
            if answer.done is not None:
                contact.conversation_ref = answer.done.conversation_ref
                if answer.done.handoff:  # the model handed the customer to a person
                    contact.handoff_at = now
            contact.last_turn_at = now
        replies, _ = render_turn(answer, can_add=True)
        return "answered", replies or [text_reply("Sorry, I don't have an answer for that yet.")]
