"""Webhooks as WC_Webhook keeps and sends them: the registry behind wc/v3 webhooks, the Action
Scheduler queue, and the requests sent. A body is built when it is sent, as the webhook's
owner sees the resource then, and signed over the exact bytes sent.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import requests

from .php import json_encode, site_date

WEBHOOK_SECRET = "webhook_secret_placeholder_0123456789"
USER_AGENT = "WooCommerce/10.0.2 Hookshot (WordPress/6.8.7)"
DELIVERY_TIMEOUT = 60  # WooCommerce waits MINUTE_IN_SECONDS for a delivery
MAX_FAILURES = 5  # more consecutive failures than this and WooCommerce disables the webhook
TOPIC_HOOKS = {
    "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
    "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
    "coupon.deleted": ["wp_trash_post"], "coupon.restored": ["untrashed_post"],
    "customer.created": ["user_register", "woocommerce_created_customer",
                         "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
    "order.deleted": ["wp_trash_post"], "order.restored": ["untrashed_post"],
    "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product",
                        "woocommerce_new_product_variation"],
    "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product",
                        "woocommerce_update_product_variation"],
    "product.deleted": ["wp_trash_post"], "product.restored": ["untrashed_post"],
}


@dataclass
class Delivery:
    """One request the fake sent to a delivery URL, and what came back."""
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # None when the request itself failed
    error: str | None = None


class Webhooks:
    """Registered webhooks, their queue, and every delivery sent (``sent``)."""

    def __init__(self, clock: Callable[[], float], payload: Callable[[str, int], dict],
                 site_url: str):
        self.clock = clock
        self.payload = payload  # (resource, id) -> the wc/v3 body, built at delivery time
        self.site_url = site_url
        self.timeout: float = DELIVERY_TIMEOUT
        self.hooks: dict[int, dict] = {}
        self.queue: list[tuple[int, int]] = []  # (webhook id, resource id), like the actions
        self._queue_lock = threading.Lock()  # request threads queue, the test thread delivers
        self.sent: list[Delivery] = []
        self._ids = itertools.count(1)
        self._salt = secrets.token_hex(16)

    # -- registry --

    def create(self, *, topic: str, delivery_url: str, secret: str | None = None,
               name: str | None = None, status: str = "active") -> dict:
        """A webhook as the REST API creates one; the caller sends the ping afterwards."""
        now = self.clock()
        hook = {"id": next(self._ids), "name": name or datetime.fromtimestamp(
                    now, timezone.utc).strftime("Webhook created on %b %d, %Y @ %I:%M %p"),
                "status": status, "topic": topic, "delivery_url": delivery_url,
                "secret": secret or secrets.token_urlsafe(32), "date_created": site_date(now),
                "date_modified": None, "failure_count": 0, "pending_delivery": True}
        self.hooks[hook["id"]] = hook
        return hook

    def touch(self, hook: dict) -> None:
        hook["date_modified"] = site_date(self.clock())

    @staticmethod
    def view(hook: dict) -> dict:
        """The wc/v3 webhook shape (the secret is never echoed)."""
        resource, _, event = hook["topic"].partition(".")
        return {"id": hook["id"], "name": hook["name"], "status": hook["status"],
                "topic": hook["topic"], "resource": resource, "event": event,
                "hooks": [event] if resource == "action" else TOPIC_HOOKS.get(hook["topic"], []),
                "delivery_url": hook["delivery_url"],
                "date_created": hook["date_created"], "date_created_gmt": hook["date_created"],
                "date_modified": hook["date_modified"],
                "date_modified_gmt": hook["date_modified"]}

    # -- the queue --

    def on_product_event(self, event: str, product_id: int) -> None:
        """Catalogue listener: queue a delivery for each active webhook on product.<event>.
        Identical pending actions are not queued twice (Action Scheduler's de-duplication)."""
        with self._queue_lock:
            for hook in self.hooks.values():
                if hook["status"] == "active" and hook["topic"] == f"product.{event}" \
                        and (hook["id"], product_id) not in self.queue:
                    self.queue.append((hook["id"], product_id))

    def deliver_pending(self) -> int:
        """Run the queued deliveries, as Action Scheduler would; returns how many were sent."""
        count = 0
        while True:
            with self._queue_lock:
                if not self.queue:
                    return count
                hook_id, resource_id = self.queue.pop(0)
            hook = self.hooks.get(hook_id)
            if hook is None or hook["status"] != "active":
                continue
            delivery = self.deliver(hook["delivery_url"], hook["topic"], resource_id,
                                    secret=hook["secret"], webhook_id=hook_id)
            self._track(hook, delivery)
            count += 1

    def _track(self, hook: dict, delivery: Delivery) -> None:
        if delivery.status is not None and 200 <= delivery.status < 303:
            hook["failure_count"] = 0
        elif hook["failure_count"] > MAX_FAILURES:
            hook["status"] = "disabled"
        else:
            hook["failure_count"] += 1

    # -- sending --

    def body(self, topic: str, resource_id: int) -> bytes:
        """The exact bytes WooCommerce sends: {"id": N} for a deletion, else the resource."""
        resource, _, event = topic.partition(".")
        payload = {"id": resource_id} if event == "deleted" else self.payload(resource,
                                                                                resource_id)
        return json_encode(payload).encode()

    def deliver(self, url: str, topic: str, resource_id: int, *, secret: str = WEBHOOK_SECRET,
                webhook_id: int = 1) -> Delivery:
        """POST one signed delivery now and record it."""
        body = self.body(topic, resource_id)
        resource, _, event = topic.partition(".")
        signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
        headers = {
            "User-Agent": USER_AGENT, "Accept": "*/*",
            "Accept-Encoding": "deflate, gzip, br, zstd", "Content-Type": "application/json",
            "X-WC-Webhook-Source": f"{self.site_url}/", "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": signature.decode(), "X-WC-Webhook-ID": str(webhook_id),
            # wp_hash(id . time()): deliveries of one webhook in the same second share it.
            "X-WC-Webhook-Delivery-ID": hashlib.md5(
                f"{self._salt}{webhook_id}{int(self.clock())}".encode()).hexdigest(),
            "Connection": "close",
        }
        return self._send(url, headers, body)

    def ping(self, url: str, webhook_id: int = 1) -> Delivery:
        """The unsigned, form-encoded ping WooCommerce sends when a webhook is created."""
        headers = {"User-Agent": USER_AGENT, "Accept": "*/*",
                   "Accept-Encoding": "deflate, gzip, br, zstd", "Connection": "close",
                   "Content-Type": "application/x-www-form-urlencoded"}
        return self._send(url, headers, f"webhook_id={webhook_id}".encode())

    def _send(self, url: str, headers: dict, body: bytes) -> Delivery:
        delivery = Delivery(url, headers, body)
        try:
            delivery.status = requests.post(url, data=body, headers=headers,
                                            timeout=self.timeout, allow_redirects=False).status_code
        except requests.RequestException as failure:
            delivery.error = str(failure)
        self.sent.append(delivery)
        return delivery
