"""The inbox (issue 17): a shopper asks for a person, the assistant goes silent, a person
takes over from the inbox and replies, and the reply reaches that shopper and no other, on
SQLite and PostgreSQL, with two bridge processes on one database."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from bridge.models import Conversation, Message
from bridge.routes import NAMESPACE
from conftest import SECRET, Shopper, WordPress, make_app

TOKEN = "the-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def workers(settings, database_url, tmp_path):
    """Two bridge apps (as two gunicorn workers) on one database."""
    apps = [make_app(settings.replace(database_url=database_url, admin_token=TOKEN,
                                      data_dir=str(tmp_path / f"w{n}"), providers=("offline",)))
            for n in range(2)]
    yield apps
    for app in apps:
        app.extensions["fahad"].engine.dispose()


@pytest.fixture
def inbox_app(settings):
    app = make_app(settings.replace(admin_token=TOKEN, providers=("offline",)))
    yield app
    app.extensions["fahad"].engine.dispose()


def admin_get(client, path, query=""):
    return client.get(NAMESPACE + path + (f"?{query}" if query else ""), headers=ADMIN)


def admin_post(client, path, body):
    return client.post(NAMESPACE + path, json=body, headers=ADMIN)


def poll(shopper, ref, after=0):
    return shopper.client.get(NAMESPACE + f"/conversation?ref={ref}&after={after}",
                              headers={"X-WP-Nonce": shopper.nonce})


def only_id(client, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    [found] = admin_get(client, "/admin/conversations", query).get_json()["conversations"]
    return found["id"]


def test_asking_in_words_escalates_with_a_ref_and_silences_the_assistant(workers):
    shopper = Shopper(workers[0].test_client())
    shopper.say("hoodies under $50", conversation_ref="chat-alpha-1").get_json()
    asked = shopper.say("can I talk to a real person please?",
                        conversation_ref="chat-alpha-1").get_json()
    ref = asked["handoff"]["ref"]
    assert asked["handoff"]["status"] == "escalated"
    assert re.fullmatch(r"H-[A-HJ-NP-Z]{4}-[2-9]{4}", ref)
    assert ref in asked["message"] and not asked["cards"]
    silent = shopper.say("hello? anyone there?", conversation_ref="chat-alpha-1").get_json()
    assert silent["message"] == "" and silent["cards"] == []
    assert silent["handoff"] == {"status": "escalated", "ref": ref}
    # The other worker's inbox sees it waiting, with the shopper's words kept for the person.
    admin = workers[1].test_client()
    conversation_id = only_id(admin, status="escalated")
    view = admin_get(admin, "/admin/conversation", f"id={conversation_id}").get_json()
    assert view["conversation"]["handoff_ref"] == ref
    assert [m["role"] for m in view["messages"]] == ["user", "assistant"] * 2 + ["user"]
    assert view["messages"][-1]["content"] == "hello? anyone there?"
    assert view["messages"][2]["intent"] == "person"


def test_a_persons_reply_reaches_exactly_that_shopper_and_no_other(workers):
    first, second = (Shopper(app.test_client()) for app in workers)
    first.say("hi, talk to a human", conversation_ref="chat-first-1")
    second.say("socks please", conversation_ref="chat-second-1")
    admin = workers[1].test_client()
    conversation_id = only_id(admin, status="escalated")
    replied = admin_post(admin, "/admin/conversation/reply",
                         {"id": conversation_id, "text": "Hi, I'm Sam from the store.",
                          "author": "Sam"}).get_json()
    assert replied["delivery"] == "poll" and replied["conversation"]["status"] == "person"
    seen = poll(first, "chat-first-1").get_json()  # the first worker serves the poll
    assert seen["status"] == "person"
    assert seen["messages"][-1] == {**seen["messages"][-1], "role": "person",
                                    "content": "Hi, I'm Sam from the store.", "author": "Sam"}
    newer = poll(first, "chat-first-1", after=seen["messages"][-1]["id"]).get_json()
    assert newer["messages"] == []
    theirs = poll(second, "chat-second-1").get_json()["messages"]
    assert all(m["role"] != "person" for m in theirs)
    # The second shopper can't read the first one's conversation, even knowing its ref.
    assert poll(second, "chat-first-1").status_code == 404


def test_a_guessed_or_copied_ref_reads_and_writes_nothing_of_anothers(inbox_app):
    owner, other = Shopper(inbox_app.test_client()), Shopper(inbox_app.test_client())
    owner.say("hoodies", conversation_ref="shared-ref-123")
    # The same ref from another client is another conversation, of their own.
    mine = other.say("compare the first two", conversation_ref="shared-ref-123").get_json()
    assert mine["conversation_ref"] == "shared-ref-123"
    with inbox_app.extensions["fahad"].sessions() as session:
        rows = session.scalars(sa.select(Conversation)).all()
        assert len(rows) == 2 and {r.message_count for r in rows} == {2}
    assert poll(other, "shared-ref-123").get_json()["messages"][0]["content"] == \
        "compare the first two"
    stranger = Shopper(inbox_app.test_client())
    for response in (poll(stranger, "shared-ref-123"),
                     stranger.client.get(NAMESPACE + "/conversation?ref=shared-ref-123",
                                         headers={"X-WP-Nonce": stranger.nonce,
                                                  "X-Fahad-Client": "forged.value"})):
        assert response.status_code == 404
        assert response.get_json()["code"] == "fahad_ai_unknown_conversation"


def test_the_client_id_travels_in_a_header_for_the_plugin(inbox_app):
    shopper = Shopper(inbox_app.test_client())
    client_id = shopper.say("hi", conversation_ref="header-ref-1").headers["X-Fahad-Client"]
    bare = inbox_app.test_client()  # no cookie jar shared: only the header proves it
    response = bare.get(NAMESPACE + "/conversation?ref=header-ref-1",
                        headers={"X-WP-Nonce": shopper.nonce, "X-Fahad-Client": client_id})
    assert response.status_code == 200 and len(response.get_json()["messages"]) == 2


def test_a_signed_in_shopper_owns_their_conversations_by_user_id(inbox_app):
    client = inbox_app.test_client()
    wordpress = WordPress(client)
    body = {"messages": [{"role": "user", "content": "socks"}], "conversation_ref": "wp-ref-0001"}
    assert wordpress.post("/message", body, context=wordpress.context(uid=7)).status_code == 200
    read = wordpress.request("GET", "/conversation", query="ref=wp-ref-0001",
                             context=wordpress.context(uid=7))
    assert read.status_code == 200 and read.get_json()["messages"][0]["content"] == "socks"
    assert wordpress.request("GET", "/conversation", query="ref=wp-ref-0001",
                             context=wordpress.context(uid=8)).status_code == 404
    listed = admin_get(client, "/admin/conversations").get_json()["conversations"]
    assert listed[0]["customer"] == {"wp_user_id": 7}


@pytest.mark.parametrize("ref", ["short", "has space inside", "x" * 129, "semi;colon-ref"])
def test_a_conversation_ref_outside_8_to_128_safe_characters_is_400(inbox_app, ref):
    shopper = Shopper(inbox_app.test_client())
    response = shopper.say("hi", conversation_ref=ref)
    assert response.status_code == 400 and response.get_json()["code"] == "rest_invalid_param"


def test_the_widget_button_escalates_even_before_the_first_message(inbox_app):
    shopper = Shopper(inbox_app.test_client())
    asked = shopper.post("/handoff", {"conversation_ref": "button-ref-1", "reason": "sizes"})
    body = asked.get_json()
    assert asked.status_code == 200 and body["status"] == "escalated"
    assert body["handoff_ref"] in body["message"]
    again = shopper.post("/handoff", {"conversation_ref": "button-ref-1"}).get_json()
    assert again["handoff_ref"] == body["handoff_ref"]  # asking twice: one handoff
    turn = shopper.say("are you there?", conversation_ref="button-ref-1").get_json()
    assert turn["message"] == "" and turn["handoff"]["ref"] == body["handoff_ref"]
    assert shopper.post("/handoff", {}).status_code == 400


def test_hand_back_and_resolve_bring_the_assistant_back(inbox_app):
    client = inbox_app.test_client()
    shopper = Shopper(client)
    shopper.say("speak to a human", conversation_ref="back-ref-01")
    conversation_id = only_id(client)
    taken = admin_post(client, "/admin/conversation/take-over", {"id": conversation_id})
    assert taken.get_json()["conversation"]["status"] == "person"
    assert shopper.say("hoodies", conversation_ref="back-ref-01").get_json()["message"] == ""
    back = admin_post(client, "/admin/conversation/hand-back", {"id": conversation_id})
    assert back.get_json()["conversation"]["status"] == "open"
    answered = shopper.say("hoodies", conversation_ref="back-ref-01").get_json()
    assert answered["cards"] and "handoff" not in answered
    resolved = admin_post(client, "/admin/conversation/resolve",
                          {"id": conversation_id, "summary": "Found a hoodie", "csat": 5})
    summary = resolved.get_json()["conversation"]
    assert summary["status"] == "resolved" and summary["csat"] == 5
    assert summary["summary"] == "Found a hoodie" and summary["resolved_at"]
    shopper.say("thanks!", conversation_ref="back-ref-01")
    assert poll(shopper, "back-ref-01").get_json()["status"] == "open"


@pytest.mark.parametrize("path, body, code", [
    ("/admin/conversation/reply", {"id": "cv_nope", "text": "hi"}, 404),
    ("/admin/conversation/reply", {"id": "cv_nope"}, 400),
    ("/admin/conversation/reply", {"text": "hi"}, 400),
    ("/admin/conversation/resolve", {"id": "cv_nope", "summary": "x"}, 404),
    ("/admin/conversation/resolve", {"id": "cv_nope", "summary": "x", "csat": 6}, 400),
    ("/admin/conversation/resolve", {"id": "cv_nope", "summary": "x", "csat": "great"}, 400),
    ("/admin/conversation/take-over", {"id": 5}, 400),
    ("/admin/conversation/hand-back", {"id": "cv_nope"}, 404),
    ("/admin/conversation/erase", {"id": "cv_nope"}, 404),
])
def test_bad_inbox_writes_are_json_errors(inbox_app, path, body, code):
    response = admin_post(inbox_app.test_client(), path, body)
    assert response.status_code == code
    assert response.get_json()["data"]["status"] == code


def test_the_list_filters_pages_and_counts(inbox_app):
    client = inbox_app.test_client()
    for n in range(5):
        Shopper(client).say("hoodies under $50", conversation_ref=f"list-ref-{n:03}")
    Shopper(client).say("where is my order?", conversation_ref="list-ref-order")
    Shopper(client).say("this is broken and unacceptable!", conversation_ref="list-ref-angry")
    page = admin_get(client, "/admin/conversations", "per_page=2&page=2").get_json()
    assert page["total"] == 7 and page["total_pages"] == 4 and len(page["conversations"]) == 2
    assert admin_get(client, "/admin/conversations",
                     "intent=product_search").get_json()["total"] == 5
    assert admin_get(client, "/admin/conversations",
                     "intent=order_status").get_json()["total"] == 1
    assert admin_get(client, "/admin/conversations",
                     "sentiment=frustrated").get_json()["total"] == 1
    assert admin_get(client, "/admin/conversations", "q=ORDER").get_json()["total"] == 1
    assert admin_get(client, "/admin/conversations", "q=100%25").get_json()["total"] == 0
    assert admin_get(client, "/admin/conversations", "channel=whatsapp").get_json()["total"] == 0
    assert admin_get(client, "/admin/conversations",
                     "since=2000-01-01&until=2000-01-02").get_json()["total"] == 0
    assert admin_get(client, "/admin/conversations", "since=2000-01-01").get_json()["total"] == 7
    newest = admin_get(client, "/admin/conversations").get_json()["conversations"][0]
    assert newest["preview"] and newest["intent"] == "complaint"
    for query in ("status=lost", "intent=gossip", "since=yesterday", "page=x", "channel=fax"):
        refused = admin_get(client, "/admin/conversations", query)
        assert refused.status_code == 400, query
        assert refused.get_json()["code"] == "rest_invalid_param"
    clamped = admin_get(client, "/admin/conversations", "per_page=1000").get_json()
    assert clamped["per_page"] == 100


def test_the_debug_view_shows_each_turn_behind_an_answer(inbox_app):
    client = inbox_app.test_client()
    shopper = Shopper(client)
    shopper.say("hoodies under $50", conversation_ref="debug-ref-1")
    shopper.cart("view")
    conversation_id = only_id(client)
    view = admin_get(client, "/admin/conversation", f"id={conversation_id}").get_json()
    user, answer = view["messages"]
    assert user["turn"] is None and user["intent"] == "product_search"
    turn = answer["turn"]
    assert turn["provider"] == "offline" and turn["degraded"] is False
    assert [t["name"] for t in turn["tools"]] == ["search_products"]
    assert turn["tools"][0]["ok"] is True and "query" in turn["tools"][0]["args"]
    assert answer["products"] and all(p["name"] for p in answer["products"])
    assert view["totals"] == {"input_tokens": 0, "output_tokens": 0, "cost_usd": "0.000000"}
    missing = admin_get(client, "/admin/conversation", "id=cv_nope")
    assert missing.status_code == 404
    assert admin_get(client, "/admin/conversation").status_code == 400


def test_erasing_a_conversation_deletes_what_it_said(inbox_app):
    client = inbox_app.test_client()
    shopper = Shopper(client)
    shopper.say("socks", conversation_ref="erase-ref-1")
    conversation_id = only_id(client)
    assert admin_post(client, "/admin/conversation/erase",
                      {"id": conversation_id}).get_json() == {"erased": True}
    with inbox_app.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
        assert session.get(Conversation, conversation_id) is None
    assert poll(shopper, "erase-ref-1").status_code == 404


def test_a_shopper_erases_their_own_conversation_and_no_one_elses(inbox_app):
    owner, other = Shopper(inbox_app.test_client()), Shopper(inbox_app.test_client())
    owner.say("socks", conversation_ref="mine-ref-01")
    assert other.post("/conversation/erase",
                      {"conversation_ref": "mine-ref-01"}).get_json() == {"erased": False}
    assert poll(owner, "mine-ref-01").status_code == 200  # still there
    assert owner.post("/conversation/erase",
                      {"conversation_ref": "mine-ref-01"}).get_json() == {"erased": True}
    assert poll(owner, "mine-ref-01").status_code == 404
    with inbox_app.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    assert owner.post("/conversation/erase", {}).status_code == 400


def test_the_inbox_never_writes_to_the_store(tmp_path):
    """Every inbox route, reads and writes, against a WooCommerce that records each call."""
    from bridge.catalog import sync
    from bridge.settings import Settings
    from fakes.woocommerce import FakeWooCommerce
    from fakes.woocommerce.auth import READ
    fake = FakeWooCommerce().start()
    try:
        app = make_app(Settings(data_dir=str(tmp_path), bridge_secret=SECRET, store="woocommerce",
                                wc_url=fake.url, wc_consumer_key=READ[0], admin_token=TOKEN,
                                wc_consumer_secret=READ[1], wc_background_sync=False,
                                providers=("offline",)))
        bridge = app.extensions["fahad"]
        sync.full_sync(bridge.store, bridge.index)
        client = app.test_client()
        Shopper(client).say("talk to a person", conversation_ref="store-ref-1")
        fake.log.clear()
        conversation_id = only_id(client)
        for path, body in (("/admin/conversation/take-over", {"id": conversation_id}),
                           ("/admin/conversation/reply", {"id": conversation_id, "text": "hi"}),
                           ("/admin/conversation/hand-back", {"id": conversation_id}),
                           ("/admin/conversation/resolve", {"id": conversation_id,
                                                            "summary": "ok", "csat": 4})):
            assert admin_post(client, path, body).status_code == 200, path
        for path, query in (("/admin/conversations", "q=person"),
                            ("/admin/conversation", f"id={conversation_id}"),
                            ("/admin/webhook-deliveries", ""), ("/admin/inbox-insights", "")):
            assert admin_get(client, path, query).status_code == 200, path
        assert admin_post(client, "/admin/conversation/erase",
                          {"id": conversation_id}).status_code == 200
        assert not [e for e in fake.log.entries if e.method != "GET"]
        assert not fake.log.to("/wp-json/wc/store/")
    finally:
        fake.stop()


def test_claude_hands_over_with_the_tool_and_the_ref_reaches_the_stream(claude_settings,
                                                                       fake_anthropic):
    from conftest import sse_events
    from fakes.anthropic_api import Message as Reply, Text, ToolUse
    app = make_app(claude_settings.replace(admin_token=TOKEN))
    try:
        fake_anthropic.reply(Reply([ToolUse("handoff_to_person", {"reason": "refund"})]),
                             Reply([Text("A person will help with the refund.")]))
        shopper = Shopper(app.test_client())
        events = sse_events(shopper.post("/stream", {
            "messages": [{"role": "user", "content": "I want a refund for my order"}],
            "conversation_ref": "claude-ref-1"}).get_data(as_text=True))
        done = events[-1][1]
        assert done["type"] == "done" and done["handoff"]["status"] == "escalated"
        result = fake_anthropic.requests[1]["messages"][-1]["content"][0]["content"]
        assert done["handoff"]["ref"] in str(result)
        client = app.test_client()
        view = admin_get(client, "/admin/conversation",
                         f"id={only_id(client, status='escalated')}").get_json()
        assert view["messages"][0]["intent"] == "returns"
        assert view["messages"][1]["turn"]["tools"][0]["name"] == "handoff_to_person"
    finally:
        app.extensions["fahad"].engine.dispose()


def test_caught_claims_and_the_funnel_reach_the_debug_view_and_insights(inbox_app):
    from bridge.models import AnalyticsEvent
    client = inbox_app.test_client()
    shopper = Shopper(client)
    answer = shopper.say("hoodies under $50", conversation_ref="claim-ref-1").get_json()
    card = answer["cards"][0]  # a variable hoodie: added as one of its variations in stock
    variation = next((v["id"] for v in card.get("variations", []) if v.get("in_stock", True)),
                     None)
    added = shopper.cart("add", product_id=card["id"], quantity=1,
                         **({"variation_id": variation} if variation else {}))
    assert added.status_code == 200, added.get_json()
    assert client.get(f"/checkout-link/?products={answer['cards'][0]['id']}:1").status_code == 200
    conversation_id = only_id(client)
    claim = {"kind": "money", "claim": "$1.00", "action": "corrected",
             "message_ref": answer["message_ref"]}
    with inbox_app.extensions["fahad"].sessions.begin() as session:
        session.add(AnalyticsEvent(kind="ungrounded", channel="storefront", detail=claim,
                                   conversation_ref=conversation_id, provider="anthropic"))
    view = admin_get(client, "/admin/conversation", f"id={conversation_id}").get_json()
    assert view["messages"][1]["turn"]["claims"] == [claim]
    insights = admin_get(client, "/admin/inbox-insights", "days=7").get_json()
    assert insights["unanswered"] == [{**insights["unanswered"][0], "reason": "caught_claim",
                                       "question": "hoodies under $50"}]
    assert insights["funnel"] == {"chats": 1, "cart_adds": 1, "checkout_clicks": 1,
                                  "orders": None, "orders_after_chat": None}
    assert insights["conversations"] == 1 and insights["automation_rate"] == 1.0
    assert insights["intents"] == {"product_search": 1}
    assert insights["daily"][-1]["intents"] == {"product_search": 1}
    assert len(insights["daily"]) == 7
