"""Reading Meta's webhook deliveries with pywa: customers' messages and delivery statuses.

A delivery may batch several entries, changes and messages; pywa's types read one message
per update, so each is cut out into an update of its own. When pywa can't read a message
(a shape newer or older than it knows), the few fields the bridge needs are read by hand:
a message is never lost because a parser was strict. A message or status that can't be
stored (text no database takes, an id or code out of range, a field of the wrong type) is
logged without its content and left out; the rest of the delivery is kept.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from datetime import datetime, timezone

from pywa import WhatsApp, types
from pywa.types.base_update import RawUpdate

from bridge.inputs import parse_json, storable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbound:
    wamid: str
    phone: str  # the customer's wa_id (phone number), else their business-scoped id
    name: str | None
    kind: str  # text, button, list, image, or Meta's type for anything else
    sent_at: datetime
    text: str | None = None
    reply_id: str | None = None  # the id of a tapped reply button or list row
    media_id: str | None = None


@dataclass(frozen=True)
class Status:
    wamid: str
    status: str  # sent, delivered, read, failed
    at: datetime
    recipient: str | None = None
    error_code: int | None = None
    error_title: str | None = None


# The widest integer every database here stores (PostgreSQL's INTEGER).
MAX_INT = 2**31 - 1
REQUIRED = ("wamid", "phone", "kind", "status")


def parse(body: bytes, wa: WhatsApp, phone_number_id: str = "") -> tuple[list[Inbound], list[Status]]:
    """Every storable message and status in a delivery for our number (others are ignored).

    :raise ValueError: the body is not a JSON object the bridge reads (bridge.inputs).
    """
    data = parse_json(body, surrogates=True)  # checked field by field in _kept
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    messages, statuses = [], []
    for entry in _list(data.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if phone_number_id and number and str(number) != phone_number_id:
                continue  # another number of the same Meta app
            for message in _list(value.get("messages")):
                item = _kept(_message, wa, entry, change, value, message)
                if item is not None:
                    messages.append(item)
            for status in _list(value.get("statuses")):
                item = _kept(_status, wa, entry, change, value, status)
                if item is not None:
                    statuses.append(item)
    return messages, statuses


def _kept(read, wa, entry, change, value, item) -> Inbound | Status | None:
    """``read``'s record of one item, or None (logged) when it can't be read or stored."""
    kind = read.__name__.strip("_")
    try:
        record = read(wa, entry, change, value, item)
    except Exception as exc:  # a shape neither pywa nor the hand reader expects
        log.warning("WhatsApp %s dropped: unreadable (%s)", kind, type(exc).__name__)
        return None
    problem = record and unstorable(record)
    if problem:
        log.warning("WhatsApp %s dropped: its %s can't be stored", kind, problem)
        return None
    return record


def unstorable(record: Inbound | Status) -> str | None:
    """The first field of ``record`` no database would take, or None when all are fine."""
    for field in fields(record):
        value = getattr(record, field.name)
        if field.name in ("sent_at", "at"):
            ok = isinstance(value, datetime)
        elif field.name == "error_code":
            ok = value is None or (isinstance(value, int) and not isinstance(value, bool)
                                   and -MAX_INT - 1 <= value <= MAX_INT)
        elif value is None:
            ok = field.name not in REQUIRED
        else:
            ok = isinstance(value, str) and storable(value)
        if not ok:
            return field.name
    return None


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _single(entry: dict, change: dict, value: dict, key: str, item: dict) -> RawUpdate:
    """An update holding only ``item``, the shape pywa's types read."""
    one = {**value, key: [item]}
    if key == "messages":
        sender = item.get("from")
        contacts = [c for c in _list(value.get("contacts"))
                    if isinstance(c, dict) and sender in (c.get("wa_id"), c.get("user_id"))]
        one["contacts"] = contacts or _list(value.get("contacts"))[:1]
    update = {"object": "whatsapp_business_account",
              "entry": [{"id": entry.get("id"), "changes": [{**change, "value": one}]}]}
    return RawUpdate(json.dumps(update).encode(), hmac_header=None, update_hash="")


def _message(wa: WhatsApp, entry, change, value, message) -> Inbound | None:
    if not isinstance(message, dict) or not message.get("id") or not message.get("from"):
        return None
    raw = _single(entry, change, value, "messages", message)
    kind = message.get("type")
    interactive = (message.get("interactive") or {}).get("type") if kind == "interactive" else None
    try:
        if interactive == "button_reply" or kind == "button":  # kind: a template's quick reply
            tap = types.CallbackButton.from_update(client=wa, update=raw)
            return _inbound(tap, "button", reply_id=tap.data, text=tap.title)
        if interactive == "list_reply":
            tap = types.CallbackSelection.from_update(client=wa, update=raw)
            return _inbound(tap, "list", reply_id=tap.data, text=tap.title)
        msg = types.Message.from_update(client=wa, update=raw)
        if msg.type == types.MessageType.TEXT:
            return _inbound(msg, "text", text=msg.text)
        if msg.type == types.MessageType.IMAGE and msg.image is not None:
            return _inbound(msg, "image", media_id=msg.image.id, text=msg.image.caption)
        return _inbound(msg, str(getattr(msg.type, "value", msg.type) or "unknown")[:20])
    except Exception as exc:  # pywa could not read it; the bridge still can
        log.warning("pywa could not read message %.80r (%s); reading it by hand",
                    message.get("id"), type(exc).__name__)
        return _by_hand(value, message)


def _inbound(update, kind: str, **fields) -> Inbound:
    user = update.from_user
    return Inbound(wamid=update.id, phone=user.wa_id or user.bsuid, name=user.name, kind=kind,
                   sent_at=_aware(update.timestamp), **fields)


def _by_hand(value: dict, message: dict) -> Inbound:
    kind = str(message.get("type") or "unknown")[:20]
    fields = {}
    if kind == "text":
        fields["text"] = str((message.get("text") or {}).get("body") or "")
    elif kind == "image":
        fields["media_id"] = (message.get("image") or {}).get("id")
        fields["text"] = (message.get("image") or {}).get("caption")
    elif kind == "interactive":
        tap = message.get("interactive") or {}
        reply = tap.get("button_reply") or tap.get("list_reply")
        if isinstance(reply, dict):
            kind = "button" if "button_reply" in tap else "list"
            fields.update(reply_id=reply.get("id"), text=reply.get("title"))
    contact = next((c for c in _list(value.get("contacts")) if isinstance(c, dict)), {})
    return Inbound(wamid=str(message["id"]), phone=str(message["from"]),
                   name=(contact.get("profile") or {}).get("name"), kind=kind,
                   sent_at=_timestamp(message.get("timestamp")), **fields)


def _status(wa: WhatsApp, entry, change, value, status) -> Status | None:
    if not isinstance(status, dict) or not status.get("id") or not status.get("status"):
        return None
    try:
        update = types.MessageStatus.from_update(
            client=wa, update=_single(entry, change, value, "statuses", status))
        error = update.error
        return Status(wamid=update.id, status=str(update.status.value), at=_aware(update.timestamp),
                      recipient=update.from_user.wa_id or update.from_user.bsuid,
                      error_code=error.code if error else None,
                      error_title=_title(error.message if error else None))
    except Exception as exc:
        log.debug("pywa could not read status %.80r (%s)", status.get("id"), type(exc).__name__)
        error = next(iter(_list(status.get("errors"))), None) or {}
        code = error.get("code")
        return Status(wamid=str(status["id"]), status=str(status["status"])[:12],
                      at=_timestamp(status.get("timestamp")),
                      recipient=status.get("recipient_id"),
                      error_code=code if isinstance(code, int) else None,
                      error_title=_title(error.get("title") or error.get("message")))


def _title(text: str | None) -> str | None:
    return text[:300] if text else None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _timestamp(value) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(timezone.utc)
