"""The gates: for each kind of route in the route table, the function that admits a request
before its view, in the contract's order: nonce or signed context (403), soft pause (503),
rate limit (429), daily cap (503). Each refuses by raising ``BridgeError``.

``GATES`` holds the bridge's own; a channel whose deliveries someone else signs (WhatsApp,
WooCommerce's webhooks) hands ``register`` its gate for them. ``guard`` wraps a view in its
route's gate, so a route cannot be served without one.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Callable
from urllib.parse import quote

from flask import Flask, g, request

from . import stream_token
from .apikeys import authenticate, bearer, require_scope
from .errors import (BROWSER_KEY, DAILY_CAP, DISABLED, FORBIDDEN, INVALID_API_KEY,
                     INVALID_SIGNATURE, INVALID_TOKEN, NOT_LOGGED_IN, BridgeError)
from .ratelimit import (agent_limit, api_key_limit, client_key, ip_key, key_key, poll_limit,
                        storefront_limit)
from .routes import API_KEY_GATES, BILLABLE_GATES, ROUTES, STOREFRONT_GATES, Gate, Route
from .security import Context, check_nonce, read_context
from .settings import Settings
from .usage import cap_reached

if TYPE_CHECKING:
    from .core import Core

# A gate function: admits the request (setting ``g.identity`` where there is one) or raises.
GateCheck = Callable[["Core"], None]


@dataclass(frozen=True)
class Identity:
    """Who is asking, as proven by a nonce (standalone) or a signed context (WordPress)."""

    via: str  # "nonce" or "context"
    ip: str
    uid: int = 0
    caps: tuple[str, ...] = ()
    cart_token: str | None = None
    rate_limit: tuple[int, int] | None = None
    client: str | None = None  # a guest's chat client id, as the plugin vouches for it
    cart_id: str | None = None  # the demo store's cart id a stream token carries

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


def shopper_identity(context: Context, via: str = "context") -> Identity:
    """The storefront shopper a verified context (or stream token) names."""
    return Identity(via=via, ip=context.ip, uid=context.uid, caps=context.caps,
                    cart_token=context.cart_token, rate_limit=context.rate_limit,
                    client=context.client, cart_id=context.cart_id)


TOKEN_HEADER = "X-Fahad-Token"


def token_context(settings: Settings) -> Context:
    """A stream token's shopper (bridge.stream_token), keyed by the address the bridge sees;
    /stream only: every other route goes through WordPress."""
    if request.endpoint != "storefront.stream":
        raise BridgeError(INVALID_TOKEN, "A stream token opens /stream only.", 403)
    return stream_token.read(settings.bridge_secret, request.headers[TOKEN_HEADER],
                             request.headers.get("X-WP-Nonce"), request.headers.get("Origin"),
                             settings.storefront_origins, request.remote_addr or "unknown")


def storefront_identity(settings: Settings) -> Identity:
    context = signed_context(settings)
    via = "context"
    if context is None and request.headers.get(TOKEN_HEADER) is not None:
        context, via = token_context(settings), "stream-token"
    if context is not None:
        # WordPress checked its own wp_rest nonce before forwarding (or minting the token).
        return shopper_identity(context, via)
    check_nonce(settings.bridge_secret, request.headers.get("X-WP-Nonce"), settings.nonce_ttl)
    return Identity(via="nonce", ip=request.remote_addr or "unknown")


def not_paused(settings: Settings) -> None:
    if settings.paused:
        raise BridgeError(DISABLED, "The shopping assistant is paused. Please try again later.",
                          503)


def under_daily_cap(core: "Core") -> None:
    cap = core.settings.daily_cap
    if cap:
        with core.sessions() as session:
            reached = cap_reached(cap, session)
        if reached:
            raise BridgeError(DAILY_CAP, "The assistant has answered all it can today. "
                              "Please try again tomorrow.", 503)


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


def agent_identity(settings: Settings) -> Identity:
    """An agent is anonymous: keyed by its IP, which the plugin vouches for when it forwards
    (WordPress's own address would otherwise put every agent in one bucket)."""
    context = signed_context(settings)
    if context is not None:
        return Identity(via="context", ip=context.ip)
    return Identity(via="direct", ip=request.remote_addr or "unknown")


def api_key_identity(core: "Core") -> Identity:
    """A server with an API key (``Authorization: Bearer sk_...``); ``g.principal`` is the
    key's. Sent from a browser (an ``Origin`` header) it is refused before it is read: a key
    in a web page is a key anyone can copy."""
    if request.headers.get("Origin") is not None:
        raise BridgeError(BROWSER_KEY, "API keys are for servers only; this request came from "
                          "a browser (it has an Origin header). Call the bridge from your "
                          "server, or use the storefront widget.", 403)
    raw = bearer(request.headers.get("Authorization"))
    principal = authenticate(raw, core.sessions) if raw else None
    if principal is None:
        raise BridgeError(INVALID_API_KEY, "Missing, unknown or revoked API key: send "
                          "\"Authorization: Bearer sk_live_...\".", 401,
                          headers={"WWW-Authenticate": 'Bearer realm="fahad-ai"'})
    g.principal = principal
    return Identity(via="api_key", ip=request.remote_addr or "unknown")


# -- the gate functions ----------------------------------------------------------------

def storefront(core: "Core") -> None:
    g.identity = storefront_identity(core.settings)
    not_paused(core.settings)


def shopper(core: "Core") -> None:
    """A signed-in shopper: WordPress vouches for the user (a nonce names no one)."""
    g.identity = storefront_identity(core.settings)
    if g.identity.uid < 1:
        raise BridgeError(NOT_LOGGED_IN, "Sign in to the store to see your orders and "
                          "addresses.", 401)
    not_paused(core.settings)


def storefront_poll(core: "Core") -> None:
    # No soft pause: a shopper waiting for a person still gets the person's replies.
    g.identity = storefront_identity(core.settings)


def admin(core: "Core") -> None:
    g.identity = admin_identity(core.settings)


def agent(core: "Core") -> None:
    g.identity = agent_identity(core.settings)


def signed(core: "Core") -> None:
    """Only a valid signed context (no nonce, no token): proof the plugin sent it."""
    context = signed_context(core.settings)
    if context is None:
        raise BridgeError(INVALID_SIGNATURE, "This route answers only requests the WordPress "
                          "plugin signed.", 403)
    g.identity = Identity(via="context", ip=context.ip, uid=context.uid, caps=context.caps)


def api_key(core: "Core") -> None:
    g.identity = api_key_identity(core)


def api_key_billable(core: "Core") -> None:
    g.identity = api_key_identity(core)
    not_paused(core.settings)


def public(core: "Core") -> None:
    pass


def websocket(core: "Core") -> None:
    """Nothing before the upgrade (a browser can't send headers with one): the connection's
    first frame proves who it is, then each turn passes /stream's gates in order."""


GATES: dict[Gate, GateCheck] = {
    Gate.STOREFRONT: storefront,
    Gate.STOREFRONT_BILLABLE: storefront,  # then the daily cap, after the rate limit
    Gate.STOREFRONT_POLL: storefront_poll,
    Gate.SHOPPER: shopper,
    Gate.ADMIN: admin,
    Gate.AGENT: agent,
    Gate.SIGNED: signed,
    Gate.API_KEY: api_key,
    Gate.API_KEY_BILLABLE: api_key_billable,  # then the scope, rate limit and daily cap
    Gate.PUBLIC: public,
    Gate.WEBSOCKET: websocket,
}


def guard(core: "Core", route: Route, view, check: GateCheck):
    """Wrap a view in its route's gate, in the contract's order.

    Wrappers keep the view's name: flask-limiter files a decorated limit under the name of
    the function it wraps, and one name per route keeps one bucket hit per request.
    """
    inner = view
    if route.gate in BILLABLE_GATES:
        @wraps(view)
        def capped(**kwargs):
            under_daily_cap(core)
            return view(**kwargs)
        inner = capped
    limiter = core.limiter
    if route.gate in STOREFRONT_GATES or route.gate is Gate.SHOPPER:
        inner = limiter.shared_limit(storefront_limit(core.settings), scope="storefront",
                                     key_func=client_key)(inner)
    elif route.gate is Gate.STOREFRONT_POLL:
        inner = limiter.shared_limit(poll_limit(core.settings), scope="storefront-poll",
                                     key_func=client_key)(inner)
    elif route.gate is Gate.AGENT:
        inner = limiter.shared_limit(agent_limit(core.settings), scope="agent",
                                     key_func=ip_key)(inner)
    elif route.gate in API_KEY_GATES:
        inner = limiter.shared_limit(api_key_limit, scope="api-key", key_func=key_key)(inner)

    @wraps(view)
    def gated(**kwargs):
        request.max_content_length = route.max_body
        check(core)
        if route.scope is not None:  # a key without the route's scope consumes nothing
            require_scope(g.get("principal"), route.scope)
        return inner(**kwargs)

    return gated


def register(app: Flask, core: "Core", views: dict[str, Callable],
             gates: dict[Gate, GateCheck] | None = None) -> None:
    """Add one channel's views under their routes, each wrapped in its gate: the bridge's
    own (``GATES``) or the channel's (``gates``).

    :raise KeyError: a route whose gate no one provides.
    """
    checks = {**GATES, **(gates or {})}
    for route in ROUTES:
        view = views.get(route.endpoint)
        if view is not None:
            # werkzeug matches an upgrade only to a rule marked websocket, and nothing else to it.
            app.add_url_rule(route.url, route.endpoint,
                             guard(core, route, view, checks[route.gate]),
                             methods=[route.method], websocket=route.gate is Gate.WEBSOCKET)
