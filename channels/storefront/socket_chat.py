"""The chat over a WebSocket (GET /ws, upgraded): the turns of /stream, each of the turn's
events one JSON text frame (``wire``, as /stream's ``data:``), many turns on one connection.

The client's frames, JSON objects: first ``auth`` (within ``AUTH_WAIT``): a storefront
``nonce``, or a signed ``context`` and ``signature`` over ``GET <this path>`` and an empty
body, or nothing, with the same proof in the upgrade's headers (server clients); then
``message`` (a /stream body: messages, conversation_ref...) and ``ping``. The server's:
``ready``, the turns' events, ``pong``, ``error``. A bad frame gets an ``error`` frame and
the connection stays; the gates close it: 4001 bad auth, 4029 a rate limit (the storefront's
per client, shared with /stream, or this connection's frames and turns), 1009 a message too
big, 1013 paused or no room. Turns run one after another, in the order they came.
"""
from __future__ import annotations

import json
import logging
import time
from collections import deque

from flask import Response, current_app, g, request
from limits import parse as parse_limit

from bridge.agent.events import Error, wire
from bridge.core import Core, current_core
from bridge.errors import (INVALID_AUTH, INVALID_FRAME, RATE_LIMITED, WEBSOCKET_BUSY,
                           WEBSOCKET_ONLY, BridgeError, bad_request)
from bridge.gates import (Identity, not_paused, raw_path, shopper, storefront_identity,
                          under_daily_cap)
from bridge.ratelimit import storefront_limit
from bridge.security import check_nonce, read_context
from bridge.websocket import (NORMAL, TRY_LATER, Closed, NotUpgradable, Slots, WebSocket,
                              accept, worker_cap)

from .owner import client
from .render import live
from .views import _cart_ref, _turn

log = logging.getLogger(__name__)

BAD_AUTH, UNKNOWN_USER, LIMITED = 4001, 4004, 4029
AUTH_WAIT = 10.0  # seconds for the auth frame
PING_EVERY = 20.0  # quiet seconds before a ping (proxies drop idle connections at 60 s)
SILENCE = 60.0  # seconds without a byte, not even a pong, before the client counts as gone
ID_MAX = 200
SLOTS = "fahad_websocket_slots"


class Refused(Exception):
    """End the connection: an error frame, then a close with ``close``."""

    def __init__(self, close: int, error: BridgeError):
        super().__init__(error.message)
        self.close, self.error = close, error


class Upgraded(Response):
    """What the view returns once its WebSocket is over: gunicorn's workers close a
    connection whose app raises StopIteration, and write nothing more to it."""

    def __call__(self, environ, start_response):
        raise StopIteration


def websocket():
    core = current_core()
    settings = core.settings
    slots = current_app.extensions.get(SLOTS)
    if slots is None:
        cap = worker_cap()
        slots = current_app.extensions.setdefault(SLOTS, Slots(
            min(settings.websocket_connections, cap) if cap else settings.websocket_connections))
    if not slots.take():
        raise BridgeError(WEBSOCKET_BUSY, "The chat has no room for another connection just "
                          "now. Please try again shortly.", 503, headers={"Retry-After": "5"})
    try:
        try:
            ws = accept(request.environ, settings.websocket_max_message, PING_EVERY, SILENCE)
        except NotUpgradable as exc:
            raise BridgeError(WEBSOCKET_ONLY, f"This route takes a WebSocket upgrade: {exc}",
                              426, headers={"Upgrade": "websocket"}) from None
        try:
            Session(core, ws).run()
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
    finally:
        slots.give_back()
    return Upgraded()


def _send(ws: WebSocket, event) -> None:
    try:
        ws.send(json.dumps(wire(event) if not isinstance(event, dict) else event,
                           ensure_ascii=False))
    except Closed:
        pass


class Session:
    """One connection's chat, after the upgrade."""

    def __init__(self, core: Core, ws: WebSocket):
        self.core, self.ws, self.settings = core, ws, core.settings
        self.cart: str | None = None
        self.client: str | None = None
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
                frame = _frame(text)
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

    # -- the gates, as /stream's: auth, soft pause, rate limit, daily cap --------------

    def authenticate(self) -> None:
        text = self.ws.receive(AUTH_WAIT)
        if text is None:
            raise Refused(BAD_AUTH, _bad_auth("No auth frame came in time."))
        self.count_frame()
        try:
            frame = _frame(text)
            if frame.get("type") != "auth":
                raise _bad_auth("The first frame must be {\"type\": \"auth\", ...}.")
            g.identity = self.identify(frame)
        except BridgeError as exc:
            raise Refused(BAD_AUTH, exc) from None
        self._paused(close=True)
        cart, client_id = _id(frame, "cart"), _id(frame, "client")
        self.cart, new_cart = _cart_ref(cart)
        _, issued = client(client_id)
        self.client = issued or client_id
        ready = {"type": "ready"}
        if new_cart:
            ready["cart"] = self.cart
        if issued:
            ready["client"] = issued
        self.ws.send(json.dumps(ready))

    def identify(self, frame: dict) -> Identity:
        """Who the auth frame proves; with no proof in it, the upgrade's headers (a nonce or
        a signed context over GET and this path, as the storefront routes take them)."""
        settings = self.settings
        ip = request.remote_addr or "unknown"
        if "context" in frame or "signature" in frame:
            return shopper(read_context(settings.bridge_secret, _text(frame, "context"),
                                        _text(frame, "signature"), "GET", raw_path(), b""))
        if "nonce" in frame:
            check_nonce(settings.bridge_secret, _text(frame, "nonce"), settings.nonce_ttl)
            return Identity(via="nonce", ip=ip)
        return storefront_identity(settings)

    def _paused(self, close: bool = False) -> None:
        try:
            not_paused(self.settings)
        except BridgeError as exc:
            if close:
                raise Refused(TRY_LATER, exc) from None
            raise

    def count_frame(self) -> None:
        """This connection's frames: at most websocket_frames_per_minute in any minute."""
        now = time.monotonic()
        heard = self.heard
        if len(heard) == heard.maxlen and now - heard[0] < 60:
            raise Refused(LIMITED, BridgeError(RATE_LIMITED, "Too many frames on this "
                          "connection. Please slow down and reconnect.", 429))
        heard.append(now)

    def hit_rate_limit(self) -> None:
        """One hit in the storefront's bucket for this client, the one /stream counts in."""
        item = parse_limit(storefront_limit(self.settings)())
        key = g.identity.client_key
        extension = self.core.limiter
        try:
            allowed = extension.limiter.hit(item, key, "storefront")
        except Exception:  # the storage is down: count in memory, as flask-limiter does
            log.warning("rate limit storage unreachable; counting in memory")
            allowed = extension._fallback_limiter.hit(item, key, "storefront")
        if not allowed:
            raise Refused(LIMITED, BridgeError(
                RATE_LIMITED, "Too many requests. Please wait a moment and try again.", 429))

    # -- a turn ---------------------------------------------------------------------

    def turn(self, frame: dict) -> None:
        self._paused()
        self.turns += 1
        if self.turns > self.settings.websocket_max_turns:
            raise Refused(LIMITED, BridgeError(RATE_LIMITED, "This connection has carried "
                          "all the turns it may. Please reconnect.", 429))
        self.hit_rate_limit()
        under_daily_cap(self.core)
        body = {key: value for key, value in frame.items() if key != "type"}
        request_, _, _, _ = _turn(body, self.cart, self.client)
        for event in live(self.core.agent.run(request_)):
            if event is None:
                self.ws.ping()
            else:
                self.ws.send(json.dumps(wire(event), ensure_ascii=False))


def _frame(text) -> dict:
    if isinstance(text, bytes):
        raise bad_request(INVALID_FRAME, "Frames are JSON text, not binary.")
    try:
        frame = json.loads(text)
    except ValueError:
        raise bad_request(INVALID_FRAME, "A frame must be a JSON object.") from None
    if not isinstance(frame, dict):
        raise bad_request(INVALID_FRAME, "A frame must be a JSON object.")
    return frame


def _text(frame: dict, name: str) -> str | None:
    value = frame.get(name)
    return value if isinstance(value, str) and len(value) <= 4096 else None


def _id(frame: dict, name: str) -> str | None:
    value = frame.get(name)
    return value if isinstance(value, str) and len(value) <= ID_MAX else None


def _bad_auth(message: str) -> BridgeError:
    return BridgeError(INVALID_AUTH, message, 401)
