"""The events of a turn: one frozen dataclass per type of the contract, their wire form,
and ``collect``, the one fold of a whole turn into an ``Answer``.

A turn yields these in order; every channel renders the same stream (SSE frames, a folded
JSON answer, WhatsApp messages). No channel code lives here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable, Union


@dataclass(frozen=True)
class Chunk:
    type: ClassVar[str] = "chunk"
    content: str


@dataclass(frozen=True)
class ToolCalled:
    type: ClassVar[str] = "tool"
    name: str


@dataclass(frozen=True)
class Products:
    type: ClassVar[str] = "products"
    products: tuple[dict, ...]
    # A search's total, facets and next page token (tools/search.py ``displayed``).
    search: dict | None = None


@dataclass(frozen=True)
class Comparison:
    type: ClassVar[str] = "comparison"
    rows: tuple[dict, ...]


@dataclass(frozen=True)
class Done:
    type: ClassVar[str] = "done"
    conversation_ref: str
    message_ref: str
    degraded: bool = False
    handoff: dict | None = None  # {"status", "ref"} while a person is asked for or answering
    actions: tuple[dict, ...] = ()  # built from tool results (actions.py), never model text
    intent: str | None = None
    metadata: dict | None = None  # provider, model, tokens, latency_ms


@dataclass(frozen=True)
class Error:
    type: ClassVar[str] = "error"
    code: str
    message: str


Event = Union[Chunk, ToolCalled, Products, Comparison, Done, Error]
EVENT_TYPES = (Chunk, ToolCalled, Products, Comparison, Done, Error)


@dataclass(frozen=True)
class Answer:
    """A whole turn at once, for channels that answer when the turn is over."""

    text: str  # every chunk, in order
    cards: tuple[dict, ...]  # each product once, in the order first shown
    rows: tuple[dict, ...]  # the last comparison; a later one replaces an earlier
    done: Done | None  # None when the turn ended without one
    search: dict | None = None  # the last search's total, facets and next page token


def collect(events: Iterable[Event]) -> Answer:
    """Fold a turn's events into its ``Answer``."""
    text, cards, rows, done, search = [], {}, (), None, None
    for event in events:
        if isinstance(event, Chunk):
            text.append(event.content)
        elif isinstance(event, Products):
            for card in event.products:
                cards.setdefault(card["id"], card)
            search = event.search or search
        elif isinstance(event, Comparison):
            rows = tuple(event.rows)
        elif isinstance(event, Done):
            done = event
    return Answer("".join(text), tuple(cards.values()), rows, done, search)


def wire(event: Event) -> dict:
    """The event's JSON payload, ``type`` first, as the contract spells each field."""
    if isinstance(event, Chunk):
        body = {"content": event.content}
    elif isinstance(event, ToolCalled):
        body = {"name": event.name}
    elif isinstance(event, Products):
        body = {"products": list(event.products)}
        if event.search:
            body["search"] = event.search
    elif isinstance(event, Comparison):
        body = {"rows": list(event.rows)}
    elif isinstance(event, Done):
        body = {"conversation_ref": event.conversation_ref, "message_ref": event.message_ref}
        if event.degraded:
            body["degraded"] = True
        if event.handoff:
            body["handoff"] = dict(event.handoff)
        if event.metadata is not None:
            body.update(actions=list(event.actions), intent=event.intent,
                        metadata=event.metadata)
    else:
        body = {"code": event.code, "message": event.message}
    return {"type": event.type, **body}
