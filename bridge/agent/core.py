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

from sqlalchemy.orm import sessionmaker

from ..catalog.index import CatalogIndex
from ..db import utc_now
from ..models import Conversation, Message
from ..settings import Settings
from ..store.base import Store
from ..usage import budget_spent, model_event
from . import history
from .events import Done, Event
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

    def run(self, request: TurnRequest) -> Iterator[Event]:
        ref, memory = self._recall(request.conversation_ref)
        ctx = ToolContext(store=self.store, index=self.index, cart_ref=request.cart_ref,
                          shopper_id=request.shopper_id, policies=self.policies, **memory)
        turn = Turn(messages=request.messages, tools=self.tools, ctx=ctx,
                    channel=request.channel, language=request.language,
                    conversation_ref=ref)
        providers, degraded = self._chain()
        provider, failed = yield from run_chain(turn, providers)
        message_ref = new_ref("msg")
        self._save(request, ref, message_ref, turn, provider, degraded or failed)
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
        """The conversation's ref and what it showed (shown, focus, seen); a new ref if unknown."""
        if ref:
            with self.sessions() as session:
                memory = history.recall(session, ref)
            if memory is not None:
                return ref, memory
        return new_ref("cv"), {}

    def _save(self, request: TurnRequest, ref: str, message_ref: str, turn: Turn,
              provider: str, degraded: bool) -> None:
        """Store the exchange and its analytics in one transaction: all of it or none."""
        now = utc_now()
        with self.sessions.begin() as session:
            conversation = session.get(Conversation, ref)
            if conversation is None:
                conversation = Conversation(id=ref, channel=request.channel, created_at=now)
                session.add(conversation)
            conversation.updated_at = now
            session.add_all([
                Message(ref=new_ref("msg"), conversation=conversation, role="user",
                        content=turn.question, product_ids=[], created_at=now),
                Message(ref=message_ref, conversation=conversation, role="assistant",
                        content="".join(turn.text), product_ids=list(turn.ctx.shown),
                        focus_id=turn.ctx.focus, created_at=now),
                model_event(
                    "turn", request.channel, turn.usage, self.settings.prices,
                    provider=provider, conversation_ref=ref, degraded=degraded, created_at=now,
                    detail={"tools": [c.name for c in turn.calls],
                            "cart": turn.ctx.cart_touched}),
            ])
