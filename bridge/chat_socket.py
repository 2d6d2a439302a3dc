"""A chat over a WebSocket, as every channel that serves one runs it (the storefront's /ws,
the apps' /app/ws): the turns of /stream, each event one JSON text frame (``wire``, as
/stream's ``data:``), many turns on one connection, answered one at a time in order.

A channel supplies a ``SocketChat``: who the auth frame (or the upgrade's headers) proves,
its rate limit per turn, and the turn a message frame asks for. ``serve`` does the rest:
a slot in this worker, the upgrade (bridge/websocket.py), the frames and their limits.

The client's frames are JSON objects: ``auth`` first (within ``AUTH_WAIT``), then
``message`` (a /stream body) and ``ping``. The server's: ``ready``, the turns' events,
``pong``, ``error``. A bad frame gets an ``error`` frame and the connection stays. Closes:
4001 bad auth, 4004 an unknown user, 4029 a rate limit (the channel's per turn, or this
connection's frames per minute and turns), 1009 a frame too big, 1013 paused at auth.
"""
from __future__ import annotations

import json
import logging
import time
from collections import deque
from typing import Protocol

from flask import Response, current_app, request

from .agent.core import TurnRequest
from .agent.events import Error, wire
from .agent.render import live
from .core import Core
from .errors import (INVALID_AUTH, INVALID_FRAME, RATE_LIMITED, WEBSOCKET_BUSY, WEBSOCKET_ONLY,
                     BridgeError, bad_request)
from .gates import not_paused, under_daily_cap
from .websocket import (NORMAL, TRY_LATER, Closed, NotUpgradable, Slots, WebSocket, accept,
                        worker_cap)

log = logging.getLogger(__name__)

BAD_AUTH, UNKNOWN_USER, LIMITED = 4001, 4004, 4029
AUTH_WAIT = 10.0  # seconds for the auth frame
PING_EVERY = 20.0  # quiet seconds before a ping (proxies drop idle connections at 60 s)
SILENCE = 60.0  # seconds without a byte, not even a pong, before the client counts as gone
SLOTS = "fahad_websocket_slots"


class Refused(Exception):
    """End the connection: an error frame with ``error``, then a close with ``close``."""

    def __init__(self, close: int, error: BridgeError):
        super().__init__(error.message)
        self.close, self.error = close, error


class SocketChat(Protocol):
    def identify(self, frame: dict) -> dict:
        """Prove who the auth frame (or the upgrade) is for, setting ``g.identity``; the
        ``ready`` frame's other fields. Raise ``BridgeError`` (4001) or ``Refused``."""

    def hit(self) -> None:
        """Count one turn in the channel's rate limit; raise ``Refused`` past it."""

    def turn(self, body: dict) -> TurnRequest:
        """The turn a message frame's body asks for (a ``BridgeError`` for bad input)."""


class Upgraded(Response):
    """What the view returns once its WebSocket is over: gunicorn's workers close a
    connection whose app raises StopIteration, and write nothing more to it."""

    def __call__(self, environ, start_response):
        raise StopIteration


def serve(core: Core, chat: SocketChat) -> Upgraded:
    """Upgrade the current request and chat over it until either side closes."""
    settings = core.settings
    slots = current_app.extensions.get(SLOTS)
    if slots is None:
        cap = worker_cap()
        limit = settings.websocket_connections
        slots = current_app.extensions.setdefault(SLOTS, Slots(min(limit, cap or limit)))
    if not slots.take():
        raise BridgeError(WEBSOCKET_BUSY, "The chat has no room for another connection just "
                          "now. Please try again shortly.", 503, headers={"Retry-After": "5"})
    try:
        try:
            ws = accept(request.environ, settings.websocket_max_message, PING_EVERY, SILENCE)
        except NotUpgradable as exc:
            raise BridgeError(WEBSOCKET_ONLY, f"This route takes a WebSocket upgrade: {exc}",
                              426, headers={"Upgrade": "websocket"}) from None
        started, session = time.monotonic(), Session(core, ws, chat)
        try:
            session.run()
        except Refused as refused:
            _send(ws, Error(code=refused.error.code, message=refused.error.message))
            ws.close(refused.close, refused.error.code)
        except Closed:
            pass
        except Exception:
            log.exception("websocket chat failed")
            ws.close(1011, "internal error")
        ws.close()
        ws.shutdown()
        # gunicorn's access log has no line for a connection it didn't answer: this is it.
        log.info("websocket %s closed %s %r after %d turns in %.1f s", request.path,
                 ws.closed.code, ws.closed.reason, session.turns,
                 time.monotonic() - started)
    finally:
        slots.give_back()
    return Upgraded()


def _send(ws: WebSocket, event) -> None:
    try:
        ws.send(json.dumps(wire(event), ensure_ascii=False))
    except Closed:
        pass


class Session:
    """One connection's chat, after the upgrade: the gates of /stream for each turn, in
    order (soft pause, the channel's rate limit, the daily cap, the body)."""

    def __init__(self, core: Core, ws: WebSocket, chat: SocketChat):
        self.core, self.ws, self.chat, self.settings = core, ws, chat, core.settings
        self.turns = 0
        self.heard: deque = deque(maxlen=self.settings.websocket_frames_per_minute)

    def run(self) -> None:
        self.authenticate()
        while True:
            text = self.ws.receive(self.settings.websocket_idle_timeout)
            if text is None:
                self.ws.close(NORMAL, "idle")
                return
            self.count_frame()
            try:
                frame = read_frame(text)
                kind = frame.get("type")
                if kind == "message":
                    self.turn(frame)
                elif kind == "ping":
                    self.ws.send('{"type": "pong"}')
                else:
                    raise bad_request(INVALID_FRAME, "A frame's type is message or ping "
                                      "(auth comes once, first).")
            except BridgeError as exc:
                _send(self.ws, Error(code=exc.code, message=exc.message))

    def authenticate(self) -> None:
        text = self.ws.receive(AUTH_WAIT)
        if text is None:
            raise Refused(BAD_AUTH, bad_auth("No auth frame came in time."))
        self.count_frame()
        try:
            frame = read_frame(text)
            if frame.get("type") != "auth":
                raise bad_auth("The first frame must be {\"type\": \"auth\", ...}.")
            ready = self.chat.identify(frame)
            not_paused(self.settings)
        except BridgeError as exc:
            raise Refused(TRY_LATER if exc.status == 503 else BAD_AUTH, exc) from None
        self.ws.send(json.dumps({"type": "ready", **ready}))

    def count_frame(self) -> None:
        """This connection's frames: at most websocket_frames_per_minute in any minute."""
        now = time.monotonic()
        heard = self.heard
        if len(heard) == heard.maxlen and now - heard[0] < 60:
            raise Refused(LIMITED, BridgeError(RATE_LIMITED, "Too many frames on this "
                          "connection. Please slow down and reconnect.", 429))
        heard.append(now)

    def turn(self, frame: dict) -> None:
        not_paused(self.settings)
        self.turns += 1
        if self.turns > self.settings.websocket_max_turns:
            raise Refused(LIMITED, BridgeError(RATE_LIMITED, "This connection has carried "
                          "all the turns it may. Please reconnect.", 429))
        self.chat.hit()
        under_daily_cap(self.core)
        turn = self.chat.turn({key: value for key, value in frame.items() if key != "type"})
        for event in live(self.core.agent.run(turn)):
            if event is None:
                self.ws.ping()
            else:
                self.ws.send(json.dumps(wire(event), ensure_ascii=False))


def hit(core: Core, limit: str, key: str, scope: str) -> None:
    """One hit in the flask-limiter bucket ``scope`` for ``key`` (the one the channel's HTTP
    routes count in, ``Limiter.shared_limit``); ``Refused`` 4029 past ``limit``."""
    from limits import parse

    item, extension = parse(limit), core.limiter
    try:
        allowed = extension.limiter.hit(item, key, scope)
    except Exception:  # the storage is down: count in memory, as flask-limiter does
        log.warning("rate limit storage unreachable; counting in memory")
        allowed = extension._fallback_limiter.hit(item, key, scope)
    if not allowed:
        raise Refused(LIMITED, BridgeError(
            RATE_LIMITED, "Too many requests. Please wait a moment and try again.", 429))


def read_frame(text) -> dict:
    if isinstance(text, bytes):
        raise bad_request(INVALID_FRAME, "Frames are JSON text, not binary.")
    try:
        frame = json.loads(text)
    except ValueError:
        raise bad_request(INVALID_FRAME, "A frame must be a JSON object.") from None
    if not isinstance(frame, dict):
        raise bad_request(INVALID_FRAME, "A frame must be a JSON object.")
    return frame


def text_field(frame: dict, name: str, longest: int = 4096) -> str | None:
    value = frame.get(name)
    return value if isinstance(value, str) and len(value) <= longest else None


def bad_auth(message: str) -> BridgeError:
    return BridgeError(INVALID_AUTH, message, 401)
