"""The storefront's chat over a WebSocket (GET /ws; bridge/chat_socket.py runs it): the
shopper proves who they are with the auth frame, as /stream's headers would, and each turn
is /stream's (``views._turn``), counted in the same storefront bucket.

The auth frame: the plugin's stream ``token`` with the page's ``nonce``, from an origin in
storefront_origins (what the widget streams /stream with, bridge/stream_token.py); or a
storefront ``nonce`` alone (standalone); or a signed ``context`` and ``signature`` over
``GET <this path>`` and an empty body (what the plugin signs for a GET); or none of these,
with the same proof in the upgrade's headers (server clients). ``cart`` and ``client`` name
the ids the bridge issued before; ``ready`` names those it issues now.
"""
from __future__ import annotations

from flask import g, request

from bridge import chat_socket, stream_token
from bridge.agent.core import TurnRequest
from bridge.core import current_core
from bridge.gates import Identity, raw_path, shopper_identity, storefront_identity
from bridge.ratelimit import storefront_limit
from bridge.security import check_nonce, read_context

from .owner import client
from .views import _cart_ref, _turn

ID_MAX = 200


class StorefrontChat:
    def __init__(self):
        self.core = current_core()
        self.cart: str | None = None
        self.client: str | None = None

    def identify(self, frame: dict) -> dict:
        g.identity = self._identity(frame)
        self.cart, new_cart = _cart_ref(chat_socket.text_field(frame, "cart", ID_MAX))
        given = chat_socket.text_field(frame, "client", ID_MAX)
        _, issued = client(given)
        self.client = issued or given
        return {**({"cart": self.cart} if new_cart else {}),
                **({"client": issued} if issued else {})}

    def _identity(self, frame: dict) -> Identity:
        settings = self.core.settings
        ip = request.remote_addr or "unknown"
        if "token" in frame:  # a WordPress page's: the turns /stream would take it for
            return shopper_identity(stream_token.read(
                settings.bridge_secret, chat_socket.text_field(frame, "token") or "",
                chat_socket.text_field(frame, "nonce"), request.headers.get("Origin"),
                settings.storefront_origins, ip), "stream-token")
        if "context" in frame or "signature" in frame:
            return shopper_identity(read_context(
                settings.bridge_secret, chat_socket.text_field(frame, "context"),
                chat_socket.text_field(frame, "signature"), "GET", raw_path(), b""))
        if "nonce" in frame:
            check_nonce(settings.bridge_secret, chat_socket.text_field(frame, "nonce"),
                        settings.nonce_ttl)
            return Identity(via="nonce", ip=ip)
        return storefront_identity(settings)

    def hit(self) -> None:
        chat_socket.hit(self.core, storefront_limit(self.core.settings)(),
                        g.identity.client_key, "storefront")

    def turn(self, body: dict) -> TurnRequest:
        return _turn(body, self.cart, self.client)[0]


def websocket():
    return chat_socket.serve(current_core(), StorefrontChat())
