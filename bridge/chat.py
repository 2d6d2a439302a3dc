"""A chat turn over HTTP, as every channel that serves one reads and answers it (the
storefront's /message and /stream, the apps' /app/message and /app/stream): the body's
fields, the turn counted against the daily cap (never for bad input), and the answer as one
JSON or as server-sent events."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from flask import Response, jsonify

from .agent.events import Error, Event
from .agent.render import fold, sse_body, sse_frame
from .asks import Asks, read_asks
from .errors import DAILY_CAP, BridgeError
from .inbox.scope import check_ref
from .inputs import json_object, messages, optional_string
from .usage import reserve_turn

REF_MAX = 128


@dataclass(frozen=True)
class TurnBody:
    messages: list[dict]
    conversation_ref: str | None
    asks: Asks  # preferences, page context, persona, page token (bridge.asks)

    @property
    def viewing(self) -> int | None:
        """The product whose page the shopper is on."""
        return self.asks.viewing


def read_body(settings, body: dict | None = None) -> TurnBody:
    """The turn's fields from the request's JSON body (or a WebSocket frame's); bad input is
    a 400."""
    body = json_object() if body is None else body
    history = messages(body)
    ref = check_ref(optional_string(body, "conversation_ref", REF_MAX))
    return TurnBody(history, ref, read_asks(body, settings))


def reserve(sessions, daily_cap: int) -> None:
    """Count the turn against the daily cap; 503 once it is reached."""
    with sessions() as session:
        granted = reserve_turn(session, daily_cap)
    if not granted:
        raise BridgeError(DAILY_CAP, "The assistant has answered all it can today. "
                          "Please try again tomorrow.", 503)


def message_response(events: Iterable[Event]) -> Response:
    return jsonify(fold(events))


def stream_response(events: Iterable[Event]) -> Response:
    # The generator gets plain values and never touches the request once headers are out.
    return Response(sse_body(events), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def stream_refusal(exc: BridgeError) -> Response:
    """CONTRACT.md: a malformed stream body answers 400 with one error frame (any other
    refusal is the usual JSON error: the caller re-raises it)."""
    return Response(sse_frame(Error(code=exc.code, message=exc.message)), status=exc.status,
                    mimetype="text/event-stream")
