"""A signed-in shopper's own account, read only: GET /orders, /order?id=N and /addresses.

WordPress vouches for the shopper in the signed context (Gate.SHOPPER: a guest, or a
standalone nonce, which names no one, is 401 first); their WordPress user id is their
WooCommerce customer id.
"""
from __future__ import annotations

from flask import g, jsonify, request

from bridge import account
from bridge.core import current_core
from bridge.errors import MISSING_PARAM, bad_request
from bridge.inputs import query_int

MAX_ID = 2**31 - 1
PER_PAGE_MAX = 50


def _shopper() -> int:
    return g.identity.uid  # above 0: the gate refused guests


def _private(body: dict):
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def orders():
    customer_id = _shopper()
    page = query_int("page", 1, 1, 1000)
    per_page = query_int("per_page", 10, 1, PER_PAGE_MAX)
    return _private(account.orders_answer(current_core().store, customer_id, page, per_page))


def order():
    customer_id = _shopper()
    if request.args.get("id") is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    order_id = query_int("id", 0, 0, MAX_ID)
    return _private(account.order_answer(current_core().store, customer_id, order_id))


def addresses():
    return _private(account.addresses_answer(current_core().store, _shopper()))


VIEWS = {"storefront.orders": orders, "storefront.order": order,
         "storefront.addresses": addresses}
