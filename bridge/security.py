"""Proof of who is asking: standalone nonces, the WordPress plugin's signed context, and the
signatures of the webhooks others send.

``issue_nonce``/``check_nonce``: time-limited ``wp_rest``-style nonces (itsdangerous).
``sign_context``/``read_context``: the X-Fahad-Context headers of CONTRACT.md, HMAC-SHA256
compared in constant time, ``iat`` within 300 s. ``same_secret``, ``woocommerce_signed`` and
``meta_signed``: pure checks the channels' gates run on a delivery. ``issue_cart_id`` and
``check_cart_id``: standalone cart ids.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer

from .errors import INVALID_NONCE, INVALID_SIGNATURE, BridgeError

# How far a context's iat may be from now, either way (CONTRACT.md).
CONTEXT_MAX_SKEW = 300
_NONCE_SALT = "fahad-ai wp_rest"
_CLIENT = re.compile(r"[A-Za-z0-9_-]{22,64}")
_CART_SALT = "fahad-ai cart"


@dataclass(frozen=True)
class Context:
    """What WordPress vouches for: the shopper, their capabilities, IP and cart token."""

    uid: int
    caps: tuple[str, ...]
    ip: str
    iat: int
    cart_token: str | None = None
    rate_limit: tuple[int, int] | None = None  # (limit, window) from WordPress's filters
    client: str | None = None  # the plugin's random chat client id of a guest (its cookie)
    cart_id: str | None = None  # a stream token's demo-store cart id (the plugin's cookie)


def issue_nonce(secret: str) -> str:
    return URLSafeTimedSerializer(secret, salt=_NONCE_SALT).dumps(secrets.token_hex(8))


def check_nonce(secret: str, nonce: str | None, max_age: int) -> None:
    """Refuse a missing, forged or expired nonce with 403 fahad_ai_invalid_nonce."""
    if not nonce:
        raise BridgeError(INVALID_NONCE, "Missing nonce. Reload the page and try again.", 403)
    try:
        URLSafeTimedSerializer(secret, salt=_NONCE_SALT).loads(nonce, max_age=max_age)
    except BadSignature:
        raise BridgeError(INVALID_NONCE, "Cookie check failed: the nonce is invalid or has "
                          "expired. Reload the page and try again.", 403) from None


def signing_input(context_value: str, method: str, path: str, body: bytes) -> bytes:
    body_hash = hashlib.sha256(body).hexdigest()
    return f"{context_value}\n{method.upper()}\n{path}\n{body_hash}".encode()


def sign_context(secret: str, payload: dict, method: str, path: str, body: bytes) -> tuple[str, str]:
    """The two headers the plugin sends: (X-Fahad-Context, X-Fahad-Signature)."""
    value = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    value = value.decode().rstrip("=")
    digest = hmac.new(secret.encode(), signing_input(value, method, path, body), hashlib.sha256)
    return value, "v1=" + digest.hexdigest()


def _refuse(message: str) -> BridgeError:
    return BridgeError(INVALID_SIGNATURE, message, 403)


def read_context(secret: str, value: str, signature: str | None, method: str, path: str,
                 body: bytes, now: float | None = None) -> Context:
    """Verify and decode a signed context; anything wrong is a 403."""
    if not signature or not signature.startswith("v1="):
        raise _refuse("Missing or malformed context signature.")
    expected = hmac.new(secret.encode(), signing_input(value, method, path, body),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature[3:].strip().lower().encode()):
        raise _refuse("The context signature does not match.")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        raise _refuse("The signed context is not base64url JSON.") from None
    if not isinstance(data, dict):
        raise _refuse("The signed context must be a JSON object.")
    context = _parse(data)
    now = time.time() if now is None else now
    if abs(now - context.iat) > CONTEXT_MAX_SKEW:
        raise _refuse("The signed context is stale; check the clocks of WordPress and the bridge.")
    return context


def _parse(data: dict) -> Context:
    ip, iat = data.get("ip"), data.get("iat")
    if not _is_int(iat):
        raise _refuse("The signed context's iat must be a unix time.")
    try:
        ip = str(ipaddress.ip_address(ip))
    except ValueError:
        raise _refuse("The signed context's ip is not an IP address.") from None
    return Context(ip=ip, iat=iat, **shopper_fields(data, _refuse))


def shopper_fields(data: dict, refuse) -> dict:
    """uid, caps, cart_token, rate_limit and client of a context (or a stream token), each
    checked; ``refuse(message)`` makes the error to raise."""
    uid, caps = data.get("uid"), data.get("caps", [])
    if not _is_int(uid) or uid < 0:
        raise refuse("The signed context's uid must be a non-negative integer.")
    if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
        raise refuse("The signed context's caps must be a list of strings.")
    cart_token = data.get("cart_token")
    if cart_token is not None and (not isinstance(cart_token, str) or len(cart_token) > 4096):
        raise refuse("The signed context's cart_token must be a string.")
    rate_limit = data.get("rate_limit")
    if rate_limit is not None:
        limit = rate_limit.get("limit") if isinstance(rate_limit, dict) else None
        window = rate_limit.get("window") if isinstance(rate_limit, dict) else None
        if not (_is_int(limit) and _is_int(window) and limit >= 1 and window >= 1):
            raise refuse("The signed context's rate_limit needs a positive limit and window.")
        rate_limit = (limit, window)
    client = data.get("client")
    if client is not None and not (isinstance(client, str) and _CLIENT.fullmatch(client)):
        raise refuse("The signed context's client must be 22 to 64 of [A-Za-z0-9_-].")
    return dict(uid=uid, caps=tuple(caps), cart_token=cart_token or None,
                rate_limit=rate_limit, client=client)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def same_secret(expected: str, given: str) -> bool:
    """Whether ``given`` is the configured secret or token (constant-time; empty never is)."""
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def woocommerce_signed(secret: str, body: bytes, signature: str | None) -> bool:
    """WooCommerce's X-WC-Webhook-Signature: base64 HMAC-SHA256 of the raw body."""
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return bool(signature) and hmac.compare_digest(expected, signature.strip().encode())


def meta_signed(secret: str, body: bytes, header: str) -> bool:
    """Meta's X-Hub-Signature-256: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().lower().encode())


def issue_cart_id(secret: str) -> str:
    """A new standalone cart id, signed so only ids this bridge issued are accepted."""
    return Signer(secret, salt=_CART_SALT).sign(secrets.token_urlsafe(16)).decode()


def check_cart_id(secret: str, value: str | None) -> str | None:
    """The cart id if this bridge issued it, else None."""
    if not value or len(value) > 200:
        return None
    try:
        Signer(secret, salt=_CART_SALT).unsign(value)
    except BadSignature:
        return None
    return value
