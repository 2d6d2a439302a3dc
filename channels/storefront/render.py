"""Renderers of a turn's events for the storefront: SSE frames for /stream, one JSON for /message."""
from __future__ import annotations

import json
import logging
from typing import Iterable, Iterator

from bridge.agent.events import Chunk, Comparison, Done, Error, Event, Products, wire

log = logging.getLogger(__name__)

STREAM_FAILED = "fahad_ai_stream_failed"
SORRY = "Sorry, something went wrong while answering. Please try again."


def sse_frame(event: Event) -> str:
    return f"event: {event.type}\ndata: {json.dumps(wire(event), ensure_ascii=False)}\n\n"


def sse_body(events: Iterable[Event]) -> Iterator[str]:
    """Each event as a frame the moment it exists; the stream always ends with done or error."""
    try:
        for event in events:
            yield sse_frame(event)
            if isinstance(event, (Done, Error)):
                return
    except Exception:
        log.exception("turn failed mid-stream")
    yield sse_frame(Error(code=STREAM_FAILED, message=SORRY))


def fold(events: Iterable[Event]) -> dict:
    """The whole turn as /message answers it: text, cards in order shown, the last comparison."""
    text, cards, rows, done = [], {}, [], None
    for event in events:
        if isinstance(event, Chunk):
            text.append(event.content)
        elif isinstance(event, Products):
            for card in event.products:
                cards.setdefault(card["id"], card)
        elif isinstance(event, Comparison):
            rows = list(event.rows)
        elif isinstance(event, Done):
            done = event
    payload = {"message": "".join(text), "cards": list(cards.values()), "comparison": rows}
    if done is not None:
        payload.update(wire(done))
        payload.pop("type")
    return payload
