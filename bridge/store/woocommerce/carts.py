"""The shopper's own WooCommerce cart, through the Store API and their Cart-Token.

The token comes from WordPress in the signed context, never from a tool argument. A token
WooCommerce doesn't know is never traded for a new cart: a read gives an empty cart, a
write refuses (NoCart). Store API refusals become the Store's errors, so the contract's
statuses follow (out of stock 409 with the quantity left, unknown product 404...).
"""
from __future__ import annotations

import base64
import html
import json
import re

import requests

from ..base import (CartItemNotFound, InvalidQuantity, InvalidVariation, NoCart, NotPurchasable,
                    OutOfStock, ProductNotFound, StoreError, StoreUnavailable)

EXPIRED = "Your cart session with the store has expired. Reload the page and try again."


def token_owner(token: str | None) -> str | None:
    """The cart session a Cart-Token names (its JWT user_id); None when it isn't one.

    Only read, never trusted: WooCommerce checks the signature. Comparing the session of the
    token sent with the one in the reply shows whether WooCommerce accepted it.
    """
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return str(data["user_id"])
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None


def accepted(sent: str, response: requests.Response) -> bool:
    """Whether WooCommerce answered for the cart the token names, not a fresh one."""
    owner = token_owner(sent)
    return owner is not None and token_owner(response.headers.get("Cart-Token")) in (owner, None)


def refusal(response: requests.Response) -> StoreError:
    """The Store's error for a Store API refusal."""
    try:
        body = response.json()
        code, message = body.get("code", ""), html.unescape(body.get("message", ""))
    except (ValueError, AttributeError):
        code, message = "", ""
    message = message or f"The store refused the change (HTTP {response.status_code})."
    status = response.status_code
    if status in (401, 403) or code in ("woocommerce_rest_missing_nonce",
                                        "woocommerce_rest_invalid_nonce"):
        return NoCart(EXPIRED)
    if status >= 500 or status == 429:
        return StoreUnavailable("The store could not change the cart just now; try again.")
    if code == "woocommerce_rest_product_partially_out_of_stock":
        left = re.search(r"\((\d+) remaining\)", message)
        return OutOfStock(message, available=int(left.group(1)) if left else 0)
    if code == "woocommerce_rest_product_out_of_stock":
        return OutOfStock(message, available=0)
    if code == "invalid_quantity":
        most = re.search(r"allowed in the cart is (\d+)", message)
        if most:
            return OutOfStock(message, available=int(most.group(1)))
        return InvalidQuantity(message)
    if code == "woocommerce_rest_cart_invalid_product":
        return ProductNotFound(message)
    if code == "woocommerce_rest_product_not_purchasable":
        return NotPurchasable(message)
    if "variation" in code:
        return InvalidVariation(message)
    if code == "woocommerce_rest_cart_invalid_key":
        return CartItemNotFound("That item is no longer in the cart.")
    if code == "rest_invalid_param":
        return InvalidQuantity(message)
    error = StoreError(message)
    error.code = code or "store_error"
    return error
