"""Webhooks the store sends: WooCommerce's product events keep every host's index fresh.

Each delivery is verified by its gate (bridge.gates.store_webhook), recorded in the shared
change log, and answered 200 at once;
the catalogue worker refreshes the product from WooCommerce. A refused or failing answer
would count towards WooCommerce disabling the webhook, so anything signed gets a 200: a body
naming no product the change log can hold is logged and dropped.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, request

from bridge.catalog.sync import record_change
from bridge.inputs import JsonError, parse_json
from bridge.routes import register

log = logging.getLogger(__name__)

PRODUCT_TOPICS = ("product.created", "product.updated", "product.deleted", "product.restored")
MAX_ID = 2**31 - 1  # the change log's INTEGER column, and WordPress's own post ids


def _bridge():
    return current_app.extensions["fahad"]


def woocommerce():
    if g.webhook_ping:
        return jsonify({"received": True})
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    if topic not in PRODUCT_TOPICS:
        return jsonify({"received": True, "ignored": topic or "no topic"})
    try:
        product_id = _product_id(parse_json(request.get_data(cache=True), surrogates=True))
    except JsonError as exc:  # its reason never quotes the body
        log.warning("WooCommerce %s delivery dropped: %s", topic, exc)
        return jsonify({"received": True, "ignored": "no product id in the body"})
    bridge = _bridge()
    record_change(bridge.sessions, product_id, topic)
    if bridge.catalog_worker is not None:
        bridge.catalog_worker.wake()
    return jsonify({"received": True})


def _product_id(data) -> int:
    """The product a delivery is about (a variation's parent), as wc/v3 writes ids.

    :raise JsonError: no such id, or one of another type or out of range.
    """
    if not isinstance(data, dict):
        raise JsonError("the body is not a JSON object")
    key = "parent_id" if data.get("type") == "variation" and data.get("parent_id") else "id"
    value = data.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise JsonError(f"{key} is not a product id")
    return value


VIEWS = {"webhooks.woocommerce": woocommerce}


def init_app(app: Flask) -> None:
    register(app, VIEWS)
