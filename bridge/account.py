"""A customer's own account, read only: their orders and their saved addresses, and nobody
else's. The order tool (bridge.agent.tools.orders) and the routes for signed-in shoppers and
apps' linked users all read through here, so "whose order is this" is decided once."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone

from .catalog.money import amount as money
from .errors import BridgeError
from .store.base import Customer, Order, Store

UNKNOWN_ORDER = "fahad_ai_unknown_order"
NO_CUSTOMER = "fahad_ai_no_customer"

# wc/v3's orders route needs a date to list from; a customer's orders all come after this.
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def own_order(store: Store, customer_id: int, order_id: int) -> Order | None:
    """The order if it is this customer's; someone else's reads exactly like none."""
    if customer_id < 1 or order_id < 1:
        return None
    order = store.order(order_id)
    return order if order is not None and order.customer_id == customer_id else None


def own_orders(store: Store, customer_id: int, since: datetime = EPOCH) -> list[Order]:
    """The customer's orders since ``since``, newest first (the store filters by customer and
    every order is checked again: a store that ignored the filter leaks nothing)."""
    if customer_id < 1:
        return []
    found = [o for o in store.orders(after=since, customer_id=customer_id)
             if o.customer_id == customer_id]
    return sorted(found, key=lambda o: (o.date_created, o.id), reverse=True)


def order_view(order: Order) -> dict:
    """An order as the routes answer it: the store's figures, as decimal strings."""
    return {
        "id": order.id, "status": order.status, "currency": order.currency,
        "date_created": order.date_created.isoformat(),
        "total": money(order.total), "shipping_total": money(order.shipping_total),
        "discount_total": money(order.discount_total),
        "refunded_total": money(order.refunded_total),
        "coupons": list(order.coupon_codes),
        "items": [{"product_id": line.product_id, "variation_id": line.variation_id,
                   "name": line.name, "quantity": line.quantity,
                   "total": money(line.total)} for line in order.lines],
    }


def addresses_view(customer: Customer) -> dict:
    """The customer's saved billing and shipping addresses (null when one was never saved)."""
    return {"customer_id": customer.id,
            "billing": None if customer.billing.empty else asdict(customer.billing),
            "shipping": None if customer.shipping.empty else _shipping(customer)}


def _shipping(customer: Customer) -> dict:
    fields = asdict(customer.shipping)
    fields.pop("email")
    return fields


# -- the routes' answers (the storefront's signed-in shopper, an app's linked user) -------

def orders_answer(store: Store, customer_id: int, page: int, per_page: int) -> dict:
    """A page of the customer's orders, newest first."""
    found = own_orders(store, customer_id)
    start = (page - 1) * per_page
    return {"customer_id": customer_id, "count": len(found), "page": page,
            "per_page": per_page, "orders": [order_view(o) for o in found[start:start + per_page]]}


def order_answer(store: Store, customer_id: int, order_id: int) -> dict:
    """One of the customer's orders; anyone else's is the same 404 as one that isn't there."""
    order = own_order(store, customer_id, order_id)
    if order is None:
        raise BridgeError(UNKNOWN_ORDER, f"No order {order_id} found for this customer.", 404)
    return order_view(order)


def addresses_answer(store: Store, customer_id: int) -> dict:
    found = store.customer(customer_id) if customer_id > 0 else None
    if found is None:
        raise BridgeError(NO_CUSTOMER, "The store has no customer account for this user.", 404)
    return addresses_view(found)
