"""Outbound webhook events: queued with the change they announce, signed when sent.

Each delivery's body is ``{"id": "evt_...", "type": event, "created": unix, "data": {...}}``;
its ``Fahad-Signature`` header is ``t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`` with the
endpoint's own secret (Stripe's scheme, so receivers know how to check it and refuse replays
older than a few minutes).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from sqlalchemy.orm import Session

from ..db import utc_now
from ..models import WebhookDelivery
from ..settings import WEBHOOK_EVENTS as EVENTS, Settings


def emit(session: Session, settings: Settings, event: str, data: dict,
         conversation_id: str | None = None) -> int:
    """Queue ``event`` for each endpoint subscribed to it; how many were queued. The caller
    commits it with its own change."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event}")
    wanted = [name for name, endpoint in settings.webhooks.items() if event in endpoint["events"]]
    if not wanted:
        return 0
    now = utc_now()
    event_id = "evt_" + secrets.token_urlsafe(12)
    body = json.dumps({"id": event_id, "type": event, "created": int(now.timestamp()),
                       "data": data}, separators=(",", ":"), ensure_ascii=False, default=str)
    for name in wanted:
        session.add(WebhookDelivery(endpoint=name, event=event, event_id=event_id, body=body,
                                    conversation_id=conversation_id, status="pending",
                                    attempts=0, next_attempt_at=now, created_at=now))
    return len(wanted)


def signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``Fahad-Signature`` header of ``body``."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(secret: str, body: bytes, header: str, tolerance: int = 300,
           now: float | None = None) -> bool:
    """What a receiver does (and the tests do): the signature matches, within ``tolerance`` s."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts.get("t", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    expected = signature(secret, body, t).split("v1=", 1)[1]
    return abs(now - t) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))
