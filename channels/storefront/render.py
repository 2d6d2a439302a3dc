"""Renderers of a turn's events for the storefront: SSE frames for /stream, one JSON for /message."""
from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Iterable, Iterator

from bridge.agent.events import Done, Error, Event, collect, wire
from bridge.errors import STREAM_FAILED

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong while answering. Please try again."
# Seconds of silence (a provider thinking) before a comment line tells proxies and the
# widget that the stream is alive; the widget gives up on a silent stream after 15 s.
KEEPALIVE = 5.0
_END = object()


def sse_frame(event: Event) -> str:
    return f"event: {event.type}\ndata: {json.dumps(wire(event), ensure_ascii=False)}\n\n"


def sse_body(events: Iterable[Event]) -> Iterator[str]:
    """Each event as a frame the moment it exists, keep-alives while none comes, and always
    exactly one final done or error frame.

    The turn runs in its own thread, so a silent provider can't silence the stream, and a
    shopper who leaves mid-turn doesn't stop the turn from finishing and being saved.
    """
    frames: queue.Queue = queue.Queue()

    def pump() -> None:
        try:
            for event in events:
                frames.put(sse_frame(event))
                if isinstance(event, (Done, Error)):
                    return
            frames.put(sse_frame(Error(code=STREAM_FAILED, message=SORRY)))
        except Exception:
            log.exception("turn failed mid-stream")
            frames.put(sse_frame(Error(code=STREAM_FAILED, message=SORRY)))
        finally:
            frames.put(_END)

    threading.Thread(target=pump, name="sse-turn", daemon=True).start()
    while True:
        try:
            frame = frames.get(timeout=KEEPALIVE)
        except queue.Empty:
            yield ": keep-alive\n\n"
            continue
        if frame is _END:
            return
        yield frame


def fold(events: Iterable[Event]) -> dict:
    """The whole turn as /message answers it: text, cards in order shown, the last comparison."""
    answer = collect(events)
    payload = {"message": answer.text, "cards": list(answer.cards),
               "comparison": list(answer.rows)}
    if answer.search is not None:
        payload["search"] = answer.search
    if answer.done is not None:
        payload.update(wire(answer.done))
        payload.pop("type")
    return payload
