"""Webhooks the store sends: WooCommerce's product events keep every host's index fresh;
its order events feed the inbox's funnel (orders.py).

Each delivery is verified by the channel's gate (``gate``: the webhook secret's signature,
or the unsigned creation ping), recorded in the shared change log, and answered 200 at
once; the catalogue worker refreshes the product from WooCommerce. A refused or failing answer
would count towards WooCommerce disabling the webhook, so anything signed gets a 200: a body
naming no product the change log can hold is logged and dropped.
"""
from __future__ import annotations

import logging
import re

from flask import Flask, jsonify, request

from bridge.catalog.sync import PRODUCT_TOPICS, record_change
from bridge.core import Core, current_core
from bridge.errors import INVALID_SIGNATURE, WEBHOOKS_DISABLED, BridgeError
from bridge.gates import register
from bridge.inputs import JsonError, parse_json
from bridge.routes import Gate
from bridge.security import woocommerce_signed

from .orders import ORDER_TOPICS, record_order

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # the change log's INTEGER column, and WordPress's own post ids


def gate(core: Core) -> None:
    """Gate.STORE_WEBHOOK: a delivery signed with the webhook secret, or the creation ping.

    :raise 403: webhooks not configured (or the shop lives in this process), or the
        signature missing or wrong.
    """
    settings = core.settings
    if core.store.local is not None or not settings.wc_webhook_secret:
        raise BridgeError(WEBHOOKS_DISABLED,
                          "WooCommerce webhooks are not configured on this bridge.", 403)
    if not _is_ping() and not woocommerce_signed(
            settings.wc_webhook_secret, request.get_data(cache=True),
            request.headers.get("X-WC-Webhook-Signature")):
        raise BridgeError(INVALID_SIGNATURE, "The webhook signature does not match.", 403)


def _is_ping() -> bool:
    """WooCommerce's unsigned ping when a webhook is created: it carries nothing to process."""
    return request.headers.get("X-WC-Webhook-Signature") is None and \
        re.fullmatch(rb"webhook_id=\d+", request.get_data(cache=True).strip()) is not None


def woocommerce():
    if _is_ping():
        return jsonify({"received": True})
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    if topic in ORDER_TOPICS:
        try:
            record_order(current_core().sessions,
                         parse_json(request.get_data(cache=True), surrogates=True))
        except JsonError as exc:
            log.warning("WooCommerce %s delivery dropped: %s", topic, exc)
            return jsonify({"received": True, "ignored": "no order id in the body"})
        return jsonify({"received": True})
    if topic not in PRODUCT_TOPICS:
        return jsonify({"received": True, "ignored": topic or "no topic"})
    try:
        product_id = _product_id(parse_json(request.get_data(cache=True), surrogates=True))
    except JsonError as exc:  # its reason never quotes the body
        log.warning("WooCommerce %s delivery dropped: %s", topic, exc)
        return jsonify({"received": True, "ignored": "no product id in the body"})
    core = current_core()
    record_change(core.sessions, product_id, topic)
    if core.catalog_worker is not None:
        core.catalog_worker.wake()
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


def init_app(app: Flask, core: Core) -> None:
    register(app, core, VIEWS, gates={Gate.STORE_WEBHOOK: gate})
