"""The gates in contract order: nonce or signed context (403), soft pause (503), rate limit
(429), daily cap (503). Each refuses by raising ``BridgeError``; ``guard`` composes them.
Webhooks have their own: WooCommerce's signature, and WhatsApp's verify token and signature.

The rate limit is one flask-limiter fixed-window bucket per client shared by the storefront
routes, keyed ``u<uid>`` for a signed-in shopper and the client IP otherwise; with its
storage unreachable it is counted in process memory (``make_limiter``).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import wraps
from urllib.parse import quote

from flask import Flask, current_app, g, request
from flask_limiter import Limiter

from .errors import DAILY_CAP, DISABLED, FORBIDDEN, INVALID_SIGNATURE, BridgeError
from .routes import STOREFRONT_GATES, Gate, Route
from .security import Context, check_nonce, read_context
from .settings import Settings, current_settings
from .store.base import Store
from .usage import cap_reached


@dataclass(frozen=True)
class Identity:
    """Who is asking, as proven by a nonce (standalone) or a signed context (WordPress)."""

    via: str  # "nonce" or "context"
    ip: str
    uid: int = 0
    caps: tuple[str, ...] = ()
    cart_token: str | None = None
    rate_limit: tuple[int, int] | None = None

    @property
    def client_key(self) -> str:
        return f"u{self.uid}" if self.uid > 0 else self.ip


def raw_path() -> str:
    """The path and query exactly as the client sent them (what the context signs)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return raw
    query = request.query_string.decode("latin-1")
    return quote(request.script_root + request.path) + ("?" + query if query else "")


def signed_context(settings: Settings) -> Context | None:
    """The request's verified context; None when it carries none; 403 when it is bad."""
    value = request.headers.get("X-Fahad-Context")
    if value is None:
        return None
    return read_context(settings.bridge_secret, value, request.headers.get("X-Fahad-Signature"),
                        request.method, raw_path(), request.get_data(cache=True))


def storefront_identity(settings: Settings) -> Identity:
    context = signed_context(settings)
    if context is not None:
        # WordPress checked its own wp_rest nonce before forwarding.
        return Identity(via="context", ip=context.ip, uid=context.uid, caps=context.caps,
                        cart_token=context.cart_token, rate_limit=context.rate_limit)
    check_nonce(settings.bridge_secret, request.headers.get("X-WP-Nonce"), settings.nonce_ttl)
    return Identity(via="nonce", ip=request.remote_addr or "unknown")


def not_paused(settings: Settings) -> None:
    if settings.paused:
        raise BridgeError(DISABLED, "The shopping assistant is paused. Please try again later.",
                          503)


def under_daily_cap(settings: Settings) -> None:
    if settings.daily_cap and cap_reached(settings.daily_cap):
        raise BridgeError(DAILY_CAP, "The assistant has answered all it can today. "
                          "Please try again tomorrow.", 503)


def store_webhook(settings: Settings, store: Store) -> bool:
    """Admit a WooCommerce webhook delivery: signed with the webhook secret (base64
    HMAC-SHA256 of the raw body, constant-time compare), or the unsigned creation ping.

    :return: True for the ping, which carries nothing to process.
    :raise 403: webhooks not configured (or the shop lives in this process), or the
        signature missing or wrong.
    """
    if store.local is not None or not settings.wc_webhook_secret:
        raise BridgeError("fahad_ai_webhooks_disabled",
                          "WooCommerce webhooks are not configured on this bridge.", 403)
    body = request.get_data(cache=True)
    signature = request.headers.get("X-WC-Webhook-Signature")
    if signature is None and re.fullmatch(rb"webhook_id=\d+", body.strip()):
        return True
    expected = base64.b64encode(
        hmac.new(settings.wc_webhook_secret.encode(), body, hashlib.sha256).digest())
    if not signature or not hmac.compare_digest(expected, signature.strip().encode()):
        raise BridgeError(INVALID_SIGNATURE, "The webhook signature does not match.", 403)
    return False


MANAGE = "manage_woocommerce"


def admin_identity(settings: Settings) -> Identity:
    """A store manager: a signed context with manage_woocommerce, or (standalone) the admin
    token as a Bearer header. Anything else is 403 before any handler runs."""
    context = signed_context(settings)
    if context is not None:
        if MANAGE not in context.caps:
            raise BridgeError(FORBIDDEN, "This needs a store manager (manage_woocommerce).", 403)
        return Identity(via="context", ip=context.ip, uid=context.uid, caps=context.caps)
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    if settings.admin_token and token and hmac.compare_digest(
            token.encode(), settings.admin_token.encode()):
        return Identity(via="token", ip=request.remote_addr or "unknown", caps=(MANAGE,))
    raise BridgeError(FORBIDDEN, "This needs a store manager: sign in to WordPress, or send "
                      "the bridge's admin token.", 403)


def whatsapp_handshake(settings: Settings) -> str:
    """Meta's subscription handshake: the challenge when the verify token matches.

    :raise 403: WhatsApp not configured, wrong mode, or a token that doesn't match.
    """
    token = request.args.get("hub.verify_token", "")
    challenge = request.args.get("hub.challenge", "")
    expected = settings.whatsapp_verify_token
    if not (settings.whatsapp_enabled and request.args.get("hub.mode") == "subscribe"
            and challenge and hmac.compare_digest(expected.encode(), token.encode())):
        raise BridgeError(FORBIDDEN, "The verify token does not match.", 403)
    return challenge


def whatsapp_signature(settings: Settings) -> None:
    """Admit a Meta delivery only when X-Hub-Signature-256 is ``sha256=`` + the hex
    HMAC-SHA256 of the raw body with the app secret (constant-time compare).

    :raise 403: WhatsApp not configured, or the signature missing or wrong.
    """
    if not settings.whatsapp_enabled:
        raise BridgeError(FORBIDDEN, "WhatsApp is not configured on this bridge.", 403)
    header = request.headers.get("X-Hub-Signature-256", "")
    expected = "sha256=" + hmac.new(settings.whatsapp_app_secret.encode(),
                                    request.get_data(cache=True), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), header.strip().lower().encode()):
        raise BridgeError(INVALID_SIGNATURE, "The webhook signature does not match.", 403)


def agent_identity(settings: Settings) -> Identity:
    """An agent is anonymous: keyed by its IP, which the plugin vouches for when it forwards
    (WordPress's own address would otherwise put every agent in one bucket)."""
    context = signed_context(settings)
    if context is not None:
        return Identity(via="context", ip=context.ip)
    return Identity(via="direct", ip=request.remote_addr or "unknown")


def _limit_value() -> str:
    limit, window = g.identity.rate_limit or (current_settings().rate_limit,
                                              current_settings().rate_window)
    return f"{limit} per {window} second"


def _agent_limit_value() -> str:
    settings = current_settings()
    return f"{settings.agent_rate_limit} per {settings.agent_rate_window} second"


def _ip_key() -> str:
    return g.identity.ip


def _client_key() -> str:
    return g.identity.client_key


# Seconds to connect to the rate limit's Redis and to wait for an answer: a hit is one
# round trip on a LAN, so past this Redis counts as unreachable and the fallback answers
# (a timeout in the URI, e.g. ?socket_timeout=5, wins).
REDIS_TIMEOUT = 1.0


def make_limiter(app: Flask, settings: Settings) -> Limiter:
    """flask-limiter on the configured storage. When that storage is unreachable the limits
    are counted in this process's memory, with flask-limiter's warning in the log, until it
    answers again: every gate and header stays, each worker counting on its own."""
    uri = settings.ratelimit_storage
    options = {}
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        options = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
    app.config.update(RATELIMIT_STORAGE_URI=uri, RATELIMIT_STORAGE_OPTIONS=options,
                      RATELIMIT_STRATEGY="fixed-window", RATELIMIT_HEADERS_ENABLED=True,
                      RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True)
    return Limiter(key_func=_client_key, app=app)


def guard(app: Flask, route: Route, view):
    """Wrap a view in its route's gate, in the contract's order.

    Wrappers keep the view's name: flask-limiter files a decorated limit under the name of
    the function it wraps, and one name per route keeps one bucket hit per request.
    """
    inner = view
    if route.gate is Gate.STOREFRONT_BILLABLE:
        @wraps(view)
        def capped(**kwargs):
            under_daily_cap(current_settings())
            return view(**kwargs)
        inner = capped
    limiter: Limiter = app.extensions["fahad"].limiter
    if route.gate in STOREFRONT_GATES:
        inner = limiter.shared_limit(_limit_value, scope="storefront",
                                     key_func=_client_key)(inner)
    elif route.gate is Gate.AGENT:
        inner = limiter.shared_limit(_agent_limit_value, scope="agent", key_func=_ip_key)(inner)

    @wraps(view)
    def gated(**kwargs):
        settings = current_settings()
        request.max_content_length = route.max_body
        if route.gate in STOREFRONT_GATES:
            g.identity = storefront_identity(settings)
            not_paused(settings)
        elif route.gate is Gate.STORE_WEBHOOK:
            g.webhook_ping = store_webhook(settings, app.extensions["fahad"].store)
        elif route.gate is Gate.AGENT:
            g.identity = agent_identity(settings)
        elif route.gate is Gate.ADMIN:
            g.identity = admin_identity(settings)
        elif route.gate is Gate.WHATSAPP:
            # The soft pause, the per-phone rate limit and the daily cap apply to each
            # message in its job: Meta must get its 200 or it retries for days.
            if request.method == "GET":
                g.challenge = whatsapp_handshake(settings)
            else:
                whatsapp_signature(settings)
        return inner(**kwargs)

    return gated
