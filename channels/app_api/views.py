"""The apps' routes (bridge.gates.api_key: a server's key, its scope, its rate limit): chat
as /app/message and /app/stream (the storefront's turn, bridge.chat), the user's
conversations, and their linked customer's orders and addresses (bridge.account)."""
from __future__ import annotations

from flask import request

from bridge import account, chat
from bridge import account_views
from bridge.account_views import private
from bridge.agent.core import TurnRequest
from bridge.agent.history import transcript
from bridge.core import current_core
from bridge.errors import INVALID_PARAM, MISSING_PARAM, BridgeError, bad_request
from bridge.inbox import scope
from bridge.inbox.handoff import STATUSES, UNKNOWN
from bridge.inbox.reading import conversations_of, messages_after
from bridge.inputs import query_int, query_text

from .owner import CART_HEADER, app_user, cart, client_key, linked_customer, principal

EARLIER = 20  # stored messages a one-message turn is given as its history
PAGE = 100


def _turn(body: dict | None = None, user: str | None = None,
          cart_given: str | None = None) -> tuple[TurnRequest, str | None]:
    """The turn (bad input refused before it is counted against the daily cap) and a cart
    id just issued, if any. /app/message and /app/stream read the request; the WebSocket
    (socket_chat.py) hands in a frame's body, the user and the cart its auth frame named."""
    core = current_core()
    body = chat.read_body(core.settings, body)
    key, user = principal(), user or app_user()
    cart_ref, writes, issued = cart(key, cart_given)
    chat.reserve(core.sessions, core.settings.daily_cap)
    owner = client_key(key, user)
    history = body.messages
    if body.conversation_ref and len(history) == 1:
        # An app may send only the new message: the bridge keeps the conversation.
        with core.sessions() as session:
            found = scope.find(session, owner, body.conversation_ref)
            if found is not None:
                history = transcript(session, found.id, EARLIER) + history
    shopper = (linked_customer(key, user) or 0) if key.allows("orders:read") else 0
    turn = TurnRequest(messages=history, channel="app", conversation_ref=body.conversation_ref,
                       cart_ref=cart_ref, shopper_id=shopper,
                       language=request.headers.get("Accept-Language"), client_key=owner,
                       customer={"app_user": user, "api_key": key.key_id, "mode": key.mode},
                       viewing=body.viewing, asks=body.asks, cart_writes=writes)
    return turn, issued


def _with_cart(response, issued: str | None):
    if issued:
        response.headers[CART_HEADER] = issued
    return response


def message():
    turn, issued = _turn()
    return _with_cart(chat.message_response(current_core().agent.run(turn)), issued)


def stream():
    try:
        turn, issued = _turn()
    except BridgeError as exc:
        if exc.status != 400:
            raise
        return chat.stream_refusal(exc)
    return _with_cart(chat.stream_response(current_core().agent.run(turn)), issued)


def conversations():
    owner = client_key(principal(), app_user())
    page = query_int("page", 1, 1, 10_000)
    per_page = query_int("per_page", 20, 1, 100)
    status = query_text("status", 20)
    if status is not None and status not in STATUSES:
        raise bad_request(INVALID_PARAM, "status must be one of " + ", ".join(STATUSES) + ".")
    with current_core().sessions() as session:
        total, rows = conversations_of(session, owner, (page - 1) * per_page, per_page, status)
    return private({"count": total, "page": page, "per_page": per_page,
                     "conversations": rows})


def conversation():
    owner = client_key(principal(), app_user())
    ref = query_text("ref", 128)
    if not ref:
        raise bad_request(MISSING_PARAM, "Missing parameter: ref.")
    ref = scope.check_ref(ref, "ref")
    after = query_int("after", 0, 0, 2**62)
    core = current_core()
    with core.sessions() as session:
        found = scope.find(session, owner, ref)
        if found is None:  # another user's, another key's, or none: one answer for all
            raise BridgeError(UNKNOWN, "No conversation with that ref.", 404)
        rows = messages_after(session, core.index, found, after, PAGE)
    return private({"conversation_ref": ref, "status": found.status,
                     "handoff_ref": found.handoff_ref, "messages": rows})


def _customer() -> int:
    customer_id = linked_customer(principal(), app_user())
    if not customer_id:
        raise BridgeError(account.NO_CUSTOMER, "This app user is not linked to a customer of "
                          "the store (a store manager links them: POST /admin/api-keys/"
                          "customer).", 404)
    return customer_id


def orders():
    return account_views.orders(_customer())


def order():
    return account_views.order(_customer())


def addresses():
    return account_views.addresses(_customer())


VIEWS = {
    "app_api.message": message,
    "app_api.stream": stream,
    "app_api.conversations": conversations,
    "app_api.conversation": conversation,
    "app_api.orders": orders,
    "app_api.order": order,
    "app_api.addresses": addresses,
}
