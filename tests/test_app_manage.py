"""An app's personas, handoff and erasure (channels/app_api/manage.py): each only within the
key and user's own conversations, each refused without its scope, bad input a 400."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from apps import ADMIN_TOKEN, AppServer, Manager
from bridge.settings import Settings
from bridge.models import Feedback
from conftest import SECRET

PERSONAS = {"stylist": {"tone": "warm and fashion-savvy", "instructions": "Secret words."},
            "expert": {"tone": "precise"}}


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path), bridge_secret=SECRET, public_url="http://shop.test",
                    admin_token=ADMIN_TOKEN, providers=("offline",), personas=PERSONAS)


@pytest.fixture
def manager(client):
    return Manager(client)


@pytest.fixture
def server(client, manager):
    key = manager.create(scopes=["chat", "conversations:read"])["key"]
    return AppServer(client, key, user="alice@example.com")


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == code and body["data"]["status"] == status
    return body


def test_personas_list_names_and_tones_never_instructions(server):
    response = server.get("/app/personas")
    assert response.status_code == 200
    assert response.get_json() == {"personas": [
        {"name": "expert", "tone": "precise"},
        {"name": "stylist", "tone": "warm and fashion-savvy"}]}
    assert "Secret words" not in response.get_data(as_text=True)
    # A listed name is one a turn may send.
    assert server.post("/app/message", {"messages": [{"role": "user", "content": "hoodies"}],
                                        "persona": "stylist"}).status_code == 200


def test_handoff_escalates_the_users_own_conversation(server):
    ref = server.say("hoodies", "alice-chat-0001").get_json()["conversation_ref"]
    response = server.post("/app/handoff", {"conversation_ref": ref, "reason": "sizing"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["conversation_ref"] == ref and body["status"] == "escalated"
    assert body["handoff_ref"] and body["handoff_ref"] in body["message"]
    seen = server.get("/app/conversation", f"ref={ref}").get_json()
    assert seen["status"] == "escalated" and seen["handoff_ref"] == body["handoff_ref"]
    # Before any message, too: the conversation starts escalated, as the app user's.
    fresh = server.post("/app/handoff", {"conversation_ref": "alice-chat-0002"}).get_json()
    assert fresh["status"] == "escalated"
    assert server.get("/app/conversations").get_json()["count"] == 2


def test_conversations_filter_by_status(server):
    server.say("hoodies", "alice-chat-0010")
    server.post("/app/handoff", {"conversation_ref": "alice-chat-0011"})
    escalated = server.get("/app/conversations", "status=escalated").get_json()
    assert escalated["count"] == 1
    assert [c["conversation_ref"] for c in escalated["conversations"]] == ["alice-chat-0011"]
    assert server.get("/app/conversations", "status=open").get_json()["count"] == 1
    assert server.get("/app/conversations").get_json()["count"] == 2
    _error(server.get("/app/conversations", "status=archived"), 400, "rest_invalid_param")


def test_handoff_and_erase_never_reach_another_users_conversation(app, server):
    ref = server.say("hoodies", "alice-chat-0003").get_json()["conversation_ref"]
    bob = AppServer(app.test_client(), server.key, user="bob")
    assert bob.post("/app/conversation/erase", {"conversation_ref": ref}).get_json() == {
        "erased": False}
    bob.post("/app/handoff", {"conversation_ref": ref})  # Bob's own, new conversation
    alices = server.get("/app/conversation", f"ref={ref}").get_json()
    assert alices["status"] == "open" and len(alices["messages"]) == 2


def test_erase_removes_the_conversation(server):
    ref = server.say("hoodies", "alice-chat-0004").get_json()["conversation_ref"]
    assert server.post("/app/conversation/erase", {"conversation_ref": ref}).get_json() == {
        "erased": True}
    _error(server.get("/app/conversation", f"ref={ref}"), 404, "fahad_ai_unknown_conversation")
    assert server.post("/app/conversation/erase", {"conversation_ref": ref}).get_json() == {
        "erased": False}


def _stored(app):
    with app.extensions["fahad"].sessions() as session:
        return [(f.rating, f.reason, f.conversation_ref, f.message_ref)
                for f in session.scalars(sa.select(Feedback))]


def test_feedback_rates_an_answer_of_the_users_own_conversation(app, server):
    answer = server.say("hoodies", "alice-chat-0007").get_json()
    response = server.post("/app/feedback", {
        "rating": "down", "reason": "  wrong size  ",
        "conversation_ref": answer["conversation_ref"], "message_ref": answer["message_ref"]})
    assert response.status_code == 200 and response.get_json()["id"].startswith("fb_")
    assert _stored(app) == [("down", "wrong size", "alice-chat-0007", answer["message_ref"])]
    # Bob can't rate Alice's conversation, and a bad rating stores nothing.
    bob = AppServer(app.test_client(), server.key, user="bob")
    _error(bob.post("/app/feedback", {"rating": "up", "conversation_ref": "alice-chat-0007"}),
           404, "fahad_ai_unknown_conversation")
    _error(server.post("/app/feedback", {"rating": "meh", "conversation_ref": "alice-chat-0007"}),
           400, "invalid_rating")
    _error(server.post("/app/feedback", {"rating": "up"}), 400, "rest_missing_callback_param")
    assert len(_stored(app)) == 1


@pytest.mark.parametrize("path", ["/app/handoff", "/app/conversation/erase"])
@pytest.mark.parametrize("body,code", [
    ({}, "rest_missing_callback_param"),
    ({"conversation_ref": "bad ref!"}, "rest_invalid_param"),
    ({"conversation_ref": 7}, "rest_invalid_param"),
])
def test_bad_bodies_are_wordpress_400s(server, path, body, code):
    _error(server.post(path, body), 400, code)


@pytest.mark.parametrize("path", ["/app/handoff", "/app/feedback", "/app/conversation/erase"])
def test_a_body_that_is_not_json_is_a_400(server, path):
    response = server.post(path, raw=b"{not json")
    assert response.status_code == 400 and response.get_json()["data"]["status"] == 400


def test_each_route_needs_a_key_its_scope_and_a_user(client, manager):
    reader = AppServer(client, manager.create(scopes=["conversations:read"])["key"])
    for path, method in (("/app/personas", "get"), ("/app/handoff", "post"),
                         ("/app/feedback", "post"), ("/app/conversation/erase", "post")):
        call = getattr(reader, method)
        args = (path, {"conversation_ref": "alice-chat-0005"}) if method == "post" else (path,)
        _error(call(*args), 403, "fahad_ai_missing_scope")
        nobody = AppServer(client, "sk_live_" + "x" * 32)
        _error(getattr(nobody, method)(*args), 401, "fahad_ai_invalid_api_key")
    chatter = AppServer(client, manager.create(scopes=["chat"])["key"], user=None)
    response = chatter.post("/app/handoff", {"conversation_ref": "alice-chat-0006"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "fahad_ai_missing_app_user"
