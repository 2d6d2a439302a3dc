"""Answering one stored WhatsApp message: the job a worker runs.

The answer is planned first and stored as outbound rows; then each row is marked "sending",
sent, and marked with its outcome. A worker that dies after planning leaves rows that the
next attempt sends instead of answering again; one that dies mid-send leaves a row that is
never sent again ("unknown").

Rules, in order: the 24-hour customer-service window, a store person's handoff, the
handoff keyword, the soft pause, the per-phone rate limit, then the message itself (and the
daily cap for anything that runs the agent).
"""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from pywa import WhatsApp

from bridge.agent.core import TurnRequest
from bridge.agent.events import collect
from bridge.catalog.money import display
from bridge.db import utc_now
from bridge.errors import BridgeError, from_store
from bridge.models import Message, WhatsAppContact, WhatsAppInbound, WhatsAppOutbound
from bridge.security import issue_cart_id
from bridge.store.base import CartIds, StoreError
from bridge.usage import reserve_turn
from bridge.visual import search_image

from . import ledger
from .graph import Outgoing, SendFailed, media_bytes, send
from .render import cut_body, product_buttons, product_list, render_turn, split

log = logging.getLogger(__name__)

SERVICE_WINDOW = timedelta(hours=24)  # Meta's customer-service window
HISTORY = 20  # earlier messages of the conversation the agent sees
MAX_ATTEMPTS = 3
WINDOW_CLOSED = 131047  # Cloud API: more than 24 hours since the customer's last message
IMAGE_MAX = 5 * 1024 * 1024

HANDOFF = ("Thanks! I've asked someone from the store to take over. They'll reply here "
           "as soon as they can.")
PAUSED = "The shopping assistant is paused right now. Please try again a little later."
DAILY_CAP = "I've answered all I can for today. Please message again tomorrow."
RATE_LIMITED = ("You're sending messages faster than I can answer. I'll pick up again in "
                "a minute.")
UNSUPPORTED = ("Sorry, I can't open that kind of message. Please write what you're looking "
               "for, or send a photo of it.")
NO_PICTURES = ("Thanks for the photo! I can't search by picture here yet. Tell me what "
               "you're looking for in a few words and I'll find it.")
PICTURE_FAILED = ("Sorry, I couldn't open that photo. Could you describe what you're "
                  "looking for instead?")


class Responder:
    def __init__(self, bridge, wa: WhatsApp):
        self.bridge = bridge
        self.wa = wa
        self.settings = bridge.settings
        self.sessions = bridge.sessions

    # -- the job ---------------------------------------------------------------------

    def process(self, inbound_id: int, worker: str) -> bool:
        """Answer one message if this worker can claim it; True when it did the work."""
        if not ledger.claim(self.sessions, inbound_id, worker, self.settings.whatsapp_lease):
            return False
        try:
            outcome = self._answer(inbound_id)
        except Exception:
            log.exception("WhatsApp message %s could not be answered", inbound_id)
            with self.sessions() as session:
                attempts = session.get(WhatsAppInbound, inbound_id).attempts
            if attempts >= MAX_ATTEMPTS:
                ledger.finish(self.sessions, inbound_id, worker, "error", status="failed")
            else:
                ledger.release_claim(self.sessions, inbound_id, worker)
            return True
        ledger.finish(self.sessions, inbound_id, worker, outcome)
        return True

    def _answer(self, inbound_id: int) -> str:
        with self.sessions() as session:
            message = session.get(WhatsAppInbound, inbound_id)
            planned = session.scalar(sa.select(sa.func.count()).select_from(WhatsAppOutbound)
                                     .where(WhatsAppOutbound.inbound_id == inbound_id))
        if planned:
            outcome = message.outcome or "answered"  # a retry: send what is left
        else:
            outcome, replies = self.plan(message)
            self._queue(message, outcome, replies)
        self._send_queued(message)
        return outcome

    def _queue(self, message: WhatsAppInbound, outcome: str, replies: list[Outgoing]) -> None:
        with self.sessions.begin() as session:
            for seq, reply in enumerate(replies):
                session.add(WhatsAppOutbound(inbound_id=message.id, seq=seq, phone=message.phone,
                                             kind=reply.kind, body=reply.to_dict()))
            session.execute(sa.update(WhatsAppInbound).where(WhatsAppInbound.id == message.id)
                            .values(outcome=outcome[:24]))

    def _send_queued(self, message: WhatsAppInbound) -> None:
        """Send the planned replies not yet attempted. Each is marked "sending" before its
        call, so nothing is sent twice: a row still "sending" here was being sent when an
        earlier attempt stopped, and becomes "unknown" (a lost message is better than a
        duplicate)."""
        with self.sessions() as session:
            rows = list(session.scalars(
                sa.select(WhatsAppOutbound)
                .where(WhatsAppOutbound.inbound_id == message.id,
                       WhatsAppOutbound.status.in_(("queued", "sending")))
                .order_by(WhatsAppOutbound.seq)))
            last = ledger.last_message_at(session, message.phone)
        window_closed = False
        for row in rows:
            if row.status == "sending":
                log.warning("WhatsApp reply %s of message %s: fate unknown (an earlier attempt "
                            "stopped during its send); not resent", row.id, message.id)
                self._mark(row.id, "unknown", None, "an earlier attempt stopped during the send")
                continue
            if window_closed or last is None or utc_now() - last > SERVICE_WINDOW:
                # Free-form messages are only allowed within 24 h of the customer's last.
                self._mark(row.id, "skipped", None, "outside the 24-hour customer-service window")
                continue
            if not ledger.begin_send(self.sessions, row.id):
                continue
            try:
                wamid = send(self.wa, message.phone, Outgoing.from_dict(row.body))
            except SendFailed as exc:
                log.warning("WhatsApp reply %s %s: %s %s", row.id,
                            "fate unknown" if exc.maybe_sent else "failed", exc.code, exc.title)
                self._mark(row.id, "unknown" if exc.maybe_sent else "failed", None, exc.title,
                           exc.code)
                # Meta says the window is closed: the rest would fail the same way.
                window_closed = exc.code == WINDOW_CLOSED
                continue
            except Exception:
                # Raised after the request left (an answer pywa can't read): Meta may have it.
                log.exception("WhatsApp reply %s: fate unknown after its send; not resent", row.id)
                self._mark(row.id, "unknown", None, "the send's answer could not be read")
                continue
            self._mark(row.id, "sent", wamid)

    def _mark(self, row_id: int, status: str, wamid: str | None, title: str | None = None,
              code: int | None = None) -> None:
        with self.sessions.begin() as session:
            row = session.get(WhatsAppOutbound, row_id)
            if row.status in ("queued", "sending"):  # a status update may have moved it on
                row.status = status
            row.wamid = wamid[:255] if wamid else None
            row.error_code, row.error_title = code, (title or "")[:300] or None
            row.updated_at = utc_now()

    # -- deciding what to say --------------------------------------------------------

    def plan(self, message: WhatsAppInbound) -> tuple[str, list[Outgoing]]:
        settings = self.settings
        now = utc_now()
        with self.sessions.begin() as session:
            contact = ledger.contact(session, message.phone, message.name)
            last = ledger.last_message_at(session, message.phone)
            if last is None or now - last > SERVICE_WINDOW:
                return "expired", []
            if contact.handoff_at is not None:
                return "handoff", []  # a person from the store is answering
            text = (message.text or "").strip()
            if message.kind == "text" and text.lower() == settings.whatsapp_handoff_keyword.lower():
                contact.handoff_at = now
                log.info("WhatsApp customer handed off to the store")
                return "handoff_requested", [_text(HANDOFF)]
            if settings.paused:
                return "paused", [_text(PAUSED)]
            since = now - timedelta(seconds=settings.whatsapp_rate_window)
            count = ledger.recent_count(session, message.phone, since, message.id)
            if count > settings.whatsapp_rate_limit:
                first = count == settings.whatsapp_rate_limit + 1
                return "rate_limited", [_text(RATE_LIMITED)] if first else []
        return self._reply(message)

    def _reply(self, message: WhatsAppInbound) -> tuple[str, list[Outgoing]]:
        reply_id = message.reply_id or ""
        if message.kind in ("button", "list") and reply_id:
            action, _, value = reply_id.partition(":")
            if action == "add" and value.isdigit():
                return "cart", self._add(message.phone, int(value))
            if action == "checkout":
                return "checkout", self._checkout(message.phone)
            if action == "cart":
                return "cart", self._cart(message.phone)
            if action == "p" and value.isdigit():
                product = self.bridge.store.product(int(value))
                if product is None:
                    return "answered", [_text("Sorry, that product isn't available any more.")]
                return self._turn(message, f"Tell me more about {product.name}")
        if message.kind in ("text", "button", "list") and (message.text or "").strip():
            return self._turn(message, message.text.strip()[:4000])
        if message.kind == "image":
            return self._picture(message)
        if message.kind == "reaction":
            return "ignored", []  # a thumbs-up to our answer needs no answer
        return "unsupported", [_text(UNSUPPORTED)]

    def _turn(self, message: WhatsAppInbound, question: str) -> tuple[str, list[Outgoing]]:
        now = utc_now()
        with self.sessions() as session:
            if not reserve_turn(session, self.settings.daily_cap):
                return "daily_cap", [_text(DAILY_CAP)]
        with self.sessions.begin() as session:
            contact = ledger.contact(session, message.phone)
            window = timedelta(seconds=self.settings.whatsapp_conversation_window)
            ref = contact.conversation_ref
            if ref and (contact.last_turn_at is None or now - contact.last_turn_at > window):
                ref = None  # a new conversation after a long silence
            history = self._history(session, ref)
            cart_ref = self._cart_ref(contact)
        answer = collect(self.bridge.agent.run(TurnRequest(
            messages=history + [{"role": "user", "content": question}], channel="whatsapp",
            conversation_ref=ref, cart_ref=cart_ref)))
        with self.sessions.begin() as session:
            contact = ledger.contact(session, message.phone)
            if answer.done is not None:
                contact.conversation_ref = answer.done.conversation_ref
            contact.last_turn_at = now
        replies, _ = render_turn(answer, can_add=True)
        return "answered", replies or [_text("Sorry, I don't have an answer for that yet.")]

    @staticmethod
    def _history(session, ref: str | None) -> list[dict]:
        if not ref:
            return []
        rows = session.execute(sa.select(Message.role, Message.content)
                               .where(Message.conversation_id == ref)
                               .order_by(Message.id.desc()).limit(HISTORY)).all()
        return [{"role": role, "content": content} for role, content in reversed(rows) if content]

    def _cart_ref(self, contact: WhatsAppContact) -> str | None:
        """The customer's cart when the store keeps carts the bridge names (the demo); a
        WooCommerce cart needs the shopper's own browser session, so there the buttons hand
        over checkout links instead."""
        if self.bridge.store.cart_ids is not CartIds.ISSUED:
            return None
        if not contact.cart_ref:
            contact.cart_ref = issue_cart_id(self.settings.bridge_secret)
        return contact.cart_ref

    def _contact_cart(self, phone: str) -> str | None:
        with self.sessions.begin() as session:
            return self._cart_ref(ledger.contact(session, phone))

    # -- buttons: the server acts, no model involved --------------------------------

    def _add(self, phone: str, product_id: int) -> list[Outgoing]:
        store = self.bridge.store
        product = store.product(product_id)
        if product is None:
            return [_text("Sorry, that product isn't available any more.")]
        cart_ref = self._contact_cart(phone)
        if cart_ref is None:
            link = store.checkout_link([(product_id, 1)])
            return [_text(f"You can buy *{product.name}* here:\n{link}")]
        try:
            cart = store.add_to_cart(cart_ref, product_id, 1)
        except StoreError as exc:
            return [_text(from_store(exc).message)]
        summary = f"Added *{product.name}* to your cart.\n" + _cart_lines(cart)
        return [Outgoing(kind="buttons", text=cut_body(summary),
                         buttons=[["checkout", "Checkout"], ["cart", "View cart"]])]

    def _cart(self, phone: str) -> list[Outgoing]:
        cart_ref = self._contact_cart(phone)
        if cart_ref is None:
            return [_text("Your cart lives on the store's website; tap a product's link to "
                          "buy it there.")]
        cart = self.bridge.store.cart(cart_ref)
        if not cart.items:
            return [_text("Your cart is empty. Tell me what you're looking for!")]
        return [Outgoing(kind="buttons", text=cut_body("*Your cart*\n" + _cart_lines(cart)),
                         buttons=[["checkout", "Checkout"]])]

    def _checkout(self, phone: str) -> list[Outgoing]:
        cart_ref = self._contact_cart(phone)
        cart = self.bridge.store.cart(cart_ref) if cart_ref else None
        if cart is None or not cart.items:
            return [_text("Your cart is empty. Add something first, then tap Checkout.")]
        return [_text(f"Ready when you are! Check out here:\n{cart.checkout_url}")]

    # -- photos ----------------------------------------------------------------------

    def _picture(self, message: WhatsAppInbound) -> tuple[str, list[Outgoing]]:
        if not message.media_id:
            return "unsupported", [_text(NO_PICTURES)]
        data = media_bytes(self.wa, message.media_id, IMAGE_MAX)
        if not data:
            return "unsupported", [_text(PICTURE_FAILED)]
        try:
            found = search_image(self.bridge, data, limit=6, channel="whatsapp")
        except BridgeError as refused:  # not an image we can read: the customer hears why
            log.info("WhatsApp photo refused: %s", refused.code)
            return "unsupported", [_text(PICTURE_FAILED)]
        except Exception:
            log.exception("visual search failed")
            return "unsupported", [_text(PICTURE_FAILED)]
        if not found.get("available"):
            return "unsupported", [_text(NO_PICTURES)]
        cards = found["products"]
        if not cards:
            return "answered", [_text("I couldn't find anything like that in the shop. "
                                      "Could you describe it in words?")]
        first = "Here's what looks closest to your photo:"
        reply = product_buttons(cards[0], True) if len(cards) == 1 else product_list(cards)
        return "answered", [_text(first), reply]


def _text(text: str) -> Outgoing:
    return Outgoing(kind="text", text=split(text)[0])


def _cart_lines(cart) -> str:
    lines = [f"• {item.quantity} × {item.name} — {display(item.line_total, cart.currency)}"
             for item in cart.items]
    lines.append(f"Total: {display(cart.total, cart.currency)}")
    return "\n".join(lines)
