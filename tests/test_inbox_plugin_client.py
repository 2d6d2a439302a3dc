"""A guest's conversations through the WordPress plugin belong to the chat client id the
signed context carries (the plugin's own cookie), since PHP can't set the bridge's client
cookie from a /stream answer: the same id reads them, another id reads nothing."""
from __future__ import annotations

import pytest

from conftest import WordPress, make_app

GUEST = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5"  # 28 of [A-Za-z0-9_-], as the plugin mints them
OTHER = "b3RoZXJndWVzdDEyMzQ1Njc4OTAx"


@pytest.fixture
def wordpress(settings):
    app = make_app(settings.replace(providers=("offline",)))
    yield WordPress(app.test_client())
    app.extensions["fahad"].engine.dispose()


def read(wordpress, ref, client):
    return wordpress.request("GET", "/conversation", query=f"ref={ref}",
                             context=wordpress.context(client=client))


def test_a_guest_through_the_plugin_owns_conversations_by_its_client_id(wordpress):
    body = {"messages": [{"role": "user", "content": "socks"}], "conversation_ref": "wp-guest-01"}
    said = wordpress.post("/stream", body, context=wordpress.context(client=GUEST))
    assert said.status_code == 200 and b"event: done" in said.get_data()  # the turn ran
    mine = read(wordpress, "wp-guest-01", GUEST)
    assert mine.status_code == 200 and mine.get_json()["messages"][0]["content"] == "socks"
    for other in (OTHER, None):  # another guest, or a context without a client id
        refused = read(wordpress, "wp-guest-01", other)
        assert refused.status_code == 404
        assert refused.get_json()["code"] == "fahad_ai_unknown_conversation"
    # Asking for a person works the same way, before or after a first message.
    asked = wordpress.post("/handoff", {"conversation_ref": "wp-guest-01"},
                           context=wordpress.context(client=GUEST))
    assert asked.status_code == 200 and asked.get_json()["status"] == "escalated"
    assert read(wordpress, "wp-guest-01", GUEST).get_json()["status"] == "escalated"


@pytest.mark.parametrize("client", ["short", "x" * 65, "has space in it 12345678", 12345, ["a"]])
def test_a_malformed_client_id_in_the_context_is_refused(wordpress, client):
    response = wordpress.post("/message", {"messages": [{"role": "user", "content": "hi"}]},
                              context=wordpress.context(client=client))
    assert response.status_code == 403
    assert response.get_json()["code"] == "fahad_ai_invalid_signature"


def test_reading_a_conversation_back_gives_each_answer_its_cards(wordpress):
    """What a reloaded widget draws again: the same cards, published products only."""
    context = wordpress.context(client=GUEST)
    body = {"messages": [{"role": "user", "content": "hoodies"}], "conversation_ref": "wp-cards-01"}
    shown = wordpress.post("/message", body, context=context).get_json()["cards"]
    assert shown
    messages = read(wordpress, "wp-cards-01", GUEST).get_json()["messages"]
    user, answer = messages
    assert user["cards"] == []
    assert [c["id"] for c in answer["cards"]] == [c["id"] for c in shown]
    assert answer["cards"][0]["name"] == shown[0]["name"] and "price" in answer["cards"][0]
