"""The agent core: one turn, from the shopper's messages to a stream of events.

``Agent.run(request)`` binds who the turn is for, recalls which products the conversation
has shown, runs the provider chain, saves the exchange and ends with ``Done``;
``Agent.history(ref, limit)`` reads a conversation back (history.py). It opens its own
database sessions: a streamed turn outlives the request that started it.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from ..catalog.index import CatalogIndex
from ..db import utc_now
from ..models import AnalyticsEvent, Conversation, Message
from ..settings import Settings
from ..store.base import Store
from ..usage import budget_spent, model_event
from . import history
from .events import Done, Event
from .honesty import ClaimCheck
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
        ref, memory = self._recall(request.conversation_ref)
        known = bool(memory)
        ctx = ToolContext(store=self.store, index=self.index, cart_ref=request.cart_ref,
                          shopper_id=request.shopper_id, policies=self.policies, **memory)
        turn = Turn(messages=request.messages, tools=self.tools, ctx=ctx,
                    channel=request.channel, language=request.language,
                    conversation_ref=ref)
        providers, degraded = self._chain()
        provider, failed = yield from run_chain(turn, providers, self.claims.screen)
        message_ref = new_ref("msg")
        self._save(request, ref, known, message_ref, turn, provider, degraded or failed)
        yield Done(conversation_ref=ref, message_ref=message_ref, degraded=degraded or failed)

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

    def _recall(self, ref: str | None) -> tuple[str, dict]:
        """The conversation's ref and what it showed (shown, focus, seen: one row read);
        a new ref and no memory ({}) if unknown."""
        if ref:
            with self.sessions() as session:
                memory = history.recall(session, ref)
            if memory is not None:
                return ref, memory
        return new_ref("cv"), {}

    def _save(self, request: TurnRequest, ref: str, known: bool, message_ref: str, turn: Turn,
              provider: str, degraded: bool) -> None:
        """Store the exchange, the conversation's memory and the analytics in one
        transaction (the turn's one write): all of it or none."""
        now = utc_now()
        ctx = turn.ctx
        memory = history.updated({"seen": ctx.seen}, ctx.shown, ctx.focus)
        with self.sessions.begin() as session:
            # A known conversation is updated in place, unread; one that is new (or was
            # deleted while the turn ran) is created.
            if not known or session.execute(
                    sa.update(Conversation).where(Conversation.id == ref)
                    .values(updated_at=now, memory=memory)).rowcount == 0:
                session.add(Conversation(id=ref, channel=request.channel, created_at=now,
                                         updated_at=now, memory=memory))
            session.add_all([
                Message(ref=new_ref("msg"), conversation_id=ref, role="user",
                        content=turn.question, product_ids=[], created_at=now),
                Message(ref=message_ref, conversation_id=ref, role="assistant",
                        content="".join(turn.text), product_ids=list(ctx.shown),
                        focus_id=ctx.focus, created_at=now),
                model_event(
                    "turn", request.channel, turn.usage, self.settings.prices,
                    provider=provider, conversation_ref=ref, degraded=degraded, created_at=now,
                    detail={"tools": [c.name for c in turn.calls],
                            "cart": ctx.cart_touched}),
            ])
            # One row per figure the check stopped (api-15): what was claimed, what the
            # store says, and which provider and model wrote it.
            session.add_all(
                AnalyticsEvent(kind="ungrounded", channel=request.channel[:20],
                               conversation_ref=ref, provider=c["provider"], created_at=now,
                               detail={**c, "message_ref": message_ref})
                for c in turn.catches)
