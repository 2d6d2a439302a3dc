"""The stream token: what lets the widget stream a turn straight from the bridge, without a
trip through WordPress (docs/wordpress-plugin.md, "Streaming straight from the bridge").

The plugin mints it when it renders a page (and again with each answer it relays): the
shopper's part of the signed context (uid, caps, client, cart token, rate limit) plus the
store's origin, a hash of the page's wp_rest nonce and an expiry, signed like a context
(``security.signing_input``) with the method ``TOKEN``, so neither can stand in for the
other. ``v1.<base64url JSON>.<hex HMAC-SHA256>``; only ``POST /stream`` takes it, and the
WebSocket's auth frame, which carries /stream's turns (channels/storefront/socket_chat.py).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time

from .errors import INVALID_TOKEN, ORIGIN_REFUSED, BridgeError
from .routes import NAMESPACE
from .security import Context, _is_int, shopper_fields, signing_input

METHOD = "TOKEN"
PATH = NAMESPACE + "/stream"
# The longest life a token may claim: the plugin gives 10 minutes, and renews it.
MAX_TTL = 3600


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()[:32]


def _signature(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), signing_input(value, METHOD, PATH, b""),
                    hashlib.sha256).hexdigest()


def mint(secret: str, payload: dict, origin: str, nonce: str, ttl: int = 600,
         now: float | None = None) -> str:
    """A token as the plugin mints it (Fahad_AI_Token::mint); for tests and benchmarks."""
    now = time.time() if now is None else now
    data = {**payload, "origin": origin, "nonce": nonce_hash(nonce), "exp": int(now) + ttl}
    value = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
    value = value.decode().rstrip("=")
    return f"v1.{value}.{_signature(secret, value)}"


def _refuse(message: str) -> BridgeError:
    return BridgeError(INVALID_TOKEN, message, 403)


def read(secret: str, token: str, nonce: str | None, origin: str | None,
         allowed_origins: tuple[str, ...], ip: str, now: float | None = None) -> Context:
    """The shopper a valid token vouches for, with the bridge's own view of the client's
    ``ip``. Forged, expired or for another page's nonce: 403 fahad_ai_invalid_token; sent
    from an origin that isn't the token's or isn't allowed: 403 fahad_ai_origin_refused."""
    version, _, rest = token.partition(".")
    value, _, signature = rest.rpartition(".")
    if version != "v1" or not value or not hmac.compare_digest(
            _signature(secret, value).encode(), signature.strip().lower().encode()):
        raise _refuse("The stream token is not valid. Reload the page and try again.")
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        raise _refuse("The stream token is not base64url JSON.") from None
    if not isinstance(data, dict):
        raise _refuse("The stream token must be a JSON object.")
    now = time.time() if now is None else now
    exp = data.get("exp")
    if not _is_int(exp) or exp - now > MAX_TTL:
        raise _refuse("The stream token's exp must be a unix time within the hour.")
    if exp < now:
        raise _refuse("The stream token has expired. Reload the page and try again.")
    bound = data.get("nonce")
    if not isinstance(bound, str) or not nonce or not hmac.compare_digest(
            bound.encode(), nonce_hash(nonce).encode()):
        raise _refuse("The stream token belongs to another page: send that page's nonce.")
    given = (origin or "").strip().lower()
    if not given or given != str(data.get("origin", "")).lower() or given not in allowed_origins:
        raise BridgeError(ORIGIN_REFUSED, "This origin may not stream from the bridge directly.",
                          403)
    cart = data.get("cart")
    if cart is not None and not (isinstance(cart, str) and len(cart) <= 200):
        raise _refuse("The stream token's cart must be a cart id.")
    return Context(ip=ip, iat=int(now), cart_id=cart, **shopper_fields(data, _refuse))
