"""Renderers of a turn's events shared by the HTTP channels: SSE frames for a stream, one JSON
for a message (the storefront's /stream and /message, the apps' /app/stream and /app/message),
and ``live``, the events as they come, for SSE frames and the WebSocket's (bridge/chat_socket.py)."""
from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Iterable, Iterator

from .events import Done, Error, Event, collect, wire
from ..errors import STREAM_FAILED

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong while answering. Please try again."
# Seconds of silence (a provider thinking) before a comment line tells proxies and the
# widget that the stream is alive; the widget gives up on a silent stream after 15 s.
KEEPALIVE = 5.0
_END = object()


def sse_frame(event: Event) -> str:
    return f"event: {event.type}\ndata: {json.dumps(wire(event), ensure_ascii=False)}\n\n"


def live(events: Iterable[Event]) -> Iterator[Event | None]:
    """The turn's events the moment each exists, None after every ``KEEPALIVE`` seconds
    without one, and always exactly one final done or error: what /stream and the
    WebSocket both send.

    The turn runs in its own thread, so a silent provider can't silence the connection, and
    a shopper who leaves mid-turn doesn't stop the turn from finishing and being saved.
    """
    queued: queue.Queue = queue.Queue()

    def pump() -> None:
        try:
            for event in events:
                queued.put(event)
                if isinstance(event, (Done, Error)):
                    return
            queued.put(Error(code=STREAM_FAILED, message=SORRY))
        except Exception:
            log.exception("turn failed mid-stream")
            queued.put(Error(code=STREAM_FAILED, message=SORRY))
        finally:
            queued.put(_END)

    threading.Thread(target=pump, name="sse-turn", daemon=True).start()
    while True:
        try:
            event = queued.get(timeout=KEEPALIVE)
        except queue.Empty:
            yield None
            continue
        if event is _END:
            return
        yield event


def sse_body(events: Iterable[Event]) -> Iterator[str]:
    """Each event as an SSE frame, a keep-alive comment while none comes."""
    for event in live(events):
        yield ": keep-alive\n\n" if event is None else sse_frame(event)


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
