"""How long conversations are kept: deleted by a background job once idle longer than
``retention_days`` (and erased on request by ``Handoffs.erase``). Their messages and webhook
deliveries go with them; analytics rows (tokens, cost, no text) stay for the figures."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ..db import utc_now
from ..models import Conversation, Message, WebhookDelivery

log = logging.getLogger(__name__)

BATCH = 500  # conversations per transaction: a big first sweep never holds a long lock
INTERVAL = 3600.0


def delete(session: Session, ids: list[str]) -> None:
    """Delete these conversations, their messages and webhook deliveries (in the caller's
    transaction)."""
    session.execute(sa.delete(Message).where(Message.conversation_id.in_(ids)))
    session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.conversation_id.in_(ids)))
    session.execute(sa.delete(Conversation).where(Conversation.id.in_(ids)))


def delete_idle(sessions: sessionmaker, days: int, now: datetime | None = None) -> int:
    """Delete the conversations without a message for more than ``days``; how many."""
    cutoff = (now or utc_now()) - timedelta(days=days)
    deleted = 0
    while True:
        with sessions.begin() as session:
            ids = list(session.scalars(sa.select(Conversation.id)
                                       .where(Conversation.updated_at < cutoff).limit(BATCH)))
            if not ids:
                return deleted
            delete(session, ids)
        deleted += len(ids)


class RetentionJob:
    """Runs ``sweep`` (``delete_idle``, or a channel's own for its tables) at start and then
    hourly, in each bridge process (two processes racing just find less to delete)."""

    def __init__(self, sessions: sessionmaker, days: int, interval: float = INTERVAL,
                 sweep: Callable[[sessionmaker, int], int] = delete_idle):
        self.sessions = sessions
        self.days = days
        self.interval = interval
        self.sweep = sweep
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> "RetentionJob":
        self.stopping.clear()
        self.thread = threading.Thread(target=self._loop, name="retention", daemon=True)
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                deleted = self.sweep(self.sessions, self.days)
                if deleted:
                    log.info("retention: deleted %d rows older than %d days (%s)", deleted,
                             self.days, getattr(self.sweep, "__qualname__", "sweep"))
            except Exception as exc:  # the database away for a moment: try next time
                log.warning("retention sweep failed: %s", type(exc).__name__)
            self.stopping.wait(self.interval)

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
