"""A signed-in shopper's own account, read only: GET /orders, /order?id=N and /addresses.

WordPress vouches for the shopper in the signed context (Gate.SHOPPER: a guest, or a
standalone nonce, which names no one, is 401 first); their WordPress user id is their
WooCommerce customer id.
"""
from __future__ import annotations

from flask import g

from bridge import account_views


def _shopper() -> int:
    return g.identity.uid  # above 0: the gate refused guests


def orders():
    return account_views.orders(_shopper())


def order():
    return account_views.order(_shopper())


def addresses():
    return account_views.addresses(_shopper())


VIEWS = {"storefront.orders": orders, "storefront.order": order,
         "storefront.addresses": addresses}
