"""The shopper's side of the inbox: asking for a person with the widget's button (POST
/handoff), reading one's own conversation as a person answers it (GET /conversation), and
erasing it (POST /conversation/erase, privacy).

Both find the conversation only within the client's own scope (owner.py): a ref alone,
guessed or copied, reads nothing and escalates nothing of anyone else's.
"""
from __future__ import annotations

from flask import jsonify

from bridge.agent.core import new_ref
from bridge.core import current_core
from bridge.db import utc_now
from bridge.errors import MISSING_PARAM, BridgeError, bad_request
from bridge.inbox import scope
from bridge.inbox.handoff import UNKNOWN, asked_sentence, escalate
from bridge.inbox.reading import messages_after
from bridge.inputs import json_object, optional_string, query_int, query_text
from bridge.models import Conversation

from .owner import client, customer, remember_client

PAGE = 100  # messages per poll
REASON_MAX = 500


def handoff():
    body = json_object()
    ref = scope.check_ref(optional_string(body, "conversation_ref", 128))
    if ref is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: conversation_ref.")
    reason = optional_string(body, "reason", REASON_MAX, truncate=True)
    key, issued = client()
    core = current_core()
    now = utc_now()
    with core.sessions.begin() as session:
        conversation = scope.find(session, key, ref)
        if conversation is None:  # the button works before the first message, too
            conversation = Conversation(id=new_ref("cv"), channel="storefront", client_key=key,
                                        client_ref=ref, status="open", message_count=0,
                                        customer=customer(), created_at=now, updated_at=now)
            session.add(conversation)
        handoff_ref = escalate(session, core.settings, conversation,
                               reason or "asked with the widget's button", now=now)
        status = conversation.status
    return remember_client(jsonify({"conversation_ref": ref, "status": status,
                                    "handoff_ref": handoff_ref,
                                    "message": asked_sentence(handoff_ref)}), issued)


def conversation():
    ref = query_text("ref", 128)
    if not ref:
        raise bad_request(MISSING_PARAM, "Missing parameter: ref.")
    ref = scope.check_ref(ref, "ref")
    after = query_int("after", 0, 0, 2**62)
    key, _ = client()
    with current_core().sessions() as session:
        found = scope.find(session, key, ref)
        if found is None:  # not this client's, or no such: one answer for both
            raise BridgeError(UNKNOWN, "No conversation with that ref.", 404)
        found_messages = messages_after(session, current_core().index, found, after, PAGE)
    response = jsonify({
        "conversation_ref": ref, "status": found.status, "handoff_ref": found.handoff_ref,
        "messages": found_messages})
    response.headers["Cache-Control"] = "private, no-store"
    return response


def erase():
    """Erase the client's own conversation with this ref, everything it said; erasing one
    that isn't there (or isn't theirs) erases nothing and says so."""
    body = json_object()
    ref = scope.check_ref(optional_string(body, "conversation_ref", 128))
    if ref is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: conversation_ref.")
    key, _ = client()
    return jsonify({"erased": scope.erase_own(current_core(), key, ref)})
