"""What app developers of other assistants expect beside the chat (docs/app-parity.md): the
personas a turn may name (GET /app/personas), asking for a person without a chat turn
(POST /app/handoff) and erasing a conversation (POST /app/conversation/erase).

Conversations are found only within the key and user's own (owner.client_key), as
/app/conversation finds them: another user's ref escalates or erases nothing of theirs."""
from __future__ import annotations

from flask import jsonify

from bridge.agent.core import new_ref
from bridge.core import current_core
from bridge.db import utc_now
from bridge.errors import MISSING_PARAM, bad_request
from bridge.inbox import scope
from bridge.inbox.handoff import asked_sentence, escalate
from bridge.inputs import json_object, optional_string
from bridge.models import Conversation

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


def erase():
    """Erasing one that isn't there, or isn't this user's, erases nothing and says so."""
    ref = _ref(json_object())
    owner = client_key(principal(), app_user())
    core = current_core()
    with core.sessions() as session:
        found = scope.find(session, owner, ref)
        conversation_id = found.id if found is not None else None
    erased = conversation_id is not None and core.handoffs.erase(conversation_id)
    return jsonify({"erased": erased})


VIEWS = {
    "app_api.personas": personas,
    "app_api.handoff": handoff,
    "app_api.erase": erase,
}
