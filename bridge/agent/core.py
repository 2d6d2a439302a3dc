"""The agent core: one turn, from the shopper's messages to a stream of events.

``Agent.run(request)`` binds who the turn is for, finds the conversation within the
client's scope (bridge.inbox.scope) and what it has shown, runs the provider chain, saves the
exchange and ends with ``Done``; ``Agent.history(ref, limit)`` reads a conversation back
(history.py). A conversation with a person (bridge.inbox.handoff) gets no answer: the
shopper's message is kept for the person. An explicit request for a person is answered by
the ``handoff_to_person`` tool before any provider runs. It opens its own database
sessions: a streamed turn outlives the request that started it.
"""
from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from .. import db, notify
from ..catalog.index import CatalogIndex
from ..db import utc_now
from ..inbox.handoff import SILENT, add_shopper_message, escalate
from ..inbox.intent import label, wants_person
from ..models import AnalyticsEvent, Conversation, Message
from ..settings import Settings
from ..store.base import Store
from ..usage import budget_spent, model_event
from . import history
from .actions import actions, metadata
from .events import Chunk, Done, Event
from .honesty import ClaimCheck
from .offline import more as offline_more
from .offline import person as offline_person
from .policies import StorePolicies
from .providers import Provider, run_chain
from .tools import STOREFRONT_TOOLS
from .tools.registry import Registry, ToolContext
from .turn import Turn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnRequest:
    messages: list[dict]
    channel: str
    conversation_ref: str | None = None
    cart_ref: str | None = None
    shopper_id: int = 0
    language: str | None = None
    # Who owns the conversation (bridge.inbox.scope): its ref is looked up only within this
    # key. None (tools, benchmarks) looks the ref up as the conversation's own id.
    client_key: str | None = None
    customer: dict | None = None  # who the inbox shows: wp_user_id, or phone and name
    # The product whose page the shopper is on (the widget says so on a product page): what
    # "it" and "this" mean in this turn. Tools read it through the store, so an id that is not
    # published reads as unknown, as any other id would.
    viewing: int | None = None
    # Preferences, page context, persona and a page token (bridge.asks.read_asks).
    asks: object | None = None
    # False for a test-mode API key on a live store: the turn's cart tools refuse.
    cart_writes: bool = True


@dataclass(frozen=True)
class Recalled:
    """The turn's conversation: its id, the ref the client uses, what it showed, its state."""

    id: str
    ref: str
    memory: dict
    status: str = "open"
    handoff_ref: str | None = None
    known: bool = False  # stored already (else the save creates it)


# A turn's statements on its conversation, built once: building one cost more CPU than
# running it (0.3 ms of a turn's save). Plain table statements: no ORM object is involved.
_TABLE = Conversation.__table__
_RECALLED = (_TABLE.c.id, _TABLE.c.memory, _TABLE.c.status, _TABLE.c.handoff_ref)
FIND_OWNED = sa.select(*_RECALLED).where(_TABLE.c.client_key == sa.bindparam("key"),
                                         _TABLE.c.client_ref == sa.bindparam("ref"))
FIND_BY_ID = sa.select(*_RECALLED).where(_TABLE.c.id == sa.bindparam("ref"))
# A known conversation after a turn: its row's other values are the execution's parameters.
TOUCH = sa.update(_TABLE).where(_TABLE.c.id == sa.bindparam("conversation_id")).values(
    message_count=_TABLE.c.message_count + 2,
    status=sa.case((_TABLE.c.status == "resolved", "open"), else_=_TABLE.c.status))


def new_ref(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(16)}"


class Agent:
    """Everything a turn needs, built once per app."""

    def __init__(self, store: Store, index: CatalogIndex, providers: list[Provider],
                 sessions: sessionmaker, settings: Settings,
                 tools: Registry = STOREFRONT_TOOLS):
        self.store = store
        self.index = index
        self.providers = providers
        self.sessions = sessions
        self.settings = settings
        self.tools = tools
        self.policies = StorePolicies(settings.store_policies.strip(),
                                      settings.support_contact.strip())
        # Every figure a reply states is checked against the conversation's facts first.
        self.claims = ClaimCheck(store.currency, settings.store_policies,
                                 settings.support_contact,
                                 urls=(settings.base_url, settings.store_url),
                                 cards_of=index.cards)

    def run(self, request: TurnRequest) -> Iterator[Event]:
        started = time.monotonic()
        found = self._recall(request)
        if found.status in SILENT:  # a person has it: keep the message for them, say nothing
            message_ref = self._keep(found, request.messages[-1]["content"])
            yield Done(conversation_ref=found.ref, message_ref=message_ref,
                       handoff={"status": found.status, "ref": found.handoff_ref})
            return
        memory = found.memory
        if request.viewing:
            memory = {**memory, "focus": request.viewing,
                      "seen": list(dict.fromkeys([request.viewing, *memory.get("seen", [])]))}
        asks = request.asks
        ctx = ToolContext(store=self.store, index=self.index, cart_ref=request.cart_ref,
                          shopper_id=request.shopper_id, policies=self.policies,
                          preferences=getattr(asks, "preferences", None),
                          secret=self.settings.bridge_secret,
                          cart_writes=request.cart_writes, **memory)
        turn = Turn(messages=request.messages, tools=self.tools, ctx=ctx,
                    channel=request.channel, language=request.language,
                    conversation_ref=found.ref, viewing=request.viewing, asks=asks,
                    last_search=memory.get("next_page"))
        degraded = False
        token = getattr(asks, "page_token", None)
        if token and "search_products" in self.tools:
            # The widget's "more" or a refinement chip: the search itself, no model needed.
            for event in offline_more.page(turn, token):
                if isinstance(event, Chunk):
                    turn.text.append(event.content)
                yield event
            provider = "paging"
        elif wants_person(turn.question) and "handoff_to_person" in self.tools:
            result = yield from turn.use("handoff_to_person", {"reason": "asked for a person"})
            words = offline_person.sentence(turn, result.content["ref"])  # their language
            turn.text.append(words)
            yield Chunk(words)
            provider = "handoff"
        else:
            providers, degraded = self._chain()
            provider, failed = yield from run_chain(turn, providers, self.claims.screen)
            degraded = degraded or failed
        message_ref = new_ref("msg")
        intent = self._save(request, found, message_ref, turn, provider, degraded)
        handoff = {"status": "escalated", "ref": ctx.handoff["ref"]} if ctx.handoff else None
        yield Done(conversation_ref=found.ref, message_ref=message_ref, degraded=degraded,
                   handoff=handoff, actions=tuple(actions(turn.calls, self.settings.store_url)),
                   intent=intent,
                   metadata=metadata(provider, turn.usage, started, time.monotonic()))

    def _chain(self) -> tuple[list[Provider], bool]:
        """The providers for this turn; past the monthly budget only the free ones (degraded)."""
        if any(p.model_based for p in self.providers) \
                and budget_spent(self.sessions, self.settings.monthly_budget):
            log.warning("monthly budget reached: answering without a model")
            return [p for p in self.providers if not p.model_based], True
        return self.providers, False

    def history(self, ref: str | None, limit: int) -> list[dict]:
        """The conversation's last ``limit`` messages, oldest first; none for no ref."""
        if not ref:
            return []
        with self.sessions() as session:
            return history.transcript(session, ref, limit)

    def _recall(self, request: TurnRequest) -> Recalled:
        """The client's conversation with this ref and what it showed (shown, focus, seen:
        one row read); a new one when the client has none by that ref (named by it, when
        the client owns its refs)."""
        ref, key = request.conversation_ref, request.client_key
        if ref:
            with self.sessions() as session:
                row = session.execute(FIND_OWNED if key else FIND_BY_ID,
                                      {"key": key, "ref": ref}).first()
            if row is not None:
                return Recalled(row.id, ref, history.remembered(row.memory), row.status,
                                row.handoff_ref, known=True)
        conversation_id = new_ref("cv")
        return Recalled(conversation_id, ref if (ref and key) else conversation_id, {})

    def _keep(self, found: Recalled, text: str) -> str:
        """Keep a shopper's message for the person who has the conversation; its ref."""
        with self.sessions.begin() as session:
            conversation = session.get(Conversation, found.id)
            return add_shopper_message(session, conversation, text).ref

    def _save(self, request: TurnRequest, found: Recalled, message_ref: str, turn: Turn,
              provider: str, degraded: bool) -> str:
        """Store the exchange, the conversation's memory, labels and escalation and the
        analytics in one transaction (the turn's one write): all of it or none; the
        turn's intent."""
        now = utc_now()
        ctx = turn.ctx
        memory = history.updated({"seen": ctx.seen}, ctx.shown, ctx.focus, ctx.next_page)
        names = [c.name for c in turn.calls]
        intent, mood = label(turn.question, names)
        row = {"updated_at": now, "memory": memory, "intent": intent, "sentiment": mood}
        with self.sessions.begin() as session:
            # A known conversation is updated in place, unread; one that is new (or was
            # deleted while the turn ran) is created.
            rows = []
            if not found.known or session.execute(
                    TOUCH, {"conversation_id": found.id, **row}).rowcount == 0:
                rows.append(Conversation(
                    id=found.id, channel=request.channel, created_at=now, status="open",
                    client_key=request.client_key, customer=request.customer, message_count=2,
                    client_ref=found.ref if request.client_key else None, **row))
            rows += [
                Message(ref=new_ref("msg"), conversation_id=found.id, role="user",
                        content=turn.question, product_ids=[], created_at=now, intent=intent,
                        sentiment=mood),
                Message(ref=message_ref, conversation_id=found.id, role="assistant",
                        content="".join(turn.text), product_ids=list(ctx.shown),
                        focus_id=ctx.focus, created_at=now),
                model_event(
                    "turn", request.channel, turn.usage, self.settings.prices,
                    provider=provider, conversation_ref=found.id, degraded=degraded,
                    created_at=now,
                    detail={"tools": names, "cart": ctx.cart_touched, "message_ref": message_ref,
                            "calls": [{"name": c.name, "args": c.args, "ok": c.result.ok,
                                       "cards": len(c.result.cards)} for c in turn.calls]}),
            ]
            # One row per figure the check stopped (api-15): what was claimed, what the
            # store says, and which provider and model wrote it.
            rows += [AnalyticsEvent(kind="ungrounded", channel=request.channel[:20],
                                    conversation_ref=found.id, provider=c["provider"],
                                    created_at=now, detail={**c, "message_ref": message_ref})
                     for c in turn.catches]
            db.insert(session, rows)  # nothing is read back: no unit of work to pay for
            if ctx.handoff:  # rare: the conversation itself is read to escalate it
                escalate(session, self.settings, session.get(Conversation, found.id),
                         ctx.handoff["reason"], ref=ctx.handoff["ref"], now=now)
            if ctx.cart_touched:
                notify.emit(session, self.settings, "cart.updated", {
                    "conversation_id": found.id, "channel": request.channel, "source": "chat",
                    "changes": [{"tool": c.name, **c.args} for c in turn.calls
                                if c.result.cart is not None and c.name != "view_cart"]},
                    conversation_id=found.id)
        return intent
