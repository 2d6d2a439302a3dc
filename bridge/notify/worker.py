"""Sending the queued webhook deliveries: a job of the core, in each bridge process.

Each pass claims due deliveries one by one with a conditional UPDATE (pending and due, or
working with its lease run out), so two processes never send the same attempt; a 2xx
answer marks it delivered, anything else schedules the next attempt (BACKOFF) or, after the
last, marks it failed. The rows are the delivery log the inbox reads.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

import requests
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from ..db import utc_now
from ..models import WebhookDelivery
from ..settings import Settings
from .events import signature

log = logging.getLogger(__name__)

# Seconds before each retry; one attempt more than pauses, then "failed".
BACKOFF = (10, 60, 300, 1800, 7200)
LEASE = 120  # seconds an attempt may take before another process may try again


class WebhookWorker:
    def __init__(self, sessions: sessionmaker, settings: Settings, backoff=BACKOFF):
        self.sessions = sessions
        self.settings = settings
        self.backoff = tuple(backoff)
        self.http = requests.Session()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> "WebhookWorker":
        self.stopping.clear()
        self.thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                self.drain()
            except Exception as exc:  # the database away for a moment
                log.warning("webhook worker: %s", type(exc).__name__)
            self.stopping.wait(self.settings.webhook_poll_interval)

    def drain(self, limit: int = 100) -> int:
        """Attempt every delivery due now (at most ``limit``); how many were attempted."""
        done = 0
        while done < limit and not self.stopping.is_set():
            claimed = self._claim()
            if claimed is None:
                break
            self._attempt(*claimed)
            done += 1
        return done

    def _claim(self) -> tuple[int, str, str, str, int] | None:
        now = utc_now()
        due = sa.or_(sa.and_(WebhookDelivery.status == "pending",
                             WebhookDelivery.next_attempt_at <= now),
                     sa.and_(WebhookDelivery.status == "working",
                             WebhookDelivery.lease_until < now))
        with self.sessions.begin() as session:
            for row in session.execute(sa.select(WebhookDelivery.id).where(due)
                                       .order_by(WebhookDelivery.id).limit(10)):
                taken = session.execute(
                    sa.update(WebhookDelivery).where(WebhookDelivery.id == row.id, due)
                    .values(status="working", lease_until=now + timedelta(seconds=LEASE),
                            attempts=WebhookDelivery.attempts + 1)
                    .execution_options(synchronize_session=False)).rowcount
                if taken:
                    found = session.get(WebhookDelivery, row.id)
                    return found.id, found.endpoint, found.event, found.body, found.attempts
        return None

    def _attempt(self, delivery_id: int, endpoint: str, event: str, body: str,
                 attempts: int) -> None:
        config = self.settings.webhooks.get(endpoint)
        status, error = None, None
        if config is None:
            error = "endpoint no longer configured"
        else:
            data = body.encode()
            try:
                response = self.http.post(
                    config["url"], data=data, timeout=self.settings.webhook_timeout,
                    allow_redirects=False,
                    headers={"Content-Type": "application/json",
                             "Fahad-Signature": signature(config["secret"], data),
                             "Fahad-Event": event, "Fahad-Delivery": str(delivery_id),
                             "User-Agent": "fahad-ai-bridge webhooks"})
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except requests.RequestException as exc:
                error = type(exc).__name__
        self._record(delivery_id, attempts, status, error, retry=config is not None)

    def _record(self, delivery_id: int, attempts: int, status: int | None, error: str | None,
                retry: bool) -> None:
        now = utc_now()
        values = {"response_status": status, "error": error, "lease_until": None}
        if error is None:
            values.update(status="delivered", delivered_at=now)
        elif retry and attempts <= len(self.backoff):
            values.update(status="pending",
                          next_attempt_at=now + timedelta(seconds=self.backoff[attempts - 1]))
        else:
            values.update(status="failed")
            log.warning("webhook delivery %s failed for good: %s", delivery_id, error)
        with self.sessions.begin() as session:
            session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                            .values(**values).execution_options(synchronize_session=False))
