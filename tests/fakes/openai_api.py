"""A loopback server that speaks OpenAI's chat-completions API, scripted per test.

The real SDK talks to it over HTTP. Each POST /v1/chat/completions takes the next scripted
reply: a streamed ``Completion`` (a role chunk, content deltas, tool-call deltas by index, a
``finish_reason`` chunk, a usage chunk with no choices, ``[DONE]``), an ``ApiError`` (429,
500, 503...), a ``Hang`` (for timeouts), or a function of the request returning one of those.
Every request body and its headers are recorded for assertions.
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

# Error types and codes as OpenAI names them, by status.
ERRORS = {429: ("requests", "rate_limit_exceeded"), 500: ("server_error", "server_error"),
          503: ("server_error", "service_unavailable"), 401: ("invalid_request_error",
                                                              "invalid_api_key")}


@dataclass
class Text:
    text: str
    pieces: int = 0  # split into this many deltas (0: one per word)


@dataclass
class ToolCall:
    name: str
    arguments: dict | None = None
    raw: str | None = None  # sent as is, e.g. malformed JSON
    id: str = field(default_factory=lambda: f"call_{next(_ids):04d}")


@dataclass
class Completion:
    parts: list  # Text first, then ToolCalls, as OpenAI streams them
    finish_reason: str | None = None  # default: tool_calls if any part is one, else stop
    finish: bool = True  # False: the stream ends with [DONE] but never finishes the reply
    reasoning: str = ""  # streamed first as reasoning_content (Moonshot, DeepSeek)
    prompt_tokens: int = 120
    completion_tokens: int = 30
    cached_tokens: int = 0
    pace: float = 0.0  # seconds between frames
    cut_after: int | None = None  # drop the connection after this many frames
    error_after: int | None = None  # send an error frame after this many frames


@dataclass
class ApiError:
    status: int
    message: str = "scripted failure"
    retry_after_ms: int | None = None


@dataclass
class Hang:
    seconds: float


Reply = Union[Completion, ApiError, Hang, Callable[[dict], "Reply"]]


class CutConnection(Exception):
    """Raised inside the body to make the server drop the connection mid-stream."""


def frames(completion: Completion, model: str, include_usage: bool) -> list[dict]:
    """The chat.completion.chunk objects of one streamed reply, in OpenAI's order."""
    base = {"id": f"chatcmpl-{next(_ids):04d}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model, "system_fingerprint": "fp_fake"}

    def chunk(delta: dict, finish: str | None = None) -> dict:
        body = {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                     "finish_reason": finish}]}
        return {**body, "usage": None} if include_usage else body

    texts = [p for p in completion.parts if isinstance(p, Text)]
    calls = [p for p in completion.parts if isinstance(p, ToolCall)]
    chunks = [chunk({"role": "assistant", "content": "" if texts or not calls else None,
                     "refusal": None})]
    for piece in _split(completion.reasoning, 0) if completion.reasoning else ():
        chunks.append(chunk({"reasoning_content": piece}))
    for text in texts:
        chunks += [chunk({"content": piece}) for piece in _split(text.text, text.pieces)]
    for index, call in enumerate(calls):
        chunks.append(chunk({"tool_calls": [{"index": index, "id": call.id, "type": "function",
                                             "function": {"name": call.name,
                                                          "arguments": ""}}]}))
        raw = call.raw if call.raw is not None else json.dumps(call.arguments or {})
        for piece in (raw[i:i + 12] for i in range(0, len(raw), 12)):
            chunks.append(chunk({"tool_calls": [{"index": index,
                                                 "function": {"arguments": piece}}]}))
    if completion.finish:
        chunks.append(chunk({}, completion.finish_reason or ("tool_calls" if calls else "stop")))
    if include_usage:
        chunks.append({**base, "choices": [], "usage": {
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens,
            "total_tokens": completion.prompt_tokens + completion.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": completion.cached_tokens,
                                      "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0}}})
    return chunks


def _split(text: str, pieces: int) -> list[str]:
    if pieces <= 0:
        words = text.split(" ")
        return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
    size = max(1, -(-len(text) // pieces))
    return [text[i:i + size] for i in range(0, len(text), size)]


class FakeOpenAI:
    """The server: ``reply(...)`` queues replies; ``requests`` holds the bodies received."""

    def __init__(self):
        self.script: deque[Reply] = deque()
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.hanging = 0  # requests a Hang holds right now
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()

    def reply(self, *replies: Reply) -> None:
        self.script.extend(replies)

    @Request.application
    def _app(self, request: Request) -> Response:
        if request.path != "/v1/chat/completions" or request.method != "POST":
            return _error(404, f"Unknown request URL: {request.method} {request.path}")
        body = request.get_json()
        with self._lock:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            reply = self.script.popleft() if self.script else \
                ApiError(500, "the test scripted no reply for this request")
        while callable(reply):
            reply = reply(body)
        if isinstance(reply, ApiError):
            response = _error(reply.status, reply.message)
            if reply.retry_after_ms is not None:
                response.headers["retry-after-ms"] = str(reply.retry_after_ms)
            return response
        if isinstance(reply, Hang):
            with self._lock:
                self.hanging += 1
            self._released.wait(reply.seconds)
            with self._lock:
                self.hanging -= 1
            return _error(504, "hung on purpose")
        if body.get("stream") is not True:
            return _error(400, "this fake only streams")
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        return Response(self._stream(reply, body.get("model", "gpt"), include_usage),
                        mimetype="text/event-stream", headers={"x-request-id": "req_fake"})

    def _stream(self, completion: Completion, model: str, include_usage: bool):
        for n, data in enumerate(frames(completion, model, include_usage)):
            if completion.cut_after is not None and n >= completion.cut_after:
                raise CutConnection("dropping the connection on purpose")
            if completion.error_after is not None and n >= completion.error_after:
                yield _frame({"error": {"message": "The server had an error while processing "
                                                   "your request.", "type": "server_error",
                                        "param": None, "code": None}})
                return
            if completion.pace and n:
                time.sleep(completion.pace)
            yield _frame(data)
        yield b"data: [DONE]\n\n"


def _frame(data: dict) -> bytes:
    return f"data: {json.dumps(data)}\n\n".encode()


def _error(status: int, message: str) -> Response:
    kind, code = ERRORS.get(status, ("invalid_request_error", None))
    return Response(json.dumps({"error": {"message": message, "type": kind, "param": None,
                                          "code": code}}),
                    status=status, mimetype="application/json")
