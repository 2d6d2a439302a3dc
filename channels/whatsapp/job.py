"""Answering one stored WhatsApp message: the job a worker runs.

The answer is planned first (policy.py) and stored as outbound rows; then each row is
marked "sending", sent, and marked with its outcome (ledger.py). A worker that dies after
planning leaves rows that the next attempt sends instead of answering again; one that dies
mid-send leaves a row that is never sent again ("unknown").
"""
from __future__ import annotations

import logging

from pywa import WhatsApp
from sqlalchemy.orm import sessionmaker

from bridge.db import utc_now

from . import ledger
from .graph import WINDOW_CLOSED, Outgoing, SendFailed, send
from .models import WhatsAppInbound
from .policy import SERVICE_WINDOW, Policy

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class Responder:
    """Claims a message, has the policy plan its answer once, and sends what is planned."""

    def __init__(self, policy: Policy, wa: WhatsApp, sessions: sessionmaker, lease: int):
        self.policy = policy
        self.wa = wa
        self.sessions = sessions
        self.lease = lease

    def process(self, inbound_id: int, worker: str) -> bool:
        """Answer one message if this worker can claim it; True when it did the work."""
        if not ledger.claim(self.sessions, inbound_id, worker, self.lease):
            return False
        try:
            outcome = self._answer(inbound_id)
        except Exception:
            log.exception("WhatsApp message %s could not be answered", inbound_id)
            if ledger.attempts(self.sessions, inbound_id) >= MAX_ATTEMPTS:
                ledger.finish(self.sessions, inbound_id, worker, "error", status="failed")
            else:
                ledger.release_claim(self.sessions, inbound_id, worker)
            return True
        ledger.finish(self.sessions, inbound_id, worker, outcome)
        return True

    def _answer(self, inbound_id: int) -> str:
        with self.sessions() as session:
            message = session.get(WhatsAppInbound, inbound_id)
        if ledger.planned(self.sessions, inbound_id):
            outcome = message.outcome or "answered"  # a retry: send what is left
        else:
            outcome, replies = self.policy.plan(message)
            ledger.queue_replies(self.sessions, message, outcome, replies)
        self.send_queued(message)
        return outcome

    def send_queued(self, message: WhatsAppInbound) -> None:
        """Send the planned replies not yet attempted. Each is marked "sending" before its
        call, so nothing is sent twice: a row still "sending" here was being sent when an
        earlier attempt stopped, and becomes "unknown" (a lost message is better than a
        duplicate)."""
        rows = ledger.unsent(self.sessions, message.id)
        with self.sessions() as session:
            last = ledger.last_message_at(session, message.phone)
        window_closed = False
        for row in rows:
            if row.status == "sending":
                log.warning("WhatsApp reply %s of message %s: fate unknown (an earlier attempt "
                            "stopped during its send); not resent", row.id, message.id)
                ledger.mark(self.sessions, row.id, "unknown", None,
                            "an earlier attempt stopped during the send")
                continue
            if window_closed or last is None or utc_now() - last > SERVICE_WINDOW:
                # Free-form messages are only allowed within 24 h of the customer's last.
                ledger.mark(self.sessions, row.id, "skipped", None,
                            "outside the 24-hour customer-service window")
                continue
            if not ledger.begin_send(self.sessions, row.id):
                continue
            try:
                wamid = send(self.wa, message.phone, Outgoing.from_dict(row.body))
            except SendFailed as exc:
                log.warning("WhatsApp reply %s %s: %s %s", row.id,
                            "fate unknown" if exc.maybe_sent else "failed", exc.code, exc.title)
                ledger.mark(self.sessions, row.id, "unknown" if exc.maybe_sent else "failed",
                            None, exc.title, exc.code)
                # Meta says the window is closed: the rest would fail the same way.
                window_closed = exc.code == WINDOW_CLOSED
                continue
            except Exception:
                # Raised after the request left (an answer pywa can't read): Meta may have it.
                log.exception("WhatsApp reply %s: fate unknown after its send; not resent", row.id)
                ledger.mark(self.sessions, row.id, "unknown", None,
                            "the send's answer could not be read")
                continue
            ledger.mark(self.sessions, row.id, "sent", wamid)
