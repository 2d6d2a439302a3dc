"""The rest of the store, read-only and exactly as recorded: orders 33-36 with their refunds and
notes, the coupon save10, the customer jane (id 2) and the general settings.

Order 38, which the Store API checkout created, is left out: the fake starts before checkout.
"""
from __future__ import annotations

from . import recordings

ORDERS = ("wc-v3/orders/get-completed.json", "wc-v3/orders/get-refunded.json",
          "wc-v3/orders/get-processing.json", "wc-v3/orders/get-cancelled.json")
REFUNDS = {34: "wc-v3/orders/refunds-of-refunded-order.json"}
NOTES = {35: "wc-v3/orders/notes-of-processing-order.json"}
COUPONS = "wc-v3/misc/coupons.json"
CUSTOMERS = "wc-v3/misc/customers.json"
SETTINGS = "wc-v3/misc/settings-general.json"
# wc/v3 order statuses ("wc-" stripped), in wc_get_order_statuses() order.
ORDER_STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded",
                  "failed", "checkout-draft")
SHIPPING_COST = 500  # the one flat rate of the "United States" zone, in cents
PAYMENT_METHODS = ["cod"]  # Cash on delivery is the only enabled gateway


class Shop:
    """Orders, refunds, order notes, coupons, customers and settings."""

    def __init__(self):
        self.orders = {o["id"]: o for o in map(recordings.body, ORDERS)}
        self.refunds = {order: recordings.body(path) for order, path in REFUNDS.items()}
        self.notes = {order: recordings.body(path) for order, path in NOTES.items()}
        self.coupons = {c["id"]: c for c in recordings.body(COUPONS)}
        self.customers = {c["id"]: c for c in recordings.body(CUSTOMERS)}
        self.settings = recordings.body(SETTINGS)

    def coupon_by_code(self, code: str) -> dict | None:
        """Coupon codes are case-insensitive; WooCommerce stores them lowercased."""
        return next((c for c in self.coupons.values()
                     if c["code"] == code.lower() and c["status"] == "publish"), None)
