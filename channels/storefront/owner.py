"""Which client a storefront request comes from, for the conversations it owns
(bridge.inbox.scope): the WordPress user when signed in; else, through the plugin, the
guest's chat client id the signed context vouches for (the plugin's own cookie: PHP can't
set a cookie from a /stream answer's headers); else the client id the bridge issued, in the
``fahad_chat`` cookie or the ``X-Fahad-Client`` header."""
from __future__ import annotations

from flask import Response, g, request

from bridge.core import current_core
from bridge.inbox.scope import check_client_id, client_key, issue_client_id

CLIENT_COOKIE = "fahad_chat"
CLIENT_HEADER = "X-Fahad-Client"
CLIENT_MAX_AGE = 365 * 24 * 3600


def client(given: str | None = None) -> tuple[str, str | None]:
    """(the client's key, a client id just issued to hand back, or None). ``given``: the id
    a WebSocket's auth frame names, before the header and cookie."""
    uid = g.identity.uid
    if uid > 0:
        return client_key(uid, None), None
    if g.identity.client:
        return "p" + g.identity.client, None  # "p": the plugin's ids, apart from issued ones
    secret = current_core().settings.bridge_secret
    given = given or request.headers.get(CLIENT_HEADER) or request.cookies.get(CLIENT_COOKIE)
    known = check_client_id(secret, given)
    if known:
        return client_key(0, known), None
    issued = issue_client_id(secret)
    return client_key(0, check_client_id(secret, issued)), issued


def customer() -> dict | None:
    """Who the inbox shows for this shopper: their WordPress user id when signed in."""
    uid = g.identity.uid
    return {"wp_user_id": uid} if uid > 0 else None


def remember_client(response: Response, issued: str | None) -> Response:
    if issued:
        response.set_cookie(CLIENT_COOKIE, issued, max_age=CLIENT_MAX_AGE, httponly=True,
                            samesite="Lax", secure=request.is_secure)
        response.headers[CLIENT_HEADER] = issued
    return response
