"""The WhatsApp channel's state in the bridge's database (its tables are in models.py).

Inbound messages are the job queue: stored once (their wamid is unique), then claimed by
exactly one worker with one conditional UPDATE, which also waits for the same customer's
earlier messages so a conversation is answered in order. A claim carries a lease: a worker
that dies mid-reply loses its claim when the lease runs out, and another worker (or the
same bridge after a restart) takes the message over. Replies are outbound rows, planned
before any is sent (``queue_replies``), then each marked "sending" before its call
(``begin_send``) and marked with its outcome (``mark``).
"""
from __future__ import annotations

import logging
import threading
from contextlib import nullcontext
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from bridge.db import insert_one, utc_now
from bridge.models import Conversation

from .graph import Outgoing
from .inbound import Inbound, Status
from .models import WhatsAppContact, WhatsAppInbound, WhatsAppOutbound, WhatsAppStatus

log = logging.getLogger(__name__)

OPEN = ("pending", "working")
SERVICE_WINDOW = timedelta(hours=24)  # Meta's customer-service window
# What a database raises for data it can't hold (as opposed to being unreachable).
UNSTORABLE = (DataError, UnicodeEncodeError)


def store(sessions: sessionmaker, message: Inbound) -> int | None:
    """Keep a customer's message; its row id, or None when it was already stored (or the
    database refused its data, logged: inbound.parse leaves out what it knows can't be kept).

    One INSERT (no ORM unit of work): this runs inside the webhook, before its 200, so on
    PostgreSQL it is one autocommitted round trip (``insert_one``).
    """
    row = dict(
        wamid=message.wamid[:255], phone=message.phone[:64],
        name=(message.name or "")[:200] or None, kind=message.kind, text=message.text,
        reply_id=(message.reply_id or "")[:256] or None,
        media_id=(message.media_id or "")[:128] or None, sent_at=message.sent_at,
        received_at=utc_now(), status="pending", attempts=0)
    try:
        with _sqlite_writer(sessions):
            return insert_one(sessions, WhatsAppInbound.__table__, row)
    except IntegrityError:
        return None  # Meta's retry of a message we have
    except UNSTORABLE as exc:
        log.warning("WhatsApp message dropped: the database refused it (%s)",
                    type(getattr(exc, "orig", exc)).__name__)
        return None


_SQLITE_WRITE = threading.Lock()


def _sqlite_writer(sessions: sessionmaker):
    """SQLite has one writer at a time, and a writer that finds the file locked sleeps in
    growing steps (1, 2, 5, 10... ms) before it tries again. The webhook's concurrent
    inserts queue on a lock here instead, which costs them a fraction of that."""
    bind = sessions.kw.get("bind")
    if bind is not None and bind.dialect.name == "sqlite":
        return _SQLITE_WRITE
    return nullcontext()


def record_status(sessions: sessionmaker, status: Status) -> bool:
    """Record a delivery status once; update the reply it is about. False if seen before
    (or refused by the database, logged)."""
    with sessions() as session:
        try:
            with session.begin():
                session.add(WhatsAppStatus(
                    wamid=status.wamid[:255], status=status.status[:12],
                    recipient=(status.recipient or "")[:64] or None,
                    error_code=status.error_code, error_title=status.error_title, at=status.at))
        except IntegrityError:
            return False
        except UNSTORABLE as exc:
            log.warning("WhatsApp status dropped: the database refused it (%s)",
                        type(getattr(exc, "orig", exc)).__name__)
            return False
        with session.begin():
            # Statuses can arrive out of order; read never goes back to delivered.
            rank = {"queued": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
            reply = session.scalar(sa.select(WhatsAppOutbound)
                                   .where(WhatsAppOutbound.wamid == status.wamid))
            if reply is not None and rank.get(status.status, 0) > rank.get(reply.status, 0):
                reply.status = status.status[:12]
                reply.updated_at = utc_now()
                if status.status == "failed":
                    reply.error_code = status.error_code
                    reply.error_title = status.error_title
    return True


def _claimable(now: datetime):
    return sa.or_(WhatsAppInbound.status == "pending",
                  sa.and_(WhatsAppInbound.status == "working", WhatsAppInbound.lease_until < now))


def _first_of_customer():
    """No earlier message of the same customer is still waiting or being answered."""
    earlier = aliased(WhatsAppInbound)
    return ~sa.exists().where(earlier.phone == WhatsAppInbound.phone,
                              earlier.id < WhatsAppInbound.id, earlier.status.in_(OPEN))


def claim(sessions: sessionmaker, inbound_id: int, worker: str, lease: int) -> bool:
    """Take one message for ``worker``; False when another worker has it, it is done, or
    an earlier message of the same customer is still waiting."""
    now = utc_now()
    statement = (
        sa.update(WhatsAppInbound)
        .where(WhatsAppInbound.id == inbound_id, _claimable(now), _first_of_customer())
        .values(status="working", worker=worker[:80], lease_until=now + timedelta(seconds=lease),
                attempts=WhatsAppInbound.attempts + 1)
        .execution_options(synchronize_session=False))
    with sessions.begin() as session:
        return session.execute(statement).rowcount == 1


def waiting(sessions: sessionmaker, limit: int = 20, older_than: float = 0) -> list[int]:
    """Ids of messages a worker may take now, oldest first (what a restart picks up): each
    customer's first open one; with ``older_than``, only those received that long ago."""
    now = utc_now()
    statement = sa.select(WhatsAppInbound.id).where(_claimable(now), _first_of_customer())
    if older_than:
        statement = statement.where(
            WhatsAppInbound.received_at <= now - timedelta(seconds=older_than))
    with sessions() as session:
        return list(session.scalars(statement.order_by(WhatsAppInbound.id).limit(limit)))


def next_of_customer(sessions: sessionmaker, inbound_id: int) -> int | None:
    """The customer's next waiting message after this one, if any (it waited for this)."""
    later = aliased(WhatsAppInbound)
    with sessions() as session:
        return session.scalar(
            sa.select(later.id)
            .join(WhatsAppInbound, WhatsAppInbound.phone == later.phone)
            .where(WhatsAppInbound.id == inbound_id, later.id > inbound_id,
                   later.status == "pending")
            .order_by(later.id).limit(1))


def finish(sessions: sessionmaker, inbound_id: int, worker: str, outcome: str,
           status: str = "done") -> None:
    with sessions.begin() as session:
        session.execute(sa.update(WhatsAppInbound)
                        .where(WhatsAppInbound.id == inbound_id, WhatsAppInbound.worker == worker)
                        .values(status=status, outcome=outcome[:24], done_at=utc_now(),
                                lease_until=None)
                        .execution_options(synchronize_session=False))


def attempts(sessions: sessionmaker, inbound_id: int) -> int:
    """How many times the message has been claimed."""
    with sessions() as session:
        return session.get(WhatsAppInbound, inbound_id).attempts


# -- replies ---------------------------------------------------------------------------

def planned(sessions: sessionmaker, inbound_id: int) -> int:
    """How many replies are planned for the message (0: its answer is still to be decided)."""
    with sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(WhatsAppOutbound)
                              .where(WhatsAppOutbound.inbound_id == inbound_id))


def queue_replies(sessions: sessionmaker, message: WhatsAppInbound, outcome: str,
                  replies: list[Outgoing]) -> None:
    """Store the planned replies and the message's outcome in one transaction."""
    with sessions.begin() as session:
        for seq, reply in enumerate(replies):
            session.add(WhatsAppOutbound(inbound_id=message.id, seq=seq, phone=message.phone,
                                         kind=reply.kind, body=reply.to_dict()))
        session.execute(sa.update(WhatsAppInbound).where(WhatsAppInbound.id == message.id)
                        .values(outcome=outcome[:24]))


def unsent(sessions: sessionmaker, inbound_id: int) -> list[WhatsAppOutbound]:
    """The message's replies not yet attempted ("queued") or cut short ("sending"), in order."""
    with sessions() as session:
        return list(session.scalars(
            sa.select(WhatsAppOutbound)
            .where(WhatsAppOutbound.inbound_id == inbound_id,
                   WhatsAppOutbound.status.in_(("queued", "sending")))
            .order_by(WhatsAppOutbound.seq)))


def mark(sessions: sessionmaker, reply_id: int, status: str, wamid: str | None,
         title: str | None = None, code: int | None = None) -> None:
    """Record a send's outcome, unless a status update from Meta has moved the reply on."""
    with sessions.begin() as session:
        row = session.get(WhatsAppOutbound, reply_id)
        if row.status in ("queued", "sending"):
            row.status = status
        row.wamid = wamid[:255] if wamid else None
        row.error_code, row.error_title = code, (title or "")[:300] or None
        row.updated_at = utc_now()


def begin_send(sessions: sessionmaker, reply_id: int) -> bool:
    """Record that reply ``reply_id`` is about to be sent (queued -> sending), committed
    before the Graph API call; False when it is no longer queued. A row found "sending"
    later was being sent when its worker stopped: Meta may have it, so it is never resent."""
    with sessions.begin() as session:
        return session.execute(
            sa.update(WhatsAppOutbound)
            .where(WhatsAppOutbound.id == reply_id, WhatsAppOutbound.status == "queued")
            .values(status="sending", updated_at=utc_now())
            .execution_options(synchronize_session=False)).rowcount == 1


def release_claim(sessions: sessionmaker, inbound_id: int, worker: str) -> None:
    """Give a message back after a failure, for another attempt."""
    with sessions.begin() as session:
        session.execute(sa.update(WhatsAppInbound)
                        .where(WhatsAppInbound.id == inbound_id, WhatsAppInbound.worker == worker)
                        .values(status="pending", lease_until=None)
                        .execution_options(synchronize_session=False))


def contact(session: Session, phone: str, name: str | None = None) -> WhatsAppContact:
    """The customer's row, created on first contact (safe when two workers race)."""
    row = session.get(WhatsAppContact, phone)
    if row is None:
        try:
            with session.begin_nested():
                session.add(WhatsAppContact(phone=phone, name=name))
        except IntegrityError:
            pass
        row = session.get(WhatsAppContact, phone)
    if name and row.name != name:
        row.name = name[:200]
    return row


def last_message_at(session: Session, phone: str) -> datetime | None:
    """When the customer last wrote (their own timestamp): the 24-hour window's start."""
    return session.scalar(sa.select(sa.func.max(WhatsAppInbound.sent_at))
                          .where(WhatsAppInbound.phone == phone))


def recent_count(session: Session, phone: str, since: datetime, up_to_id: int) -> int:
    """The customer's messages received since ``since``, up to and including this one."""
    return session.scalar(sa.select(sa.func.count()).select_from(WhatsAppInbound)
                          .where(WhatsAppInbound.phone == phone,
                                 WhatsAppInbound.received_at >= since,
                                 WhatsAppInbound.id <= up_to_id)) or 0


def release_handoff(sessions: sessionmaker, phone: str) -> bool:
    """Give the customer back to the assistant (their conversation too, as the inbox's hand
    back does); False when they were not handed off."""
    with sessions.begin() as session:
        row = session.get(WhatsAppContact, phone)
        if row is None or row.handoff_at is None:
            return False
        row.handoff_at = None
        conversation = session.get(Conversation, row.conversation_ref) \
            if row.conversation_ref else None
        if conversation is not None and conversation.status in ("escalated", "person"):
            conversation.status = "open"
            conversation.updated_at = utc_now()
        return True


def handoffs(sessions: sessionmaker) -> list[tuple[str, str | None, datetime]]:
    with sessions() as session:
        return [tuple(r) for r in session.execute(
            sa.select(WhatsAppContact.phone, WhatsAppContact.name, WhatsAppContact.handoff_at)
            .where(WhatsAppContact.handoff_at.is_not(None))
            .order_by(WhatsAppContact.handoff_at))]
