"""Who an app's request is for: the key (``g.principal``, from the gate) and the app's own
user id, sent as ``X-App-User``. A conversation belongs to the pair (``k<key id>:<user>``),
so neither another user of the key nor another key reads it. A user's store customer id
is the one a store manager linked (bridge.apikeys.link_customer), else none.

Carts: on WooCommerce a live key's turn acts on the cart the app names with ``X-Cart-Token``
(its user's Store API Cart-Token); a test key never names one and its cart tools refuse.
The demo store keeps its carts in the bridge (a sandbox either way): an id the bridge
issues, sent back in ``X-Fahad-Cart``.
"""
from __future__ import annotations

from flask import g, request

from bridge.apikeys import ApiKeyPrincipal, check_app_user, customer_of
from bridge.core import current_core
from bridge.errors import BridgeError
from bridge.security import check_cart_id, issue_cart_id
from bridge.store.base import CartIds

APP_USER_HEADER = "X-App-User"
CART_TOKEN_HEADER = "X-Cart-Token"
CART_HEADER = "X-Fahad-Cart"
MISSING_APP_USER = "fahad_ai_missing_app_user"
CART_TOKEN_MAX = 4096


def app_user() -> str:
    """The app's user id from X-App-User; 400 when missing or malformed."""
    value = request.headers.get(APP_USER_HEADER)
    if not value:
        raise BridgeError(MISSING_APP_USER, f"Send your app's user id in {APP_USER_HEADER} "
                          "(1 to 64 of letters, digits and _ . : @ + -).", 400)
    return check_app_user(value)


def principal() -> ApiKeyPrincipal:
    return g.principal


def client_key(key: ApiKeyPrincipal, user: str) -> str:
    return f"k{key.key_id}:{user}"


def linked_customer(key: ApiKeyPrincipal, user: str) -> int | None:
    return customer_of(current_core().sessions, key.key_id, user)


def cart(key: ApiKeyPrincipal, given: str | None = None) -> tuple[str | None, bool, str | None]:
    """(the turn's cart ref, whether its cart tools may change it, a cart id just issued).
    ``given``: what a WebSocket's auth frame names, before the headers (a Cart-Token on a
    live store, else an id the bridge issued)."""
    core = current_core()
    if core.store.cart_ids is CartIds.SHOPPER:  # a live store's carts
        if key.test:
            return None, False, None
        token = given or request.headers.get(CART_TOKEN_HEADER)
        if token is not None and len(token) > CART_TOKEN_MAX:
            raise BridgeError("rest_invalid_param", f"{CART_TOKEN_HEADER} is too long.", 400)
        return token or None, True, None
    secret = core.settings.bridge_secret
    known = check_cart_id(secret, given or request.headers.get(CART_HEADER))
    if known:
        return known, True, None
    issued = issue_cart_id(secret)
    return issued, True, issued
