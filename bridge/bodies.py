"""Request bodies, read whole before the app runs: ``BodyBuffer`` (WSGI middleware).

Each body, sized or chunked, is read into memory up to its route's cap (the route table's
``max_body``), under the server's deadline for slow clients (bridge/server/worker.py), so no
view ever waits on a socket and a chunked body is held to the same cap as a sized one.
``BodyBuffer`` answers three cases itself, in WordPress's error shape: 413 for a body over
the cap (after reading and dropping up to ``DRAIN`` bytes of it, so that a client still
sending reads the 413 instead of a reset connection), 408 for a client too slow for the
deadline, 400 for a body that can't be read (cut short, or chunks that don't parse).
"""
from __future__ import annotations

import io
import json
import logging

from .errors import INVALID_BODY, REQUEST_TIMEOUT, TOO_LARGE, BridgeError

log = logging.getLogger(__name__)

# Read and dropped of a body over the cap before answering 413: a phone photo a few times
# over the largest body a route takes. Beyond it the connection closes unread, and the
# client may see a reset instead of the answer.
DRAIN = 16 * 1024 * 1024
CHUNK = 64 * 1024

TIMED_OUT = BridgeError(REQUEST_TIMEOUT, "The request was not sent in time.", 408)
TOO_BIG = BridgeError(TOO_LARGE, "The request body is too large.", 413)
UNREADABLE = BridgeError(INVALID_BODY, "The request body could not be read.", 400)
REASONS = {400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large"}


class _Unreadable(Exception):
    """The body ended early or its chunks don't parse."""


class BodyBuffer:
    """Read each request body in full before calling ``app``: at most ``caps[(method,
    path)]`` bytes, or ``default`` for a path that isn't there."""

    def __init__(self, app, caps: dict[tuple[str, str], int], default: int):
        self.app = app
        self.caps = caps
        self.default = default

    def __call__(self, environ, start_response):
        length = _content_length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and not length:
            return self.app(environ, start_response)
        cap = self.caps.get((environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")),
                            self.default)
        stream = environ["wsgi.input"]
        if not chunked and length > cap:
            if length <= DRAIN:
                _drop(stream, length)
            return _refuse(start_response, TOO_BIG)
        try:
            body = _read(stream, None, cap + 1) if chunked else _read(stream, length, length)
        except TimeoutError:
            return _refuse(start_response, TIMED_OUT)
        except Exception as exc:  # the server's chunk parser raises errors of its own
            log.info("request body unreadable: %s", type(exc).__name__)
            return _refuse(start_response, UNREADABLE)
        if len(body) > cap:
            _drop(stream, DRAIN - len(body))
            return _refuse(start_response, TOO_BIG)
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # a sized body from here on
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


def _content_length(environ) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # the server refuses a malformed length before the app sees it


def _read(stream, length: int | None, limit: int) -> bytes:
    """Up to ``limit`` bytes; with ``length``, exactly that many or ``_Unreadable``."""
    parts, size = [], 0
    while size < limit:
        data = stream.read(min(CHUNK, limit - size))
        if not data:
            break
        parts.append(data)
        size += len(data)
    if length is not None and size < length:
        raise _Unreadable(f"{size} of {length} bytes")
    return b"".join(parts)


def _drop(stream, limit: int) -> None:
    """Read and forget up to ``limit`` more bytes; a failure only means the client is gone."""
    try:
        while limit > 0:
            data = stream.read(min(CHUNK, limit))
            if not data:
                return
            limit -= len(data)
    except Exception:
        return


def _json(error: BridgeError) -> bytes:
    return json.dumps(error.to_dict(), separators=(",", ":")).encode()


def _refuse(start_response, error: BridgeError):
    body = _json(error)
    start_response(f"{error.status} {REASONS[error.status]}", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def http_answer(error: BridgeError) -> bytes:
    """The whole HTTP/1.1 answer refusing with ``error``, for a server that has no app
    request to answer it through; it closes the connection."""
    body = _json(error)
    return (f"HTTP/1.1 {error.status} {REASONS[error.status]}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode() + body
