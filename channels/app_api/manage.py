"""What app developers of other assistants expect beside the chat (docs/app-parity.md): the
personas a turn may name (GET /app/personas), asking for a person without a chat turn
(POST /app/handoff), rating an answer (POST /app/feedback) and erasing a conversation
(POST /app/conversation/erase).

Conversations are found only within the key and user's own (owner.client_key), as
/app/conversation finds them: another user's ref escalates or erases nothing of theirs."""
from __future__ import annotations

import secrets

from flask import jsonify

from bridge import notify

from bridge.agent.core import new_ref
from bridge.core import current_core
from bridge.db import utc_now
from bridge.errors import INVALID_RATING, MISSING_PARAM, BridgeError, bad_request
from bridge.inbox import scope
from bridge.inbox.handoff import UNKNOWN, asked_sentence, escalate
from bridge.inputs import json_object, optional_string
from bridge.models import Conversation, Feedback

from .owner import app_user, client_key, principal

REASON_MAX = 500


def _ref(body: dict) -> str:
    ref = scope.check_ref(optional_string(body, "conversation_ref", 128))
    if ref is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: conversation_ref.")
    return ref


def personas():
    """Names and tones only: a persona's instructions are the store's words to the model."""
    configured = current_core().settings.personas
    return jsonify({"personas": [{"name": name, "tone": configured[name]["tone"]}
                                 for name in sorted(configured)]})


def handoff():
    body = json_object()
    ref = _ref(body)
    reason = optional_string(body, "reason", REASON_MAX, truncate=True)
    key, user = principal(), app_user()
    owner = client_key(key, user)
    core = current_core()
    now = utc_now()
    with core.sessions.begin() as session:
        conversation = scope.find(session, owner, ref)
        if conversation is None:  # as the widget's button: before the first message too
            conversation = Conversation(
                id=new_ref("cv"), channel="app", client_key=owner, client_ref=ref,
                status="open", message_count=0, created_at=now, updated_at=now,
                customer={"app_user": user, "api_key": key.key_id, "mode": key.mode})
            session.add(conversation)
        handoff_ref = escalate(session, core.settings, conversation,
                               reason or "asked through the app's API", now=now)
        status = conversation.status
    return jsonify({"conversation_ref": ref, "status": status, "handoff_ref": handoff_ref,
                    "message": asked_sentence(handoff_ref)})


def feedback():
    """As the widget's /feedback, but the conversation must be the user's own: an app's
    ratings feed the store's figures, so a key can't rate someone else's answers."""
    body = json_object()
    rating = body.get("rating")
    if rating not in ("up", "down"):
        raise bad_request(INVALID_RATING, "rating must be \"up\" or \"down\".")
    ref = _ref(body)
    reason = optional_string(body, "reason", REASON_MAX, truncate=True)
    message_ref = optional_string(body, "message_ref", 128)
    owner = client_key(principal(), app_user())
    core = current_core()
    with core.sessions.begin() as session:
        if scope.find(session, owner, ref) is None:
            raise BridgeError(UNKNOWN, "No conversation with that ref.", 404)
        entry = Feedback(id="fb_" + secrets.token_urlsafe(12), rating=rating,
                         reason=(reason or "").strip() or None,
                         conversation_ref=ref, message_ref=message_ref)
        session.add(entry)
        notify.emit(session, core.settings, "feedback.created", {
            "id": entry.id, "rating": rating, "reason": entry.reason,
            "conversation_ref": ref, "message_ref": message_ref})
    return jsonify({"ok": True, "id": entry.id})


def erase():
    """Erasing one that isn't there, or isn't this user's, erases nothing and says so."""
    ref = _ref(json_object())
    owner = client_key(principal(), app_user())
    return jsonify({"erased": scope.erase_own(current_core(), owner, ref)})


VIEWS = {
    "app_api.personas": personas,
    "app_api.handoff": handoff,
    "app_api.feedback": feedback,
    "app_api.erase": erase,
}
