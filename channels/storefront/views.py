"""The storefront routes: /message, /stream, /cart and /feedback (gated by bridge.gates);
/handoff and /conversation are in inbox.py."""
from __future__ import annotations

import secrets

from flask import Response, g, jsonify, request

from bridge import chat, notify
from bridge.agent.core import TurnRequest
from bridge.catalog.cards import cart_payload
from bridge.core import current_core
from bridge.errors import (INVALID_ACTION, INVALID_RATING, MISSING_PARAM, BridgeError,
                           bad_request)
from bridge.inputs import json_object, optional_int, optional_string
from bridge.models import AnalyticsEvent, Feedback
from bridge.security import check_cart_id, issue_cart_id
from bridge.store.base import CartIds
from bridge.store.rules import MAX_QUANTITY

from .inbox import conversation, erase, handoff
from .owner import client, customer, remember_client

CART_COOKIE = "fahad_cart"
CART_HEADER = "X-Fahad-Cart"
CART_MAX_AGE = 30 * 24 * 3600
MAX_ID = 2**31 - 1
ACTIONS = ("add", "update", "remove", "view")
FEEDBACK_REASON_MAX = 500  # CONTRACT.md: the reason is capped, not refused
REF_MAX = 128


def _cart_ref(given: str | None = None) -> tuple[str | None, bool]:
    """The shopper's cart: WordPress's Cart-Token, else the standalone cookie (or header, or
    ``given``: what a WebSocket's auth frame names); (ref, new?)."""
    core = current_core()
    settings = core.settings
    if g.identity.cart_token or core.store.cart_ids is not CartIds.ISSUED:
        # A shopper's cart (WooCommerce's) only ever comes from their own token, which
        # WordPress puts in the signed context; without one there is no cart to read or change.
        return g.identity.cart_token, False
    secret = settings.bridge_secret
    given = (given or g.identity.cart_id or request.headers.get(CART_HEADER)
             or request.cookies.get(CART_COOKIE))
    ref = check_cart_id(secret, given)
    return (ref, False) if ref else (issue_cart_id(secret), True)


def _remember_cart(response: Response, ref: str | None, new: bool) -> Response:
    if ref and new:
        response.set_cookie(CART_COOKIE, ref, max_age=CART_MAX_AGE, httponly=True,
                            samesite="Lax", secure=request.is_secure)
        response.headers[CART_HEADER] = ref
    return response


def _turn(body: dict | None = None, cart_given: str | None = None,
          client_given: str | None = None) -> tuple[TurnRequest, str | None, bool, str | None]:
    """Read the turn's body, then count it against the daily cap (bad input is never billed);
    (the turn, the cart ref, whether it is new, a client id just issued). /message and
    /stream read the request's body; the WebSocket (socket_chat.py) hands in a frame's,
    with the ids its auth frame named."""
    core = current_core()
    body = chat.read_body(core.settings, body)
    chat.reserve(core.sessions, core.settings.daily_cap)
    cart_ref, new = _cart_ref(cart_given)
    key, issued = client(client_given)
    turn = TurnRequest(messages=body.messages, channel="storefront",
                       conversation_ref=body.conversation_ref, cart_ref=cart_ref,
                       shopper_id=g.identity.uid,
                       language=request.headers.get("Accept-Language"), client_key=key,
                       customer=customer(), viewing=body.viewing, asks=body.asks)
    return turn, cart_ref, new, issued


def message():
    turn, cart_ref, new, issued = _turn()
    response = chat.message_response(current_core().agent.run(turn))
    return remember_client(_remember_cart(response, cart_ref, new), issued)


def stream():
    try:
        turn, cart_ref, new, issued = _turn()
    except BridgeError as exc:
        if exc.status != 400:
            raise
        return chat.stream_refusal(exc)
    response = chat.stream_response(current_core().agent.run(turn))
    return remember_client(_remember_cart(response, cart_ref, new), issued)


def cart():
    body = json_object()
    action = body.get("action")
    if action not in ACTIONS:
        raise bad_request(INVALID_ACTION, "action must be one of add, update, remove, view.")
    store = current_core().store
    ref, new = _cart_ref()
    # A store refusal (404, 409, 503...) is answered by bridge.errors.from_store.
    if action == "view":
        result = store.cart(ref)
    elif action == "add":
        product_id = _required(optional_int(body, "product_id", 1, MAX_ID), "product_id")
        quantity = optional_int(body, "quantity", 1, MAX_QUANTITY) or 1
        variation_id = optional_int(body, "variation_id", 0, MAX_ID) or None
        result = store.add_to_cart(ref, product_id, quantity, variation_id)
        change = {"product_id": product_id, "quantity": quantity, "variation_id": variation_id}
        _record(AnalyticsEvent(kind="cart_add", channel="storefront",
                               detail={"product_id": product_id, "quantity": quantity}),
                change={"action": "add", **change}, cart=result)
    elif action == "update":
        key = _required(optional_string(body, "cart_item_key", 64), "cart_item_key")
        quantity = _required(optional_int(body, "quantity", 0, MAX_QUANTITY), "quantity")
        result = store.update_cart_item(ref, key, quantity)
        _record(None, change={"action": "update", "cart_item_key": key, "quantity": quantity},
                cart=result)
    else:
        key = _required(optional_string(body, "cart_item_key", 64), "cart_item_key")
        result = store.remove_cart_item(ref, key)
        _record(None, change={"action": "remove", "cart_item_key": key}, cart=result)
    return _remember_cart(jsonify(cart_payload(result)), ref, new)


def _required(value, name: str):
    if value is None:
        raise bad_request(MISSING_PARAM, f"Missing parameter: {name}.")
    return value


def _record(row, change: dict | None = None, cart=None) -> None:
    """Store ``row`` (if any); a cart change also becomes a cart.updated webhook, in the
    same transaction."""
    core = current_core()
    with core.sessions.begin() as session:
        if row is not None:
            session.add(row)
        if change is not None:
            notify.emit(session, core.settings, "cart.updated", {
                "channel": "storefront", "source": "widget", "changes": [change],
                "item_count": getattr(cart, "item_count", None)})


def feedback():
    body = json_object()
    rating = body.get("rating")
    if rating not in ("up", "down"):
        raise bad_request(INVALID_RATING, "rating must be \"up\" or \"down\".")
    reason = optional_string(body, "reason", FEEDBACK_REASON_MAX, truncate=True)
    conversation_ref = optional_string(body, "conversation_ref", REF_MAX)
    message_ref = optional_string(body, "message_ref", REF_MAX)
    entry = Feedback(id="fb_" + secrets.token_urlsafe(12), rating=rating,
                     reason=(reason or "").strip() or None,
                     conversation_ref=conversation_ref, message_ref=message_ref)
    with current_core().sessions.begin() as session:
        session.add(entry)
        notify.emit(session, current_core().settings, "feedback.created", {
            "id": entry.id, "rating": rating, "reason": entry.reason,
            "conversation_ref": conversation_ref, "message_ref": message_ref})
    return jsonify({"ok": True, "id": entry.id})


VIEWS = {
    "storefront.message": message,
    "storefront.stream": stream,
    "storefront.cart": cart,
    "storefront.feedback": feedback,
    "storefront.handoff": handoff,
    "storefront.conversation": conversation,
    "storefront.erase": erase,
}
