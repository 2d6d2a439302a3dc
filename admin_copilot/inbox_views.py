"""The inbox's routes: list and read conversations, reply, take over, hand back, resolve,
erase; the webhook delivery log; the conversation insights. Their writes touch the bridge's
own tables only (bridge.inbox): the store is not even handed to them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import g, jsonify

from bridge.core import current_core
from bridge.errors import INVALID_PARAM, MISSING_PARAM, BridgeError, bad_request
from bridge.inbox.handoff import STATUSES, UNKNOWN
from bridge.inbox.intent import INTENTS, SENTIMENTS
from bridge.inputs import json_object, optional_int, optional_string, query_int, query_text
from bridge.notify import EVENTS

from . import inbox, inbox_insights

CHANNELS = ("storefront", "whatsapp", "app")
TEXT_MAX = 4000
SUMMARY_MAX = 2000
DELIVERY_STATUSES = ("pending", "working", "delivered", "failed")


def _private(body: dict):
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    value = query_text(name, 40)
    if not value:
        return None
    if value not in allowed:
        raise bad_request(INVALID_PARAM, f"{name} must be one of {', '.join(allowed)}.")
    return value


def _moment(name: str) -> datetime | None:
    """A date (YYYY-MM-DD, the start of that UTC day) or an ISO 8601 time; else 400."""
    value = query_text(name, 40)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(INVALID_PARAM, f"{name} must be a date (YYYY-MM-DD) or an ISO 8601 "
                          "time.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def conversations():
    until = _moment("until")
    if until is not None and len(query_text("until", 40)) == 10:
        until += timedelta(days=1)  # a date: through the end of that day
    filters = inbox.Filters(
        channel=_choice("channel", CHANNELS), status=_choice("status", STATUSES),
        intent=_choice("intent", INTENTS), sentiment=_choice("sentiment", SENTIMENTS),
        since=_moment("since"), until=until, words=query_text("q", 200) or None)
    page = query_int("page", 1, 1, 100_000)
    per_page = query_int("per_page", 20, 1, 100)
    with current_core().sessions() as session:
        return _private(inbox.listing(session, filters, page, per_page))


def _id_query() -> str:
    value = query_text("id", 40)
    if not value:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    return value


def conversation():
    core = current_core()
    with core.sessions() as session:
        found = inbox.detail(session, core.index, _id_query())
    if found is None:
        raise BridgeError(UNKNOWN, "No conversation with that id.", 404)
    return _private(found)


def _body_id(body: dict) -> str:
    value = optional_string(body, "id", 40)
    if not value:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    return value


def _author(body: dict) -> str:
    """Who acts: the name given, else the WordPress user, else "store"."""
    name = (optional_string(body, "author", 120) or "").strip()
    uid = getattr(g.identity, "uid", 0)
    return name or (f"wp user {uid}" if uid else "store")


def _text(body: dict, name: str, limit: int) -> str:
    value = (optional_string(body, name, limit) or "").strip()
    if not value:
        raise bad_request(MISSING_PARAM, f"Missing parameter: {name}.")
    return value


def reply():
    body = json_object()
    conversation_id, text = _body_id(body), _text(body, "text", TEXT_MAX)
    handoffs = current_core().handoffs
    found, message, delivery = handoffs.reply(conversation_id, text, _author(body))
    return _private({"conversation": inbox.summary(found, text),
                     "message": {"id": message.id, "ref": message.ref, "role": "person",
                                 "content": text, "author": message.author,
                                 "created_at": message.created_at.isoformat()},
                     "delivery": delivery})


def take_over():
    body = json_object()
    found = current_core().handoffs.take_over(_body_id(body), _author(body))
    return _private({"conversation": inbox.summary(found)})


def hand_back():
    body = json_object()
    found = current_core().handoffs.hand_back(_body_id(body))
    return _private({"conversation": inbox.summary(found)})


def resolve():
    body = json_object()
    conversation_id, summary = _body_id(body), _text(body, "summary", SUMMARY_MAX)
    csat = optional_int(body, "csat", 1, 5)
    found = current_core().handoffs.resolve(conversation_id, summary, csat, _author(body))
    return _private({"conversation": inbox.summary(found)})


def erase():
    body = json_object()
    if not current_core().handoffs.erase(_body_id(body)):
        raise BridgeError(UNKNOWN, "No conversation with that id.", 404)
    return _private({"erased": True})


def webhook_deliveries():
    event = _choice("event", EVENTS)
    status = _choice("status", DELIVERY_STATUSES)
    page = query_int("page", 1, 1, 100_000)
    per_page = query_int("per_page", 20, 1, 100)
    with current_core().sessions() as session:
        return _private(inbox.deliveries(session, event, status, page, per_page))


def insights():
    days = query_int("days", 30, 1, 90)
    with current_core().sessions() as session:
        return _private(inbox_insights.insights(session, days))


VIEWS = {
    "admin_copilot.conversations": conversations,
    "admin_copilot.conversation": conversation,
    "admin_copilot.reply": reply,
    "admin_copilot.take_over": take_over,
    "admin_copilot.hand_back": hand_back,
    "admin_copilot.resolve": resolve,
    "admin_copilot.erase": erase,
    "admin_copilot.webhook_deliveries": webhook_deliveries,
    "admin_copilot.inbox_insights": insights,
}
