"""Store API cart routes (cart, add-item, update-item, remove-item, apply-coupon, remove-coupon)
with WooCommerce's checks, codes and messages. Writes need a valid Cart-Token, else a Nonce
(then the session cookie or a new session); every answer reissues the session's Cart-Token.
"""
from __future__ import annotations

from email.utils import formatdate
from typing import Callable

from .api import Context
from .cart import Cart, Line, full_name, line_key, render
from .catalog import Catalog
from .php import natural_list, parse_site_date, sanitize_title
from .pricing import limits_stock, max_quantity, own_prices, stock_status
from .products_v3 import variation_query
from .rest import Reply, RestError
from .sessions import TOKEN_LIFETIME, Sessions
from .store_products import purchasable

STORE_HEADERS = (
    ("Access-Control-Allow-Methods", "OPTIONS, GET, POST, PUT, PATCH, DELETE"),
    ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin"))


def _fail(code: str, message: str, status: int = 400) -> RestError:
    return RestError(status, code, message)


def _integer(body: dict, name: str, default: int | None = None) -> int:
    value = body.get(name, default)
    if value is None:
        raise RestError(400, "rest_missing_callback_param", f"Missing parameter(s): {name}",
                        params=[name])
    if isinstance(value, bool) or not str(value).lstrip("-").isdigit():
        message = f"{name} is not of type integer."
        raise RestError(400, "rest_invalid_param", f"Invalid parameter(s): {name}",
                        params={name: message}, details={name: {
                            "code": "rest_invalid_type", "message": message,
                            "data": {"param": name}}})
    return int(value)


def _string(body: dict, name: str) -> str:
    if not isinstance(body.get(name), str):
        raise RestError(400, "rest_missing_callback_param", f"Missing parameter(s): {name}",
                        params=[name])
    return body[name]


def _attribute_name(attribute: dict) -> str:
    """The cart's key for an attribute: attribute_pa_size, or attribute_<label slug>."""
    return "attribute_" + (attribute["slug"] if attribute["id"] else
                           sanitize_title(attribute["name"]))


def choose_variation(catalog: Catalog, record: dict, posted) -> tuple[dict, dict]:
    """CartController::parse_variation_data(): the variation and its attribute_* values,
    sorted by name, from a variable parent plus posted attributes (by label or by taxonomy
    name) or from a variation id."""
    parent = catalog.products[record["parent_id"]] if record["id"] in catalog.variations \
        else record
    given = {str(v.get("attribute")): str(v.get("value"))
             for v in (posted if isinstance(posted, list) else []) if isinstance(v, dict)}
    wanted = [a for a in parent["attributes"] if a["variation"]]
    chosen = {}
    for attribute in wanted:
        for ref in (attribute["name"], attribute["slug"]):
            if ref in given:
                value = given[ref]
                chosen[_attribute_name(attribute)] = sanitize_title(value) \
                    if attribute["id"] else value
                break
    if record is parent:
        record = next((v for v in catalog.children(parent)
                       if all(chosen.get(k) == value for k, value in
                              variation_query(catalog, v) if value)), None)
        if record is None:
            raise _fail("woocommerce_rest_variation_id_from_variation_data",
                        "No matching variation found.")
    expected = dict(variation_query(catalog, record))
    missing = []
    for attribute in wanted:
        name, value = _attribute_name(attribute), expected.get(_attribute_name(attribute), "")
        if name in chosen and value and chosen[name] != value:
            slugs = [sanitize_title(o) if attribute["id"] else o for o in attribute["options"]]
            raise _fail("woocommerce_rest_invalid_variation_data",
                        f"Invalid value posted for {attribute['name']}. "
                        f"Allowed values: {', '.join(slugs)}")
        if name not in chosen:
            if value:
                chosen[name] = value
            else:
                missing.append(attribute["name"])
    if missing:
        fields = "is a required field" if len(missing) == 1 else "are required fields"
        raise _fail("woocommerce_rest_missing_variation_data",
                    "Missing variation data for variable product. "
                    f"{natural_list(missing)} {fields}")
    return record, dict(sorted(chosen.items()))


def _check_quantity(catalog: Catalog, record: dict, quantity: int) -> None:
    """QuantityLimits::validate_cart_item_quantity() (its code has no woocommerce_ prefix)."""
    name = full_name(catalog, record)
    if quantity < 1:
        raise _fail("invalid_quantity",
                    f"The minimum quantity of &quot;{name}&quot; allowed in the cart is 1")
    if quantity > max_quantity(record):
        raise _fail("invalid_quantity", f"The maximum quantity of &quot;{name}&quot; allowed "
                                        f"in the cart is {max_quantity(record)}")


def add_item(ctx: Context, cart: Cart, body: dict) -> int:
    catalog = ctx.catalog
    product_id = _integer(body, "id")
    quantity = _integer(body, "quantity", 1)
    record = catalog.get(product_id)
    parent = catalog.products.get(record["parent_id"]) if record and \
        product_id in catalog.variations else record
    if record is None or parent is None or "trash" in (record["status"], parent["status"]):
        raise _fail("woocommerce_rest_cart_invalid_product",
                    f"Product with ID &quot;{product_id}&quot; was not found and cannot be "
                    "added to the cart.")
    variation: dict = {}
    if parent["type"] == "variable":
        record, variation = choose_variation(catalog, record, body.get("variation"))
    name = full_name(catalog, record)
    if not purchasable(catalog, record, own_prices(record, ctx.now).price):
        raise _fail("woocommerce_rest_product_not_purchasable",
                    f"&quot;{name}&quot; is not available for purchase.")
    if stock_status(record) == "outofstock":
        raise _fail("woocommerce_rest_product_out_of_stock",
                    f"You cannot add &quot;{name}&quot; to the cart because the product is "
                    "out of stock.")
    in_cart = sum(line.quantity for line in cart.lines.values()
                  if (line.variation_id or line.product_id) == record["id"])
    if limits_stock(record) and record["stock_quantity"] < in_cart + quantity:
        raise _fail("woocommerce_rest_product_partially_out_of_stock",
                    f"You cannot add that amount of &quot;{name}&quot; to the cart because "
                    f"there is not enough stock ({record['stock_quantity']} remaining).")
    variation_id = record["id"] if record is not parent else 0
    key = line_key(parent["id"], variation_id, variation)
    if key in cart.lines:
        _check_quantity(catalog, record, cart.lines[key].quantity + quantity)
        cart.lines[key].quantity += quantity
    else:
        quantity = max(min(quantity, max_quantity(record)), 1)
        cart.lines[key] = Line(key, parent["id"], variation_id, variation, quantity)
    return 201


def update_item(ctx: Context, cart: Cart, body: dict) -> int:
    key, quantity = _string(body, "key"), _integer(body, "quantity")
    line = cart.lines.get(key)
    if line is None:
        raise _fail("woocommerce_rest_cart_invalid_key", "Cart item does not exist.", 409)
    record = ctx.catalog.get(line.variation_id or line.product_id)
    if record is None:
        raise _fail("woocommerce_rest_cart_invalid_product", "Cart item is invalid.", 404)
    _check_quantity(ctx.catalog, record, quantity)
    line.quantity = quantity
    return 200


def remove_item(ctx: Context, cart: Cart, body: dict) -> int:
    if cart.lines.pop(_string(body, "key"), None) is None:
        raise _fail("woocommerce_rest_cart_invalid_key",
                    "Cart item no longer exists or is invalid.", 409)
    return 200


def apply_coupon(ctx: Context, cart: Cart, body: dict) -> int:
    code = _string(body, "code").strip().lower()
    coupon = ctx.shop.coupon_by_code(code)
    if coupon is None:
        raise _fail("woocommerce_rest_cart_coupon_error",
                    f"Coupon &quot;{code}&quot; cannot be applied because it does not exist.")
    if code in cart.coupons:
        raise _fail("woocommerce_rest_cart_coupon_error",
                    f"Coupon code &quot;{code}&quot; has already been applied.")
    expires = parse_site_date(coupon["date_expires_gmt"])
    if expires is not None and expires < ctx.now:
        raise _fail("woocommerce_rest_cart_coupon_error", "This coupon has expired.")
    if coupon["usage_limit"] and coupon["usage_count"] >= coupon["usage_limit"]:
        raise _fail("woocommerce_rest_cart_coupon_error", "Coupon usage limit has been reached.")
    for other in list(cart.coupons):
        if ctx.shop.coupon_by_code(other)["individual_use"]:
            raise _fail("woocommerce_rest_cart_coupon_error",
                        f"&quot;{other}&quot; has already been applied and cannot be used in "
                        "conjunction with other coupons.")
    if coupon["individual_use"]:
        cart.coupons.clear()
    cart.coupons.append(code)
    return 200


def remove_coupon(ctx: Context, cart: Cart, body: dict) -> int:
    code = _string(body, "code").strip().lower()
    if code not in cart.coupons:
        raise _fail("woocommerce_rest_cart_coupon_invalid_code",
                    "Coupon does not exist in the cart.", 404)
    cart.coupons.remove(code)
    return 200


ACTIONS: dict[str, Callable[[Context, Cart, dict], int]] = {
    "cart/add-item": add_item, "cart/update-item": update_item,
    "cart/remove-item": remove_item, "cart/apply-coupon": apply_coupon,
    "cart/remove-coupon": remove_coupon,
}


def handle(ctx: Context, sessions: Sessions, route: str) -> Reply:
    """One cart request: find the session, check the nonce for writes, act, answer with the
    whole cart (or the error, with the cart on a 409) and the session headers."""
    now, headers = ctx.now, ctx.request.headers
    user = sessions.read_token(headers.get("Cart-Token", ""), now)
    by_token, by_cookie = user is not None, False
    if user is None:
        user = sessions.read_cookie(ctx.request.cookies.get(sessions.cookie_name, ""), now)
        by_cookie = user is not None
    user = user or sessions.new_id()
    cart = sessions.carts.get(user) or Cart()
    status, error = 200, None
    try:
        if route != "cart":
            if ctx.request.method != "POST" or route not in ACTIONS:
                raise RestError(404, "rest_no_route",
                                "No route was found matching the URL and request method.")
            if not by_token:
                nonce = headers.get("Nonce")
                if not nonce:
                    raise _fail("woocommerce_rest_missing_nonce", "Missing the Nonce header. "
                                "This endpoint requires a valid nonce.", 401)
                if not sessions.nonce_ok(nonce, now):
                    raise _fail("woocommerce_rest_invalid_nonce", "Nonce is invalid.", 403)
            status = ACTIONS[route](ctx, cart, ctx.body())
    except RestError as failure:
        error = failure
    if cart.lines or cart.coupons or user in sessions.carts:
        sessions.carts[user] = cart  # an untouched new session stays a token, not a cart
    body, cart_hash = render(ctx.catalog, ctx.shop, cart, now)
    answer = [("Nonce", sessions.nonce(now)), ("Nonce-Timestamp", str(int(now))),
              ("User-ID", "0"), ("Cart-Token", sessions.token(user, now)),
              ("Cart-Hash", cart_hash), ("Allow", "GET" if route == "cart" else "POST"),
              *STORE_HEADERS]
    if error is not None:
        if error.status == 409:
            error.data["cart"] = body
        return Reply(error.status, error.body(), answer)
    if route != "cart" and not by_token and not by_cookie and cart.lines:
        expires = formatdate(now + TOKEN_LIFETIME, usegmt=True)
        answer.append(("Set-Cookie", f"{sessions.cookie_name}={sessions.cookie(user, now)}; "
                                     f"expires={expires}; Max-Age={TOKEN_LIFETIME}; path=/; "
                                     "HttpOnly"))
    return Reply(status, body, answer)
