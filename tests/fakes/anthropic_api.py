"""A loopback server that speaks Anthropic's Messages API, scripted per test.

The real SDK talks to it over HTTP. Each POST /v1/messages takes the next scripted reply:
a ``Message`` (streamed when the request asks for a stream: message_start, content_block_start, text_delta / input_json_delta,
content_block_stop, message_delta, message_stop; else one JSON message), an ``ApiError`` (429, 500, 529...), a
``Hang`` (for timeouts: ``hanging`` counts the requests it holds right now, so a test can
see that a client gave up without waiting), or a function of the request returning one of
those. Every request body is recorded for assertions.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Union

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

_ids = itertools.count(1)


@dataclass
class Text:
    text: str
    pieces: int = 0  # split into this many deltas (0: one per word)


@dataclass
class ToolUse:
    name: str
    input: dict | None = None
    raw_json: str | None = None  # sent as is, e.g. malformed JSON
    id: str = field(default_factory=lambda: f"toolu_{next(_ids):04d}")


@dataclass
class Message:
    blocks: list
    stop_reason: str | None = None  # default: tool_use if any block is one, else end_turn
    input_tokens: int = 120
    output_tokens: int = 30
    cache_read: int = 0
    cache_write: int = 0
    pace: float = 0.0  # seconds between frames
    cut_after: int | None = None  # drop the connection after this many frames
    # Held after the first text delta until the test sets it (at most 30 s; then
    # ``gate_timed_out`` is set): proves that delta reached the client mid-stream.
    gate: threading.Event | None = None


@dataclass
class ApiError:
    status: int
    kind: str = "api_error"
    message: str = "scripted failure"
    retry_after: int | None = None


@dataclass
class Hang:
    seconds: float


Reply = Union[Message, ApiError, Hang, Callable[[dict], "Reply"]]


class CutConnection(Exception):
    """Raised inside the body to make the server drop the connection mid-stream."""


def frames(message: Message, model: str) -> list[tuple[str, dict]]:
    """The SSE events of one streamed message, in Anthropic's order."""
    stop = message.stop_reason or (
        "tool_use" if any(isinstance(b, ToolUse) for b in message.blocks) else "end_turn")
    events = [("message_start", {"type": "message_start", "message": {
        "id": f"msg_{next(_ids):04d}", "type": "message", "role": "assistant", "model": model,
        "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": message.input_tokens, "output_tokens": 1,
                  "cache_read_input_tokens": message.cache_read,
                  "cache_creation_input_tokens": message.cache_write}}})]
    for index, block in enumerate(message.blocks):
        if isinstance(block, Text):
            events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": {"type": "text", "text": ""}}))
            for piece in _split(block.text, block.pieces):
                events.append(("content_block_delta", {
                    "type": "content_block_delta", "index": index,
                    "delta": {"type": "text_delta", "text": piece}}))
        else:
            events.append(("content_block_start", {
                "type": "content_block_start", "index": index,
                "content_block": {"type": "tool_use", "id": block.id, "name": block.name,
                                  "input": {}}}))
            raw = block.raw_json if block.raw_json is not None else json.dumps(block.input or {})
            for piece in (raw[i:i + 12] for i in range(0, len(raw), 12)):
                events.append(("content_block_delta", {
                    "type": "content_block_delta", "index": index,
                    "delta": {"type": "input_json_delta", "partial_json": piece}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": stop, "stop_sequence": None},
                                     "usage": {"output_tokens": message.output_tokens}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def whole(message: Message, model: str) -> dict:
    """The non-streamed answer: the same message as one JSON object."""
    content = [{"type": "text", "text": b.text} if isinstance(b, Text) else
               {"type": "tool_use", "id": b.id, "name": b.name, "input": b.input or {}}
               for b in message.blocks]
    stop = message.stop_reason or (
        "tool_use" if any(isinstance(b, ToolUse) for b in message.blocks) else "end_turn")
    return {"id": f"msg_{next(_ids):04d}", "type": "message", "role": "assistant",
            "model": model, "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": message.input_tokens,
                      "output_tokens": message.output_tokens,
                      "cache_read_input_tokens": message.cache_read,
                      "cache_creation_input_tokens": message.cache_write}}


def _split(text: str, pieces: int) -> list[str]:
    if pieces <= 0:
        words = text.split(" ")
        return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
    size = max(1, -(-len(text) // pieces))
    return [text[i:i + size] for i in range(0, len(text), size)]


class FakeAnthropic:
    """The server: ``reply(...)`` queues replies; ``requests`` holds the bodies received."""

    def __init__(self):
        self.script: deque[Reply] = deque()
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.sent: list[tuple[float, str]] = []  # (time, text delta) for latency figures
        self.hanging = 0  # requests a Hang holds right now
        self.gate_timed_out = False
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def start(self) -> "FakeAnthropic":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()

    def reply(self, *replies: Reply) -> None:
        self.script.extend(replies)

    @Request.application
    def _app(self, request: Request) -> Response:
        if request.path != "/v1/messages" or request.method != "POST":
            return _error(404, "not_found_error", f"no route {request.path}")
        body = request.get_json()
        with self._lock:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            reply = self.script.popleft() if self.script else \
                ApiError(500, "api_error", "the test scripted no reply for this request")
        while callable(reply):
            reply = reply(body)
        if isinstance(reply, ApiError):
            response = _error(reply.status, reply.kind, reply.message)
            if reply.retry_after is not None:
                response.headers["retry-after"] = str(reply.retry_after)
            return response
        if isinstance(reply, Hang):
            with self._lock:
                self.hanging += 1
            self._released.wait(reply.seconds)
            with self._lock:
                self.hanging -= 1
            return _error(504, "timeout_error", "hung on purpose")
        if not body.get("stream"):
            return Response(json.dumps(whole(reply, body.get("model", "claude"))),
                            mimetype="application/json", headers={"request-id": "req_fake"})
        return Response(self._stream(reply, body.get("model", "claude")),
                        mimetype="text/event-stream", headers={"request-id": "req_fake"})

    def _stream(self, message: Message, model: str):
        for n, (event, data) in enumerate(frames(message, model)):
            if message.cut_after is not None and n >= message.cut_after:
                raise CutConnection("dropping the connection on purpose")
            if message.pace and n:
                time.sleep(message.pace)
            text = data.get("delta", {}).get("type") == "text_delta"
            if text:
                self.sent.append((time.perf_counter(), data["delta"]["text"]))
            yield f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
            if text and message.gate is not None and not message.gate.is_set():
                self.gate_timed_out = not message.gate.wait(30)


def _error(status: int, kind: str, message: str) -> Response:
    return Response(json.dumps({"type": "error", "error": {"type": kind, "message": message}}),
                    status=status, mimetype="application/json")
