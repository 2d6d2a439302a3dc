"""The account routes' answers, for whichever channel knows whose account it is: the
storefront (a signed-in shopper) and the apps (a user linked to a customer) answer /orders,
/order?id=N and /addresses the same way (bridge.account), read only and never cached by a
proxy. Each channel keeps its own view functions (flask-limiter files limits by a view's
name), which name the customer and call these."""
from __future__ import annotations

from flask import Response, jsonify, request

from . import account
from .core import current_core
from .errors import MISSING_PARAM, bad_request
from .inputs import query_int

MAX_ID = 2**31 - 1
PER_PAGE_MAX = 50


def private(body: dict) -> Response:
    """A JSON answer about one person: no shared cache may keep it."""
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def orders(customer_id: int) -> Response:
    page = query_int("page", 1, 1, 1000)
    per_page = query_int("per_page", 10, 1, PER_PAGE_MAX)
    return private(account.orders_answer(current_core().store, customer_id, page, per_page))


def order(customer_id: int) -> Response:
    if request.args.get("id") is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    order_id = query_int("id", 0, 0, MAX_ID)
    return private(account.order_answer(current_core().store, customer_id, order_id))


def addresses(customer_id: int) -> Response:
    return private(account.addresses_answer(current_core().store, customer_id))
