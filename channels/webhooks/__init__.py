"""Webhooks the store sends: WooCommerce's product events keep every host's index fresh.

Each delivery is verified by its gate (bridge.gates.store_webhook), recorded in the shared
change log, and answered 200 at once;
the catalogue worker refreshes the product from WooCommerce. A refused or failing answer
would count towards WooCommerce disabling the webhook, so anything valid gets a 200.
"""
from __future__ import annotations

import json

from flask import Flask, current_app, g, jsonify, request

from bridge.catalog.sync import record_change
from bridge.errors import BridgeError
from bridge.routes import register

PRODUCT_TOPICS = ("product.created", "product.updated", "product.deleted", "product.restored")


def _bridge():
    return current_app.extensions["fahad"]


def woocommerce():
    if g.webhook_ping:
        return jsonify({"received": True})
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    if topic not in PRODUCT_TOPICS:
        return jsonify({"received": True, "ignored": topic or "no topic"})
    try:
        data = json.loads(request.get_data(cache=True))
        is_variation = data.get("type") == "variation"
        product_id = int(data.get("parent_id") or data["id"]) if is_variation else int(data["id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BridgeError("invalid_json", "The webhook body names no product.", 400) from None
    bridge = _bridge()
    record_change(bridge.sessions, product_id, topic)
    if bridge.catalog_worker is not None:
        bridge.catalog_worker.wake()
    return jsonify({"received": True})


VIEWS = {"webhooks.woocommerce": woocommerce}


def init_app(app: Flask) -> None:
    register(app, VIEWS)
