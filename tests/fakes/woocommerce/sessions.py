"""Store API sessions: Cart-Token (an HS256 JWT signed with the fake's secret), the anonymous
Nonce, and the ``wp_woocommerce_session_<md5(site URL)>`` cookie of cookie mode.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets

from .cart import Cart

TOKEN_LIFETIME = 172800  # 48 h, as the recorded tokens' exp - iat
NONCE_TICK = 43200  # WordPress nonces change every 12 h and stay valid for two ticks


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Sessions:
    """Carts by session id (``t_`` + 30 hex), and the tokens, nonces and cookies naming them."""

    def __init__(self, secret: bytes, site_url: str):
        self.secret = secret
        self.carts: dict[str, Cart] = {}
        self.cookie_name = "wp_woocommerce_session_" + hashlib.md5(site_url.encode()).hexdigest()

    @staticmethod
    def new_id() -> str:
        return "t_" + secrets.token_hex(15)

    def token(self, user_id: str, now: float) -> str:
        head = _b64(b'{"alg":"HS256","typ":"JWT"}')
        body = _b64(json.dumps({"user_id": user_id, "exp": int(now) + TOKEN_LIFETIME,
                                "iss": "store-api", "iat": int(now)},
                               separators=(",", ":")).encode())
        mac = hmac.new(self.secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(mac)}"

    def read_token(self, token: str, now: float) -> str | None:
        """The session a token names, or None for a forged, expired or garbage token."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        mac = hmac.new(self.secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(_b64(mac), parts[2]):
            return None
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        if payload.get("iss") != "store-api" or payload.get("exp", 0) < now:
            return None
        return payload.get("user_id")

    def nonce(self, now: float, tick_offset: int = 0) -> str:
        """wp_create_nonce('wc_store_api') for user 0: the same for every anonymous shopper."""
        tick = math.ceil(now / NONCE_TICK) - tick_offset
        digest = hmac.new(self.secret, f"{tick}|wc_store_api|0".encode(), hashlib.md5)
        return digest.hexdigest()[-12:-2]

    def nonce_ok(self, value: str, now: float) -> bool:
        return any(hmac.compare_digest(value, self.nonce(now, back)) for back in (0, 1))

    def cookie(self, user_id: str, now: float) -> str:
        expires = int(now) + TOKEN_LIFETIME
        mac = hmac.new(self.secret, f"{user_id}|{expires}".encode(), hashlib.md5).hexdigest()
        return f"{user_id}||{expires}||{expires - 3600}||{mac}"

    def read_cookie(self, value: str, now: float) -> str | None:
        parts = value.split("||")
        if len(parts) != 4 or not parts[1].isdigit() or int(parts[1]) < now:
            return None
        mac = hmac.new(self.secret, f"{parts[0]}|{parts[1]}".encode(), hashlib.md5).hexdigest()
        return parts[0] if hmac.compare_digest(mac, parts[3]) else None
