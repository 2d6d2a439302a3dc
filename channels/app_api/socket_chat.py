"""The apps' chat over a WebSocket (GET /app/ws; bridge/chat_socket.py runs it): a server
with an API key, for one of its users, with the turns of /app/stream, counted in the key's
own rate limit (the bucket of every /app/* route).

The key comes as ``Authorization: Bearer sk_...`` on the upgrade or as ``key`` in the auth
frame, never in the URL; the user as ``X-App-User`` or ``user``; the cart as
``X-Cart-Token``/``X-Fahad-Cart`` or ``cart``. A request with an ``Origin`` header (a
browser) is refused whatever it carries. Closes: 4001 no key, an unknown or revoked one, one
without the ``chat`` scope, or a browser; 4004 no user, or one that isn't a user id.
"""
from __future__ import annotations

from flask import g, request

from bridge import chat_socket
from bridge.agent.core import TurnRequest
from bridge.apikeys import authenticate, bearer, check_app_user, require_scope
from bridge.core import current_core
from bridge.errors import BROWSER_KEY, INVALID_API_KEY, BridgeError
from bridge.gates import Identity
from bridge.ratelimit import api_key_limit, key_key

from .owner import APP_USER_HEADER, cart
from .views import _turn

UNKNOWN_USER = "fahad_ai_unknown_app_user"
CART_MAX = 4096


class AppChat:
    def __init__(self):
        self.core = current_core()
        self.user: str | None = None
        self.cart: str | None = None

    def identify(self, frame: dict) -> dict:
        if request.headers.get("Origin") is not None:
            raise BridgeError(BROWSER_KEY, "API keys are for servers only; this connection "
                              "came from a browser (it has an Origin header).", 403)
        raw = chat_socket.text_field(frame, "key", 64) or bearer(
            request.headers.get("Authorization"))
        principal = authenticate(raw, self.core.sessions) if raw else None
        if principal is None:
            raise BridgeError(INVALID_API_KEY, "Missing, unknown or revoked API key: send it "
                              "in the auth frame's key or as Authorization: Bearer.", 401)
        require_scope(principal, "chat")
        try:
            self.user = check_app_user(frame.get("user") or request.headers.get(APP_USER_HEADER))
        except BridgeError as exc:
            raise chat_socket.Refused(chat_socket.UNKNOWN_USER, BridgeError(
                UNKNOWN_USER, f"Name the app's user in the auth frame's user (or "
                f"{APP_USER_HEADER}): {exc.message}", 400)) from None
        g.principal = principal
        g.identity = Identity(via="api_key", ip=request.remote_addr or "unknown")
        self.cart, _, issued = cart(principal, chat_socket.text_field(frame, "cart", CART_MAX))
        return {"cart": issued} if issued else {}

    def hit(self) -> None:
        chat_socket.hit(self.core, api_key_limit(), key_key(), "api-key")

    def turn(self, body: dict) -> TurnRequest:
        return _turn(body, self.user, self.cart)[0]


def websocket():
    return chat_socket.serve(current_core(), AppChat())
