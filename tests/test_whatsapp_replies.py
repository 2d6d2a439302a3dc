"""What customers get back on WhatsApp: exact Cloud API request bodies checked at the
loopback Graph API, answered once however often Meta delivers, within the rules (24-hour
window, rate limit, pause, daily cap, handoff)."""
from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from conftest import WA_ACCESS_TOKEN, make_app, wait_for, whatsapp_config
from fakes import meta as m
from fakes.graph_api import SERVER_ERROR, WINDOW_CLOSED
from fakes.woocommerce.auth import READ
from fakes.meta import Meta
from bridge.catalog.cards import card
from bridge.cli import main
from bridge.store.demo.images import render_png
from bridge.models import Conversation, Message
from channels.whatsapp import photos, policy, render
from channels.whatsapp.models import WhatsAppContact, WhatsAppInbound, WhatsAppOutbound

PHONE = "15551234567"
SEND_PATH = f"/v22.0/{m.PHONE_ID}/messages"


@pytest.fixture
def wa_factory(settings, fake_graph):
    """Apps with the WhatsApp channel on and these setting changes; stopped afterwards."""
    apps = []

    def build(**changes):
        app = make_app(whatsapp_config(settings, fake_graph.url, **changes), start=True)
        apps.append(app)
        return app, Meta(app.test_client(), "wa-app-secret")

    yield build
    for app in apps:
        app.extensions["fahad"].stop()
        app.extensions["whatsapp"].stop()
        app.extensions["fahad"].engine.dispose()


def inbound(app, *where):
    with app.extensions["fahad"].sessions() as session:
        return list(session.scalars(sa.select(WhatsAppInbound).where(*where)
                                    .order_by(WhatsAppInbound.id)))


def settled(app, count: int = 1, timeout: float = 15.0):
    """Wait until ``count`` messages are finished; return them."""
    def done():
        found = [r for r in inbound(app) if r.status in ("done", "failed")]
        return found if len(found) >= count else None
    return wait_for(done, timeout)


def text_body(body: str) -> dict:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "type": "text",
            "to": PHONE, "text": {"body": body, "preview_url": True}}


def buttons_body(text: str, buttons: list[tuple[str, str]]) -> dict:
    return {"messaging_product": "whatsapp", "recipient_type": "individual",
            "type": "interactive", "to": PHONE, "interactive": {
                "type": "button",
                "action": {"buttons": [{"type": "reply", "reply": {"id": i, "title": t}}
                                       for i, t in buttons]},
                "body": {"text": text}}}


def store_card(app, product_id: int) -> dict:
    bridge = app.extensions["fahad"]
    return card(bridge.store.product(product_id), bridge.store.currency)


def contact(app) -> WhatsAppContact:
    with app.extensions["fahad"].sessions() as session:
        return session.get(WhatsAppContact, PHONE)


# -- answers ---------------------------------------------------------------------------------

def test_a_question_gets_text_then_a_product_list_from_the_cards(wa_app, meta, fake_graph):
    meta.post(m.text(PHONE, "hoodies under $50"))
    [row] = settled(wa_app)
    assert (row.outcome, row.attempts) == ("answered", 1)
    first, second = fake_graph.sent
    assert set(first) == {"messaging_product", "recipient_type", "type", "to", "text"}
    assert first == text_body(first["text"]["body"])
    assert "hoodie" in first["text"]["body"].lower()
    ids = [int(r["id"][2:]) for r in second["interactive"]["action"]["sections"][0]["rows"]]
    assert 1 < len(ids) <= 10
    cards = [store_card(wa_app, i) for i in ids]
    assert second == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "type": "interactive",
        "to": PHONE, "interactive": {
            "type": "list",
            "action": {"button": "See products", "sections": [{"title": "Products", "rows": [
                {"id": f"p:{c['id']}", "title": render.cut(c["name"], 24),
                 "description": f"{render.price(c)} · {render.stock(c)}"} for c in cards]}]},
            "body": {"text": f"{len(ids)} products for you. Tap one for details."}}}
    assert all(float(c["price"]) < 50 for c in cards)
    requests = [r for r in fake_graph.requests if r["method"] == "POST"]
    assert {(r["path"], r["token"]) for r in requests} == {(SEND_PATH, WA_ACCESS_TOKEN)}


def test_tapping_a_product_shows_it_with_add_to_cart_and_checkout(wa_app, meta, fake_graph):
    meta.post(m.list_reply(PHONE, "p:113", "Cropped Fleece Hoodie"))
    settled(wa_app)
    c = store_card(wa_app, 113)
    details, actions = fake_graph.sent
    assert details["type"] == "text" and "Cropped Fleece Hoodie" in details["text"]["body"]
    assert actions == buttons_body(
        f"*Cropped Fleece Hoodie*\n${c['price']} · in stock\n{c['url']}",
        [("add:113", "Add to cart"), ("checkout", "Checkout"), ("cart", "View cart")])


def test_a_variable_product_sends_to_its_page_instead_of_adding(wa_app, meta, fake_graph):
    meta.post(m.list_reply(PHONE, "p:110", "Organic Cotton Hoodie"))
    settled(wa_app)
    c = store_card(wa_app, 110)
    assert fake_graph.sent[-1] == buttons_body(
        f"*{c['name']}*\n{render.price(c)} · in stock\nChoose your options on the product "
        f"page:\n{c['url']}", [("checkout", "Checkout"), ("cart", "View cart")])


def test_add_to_cart_then_checkout_use_the_store_cart_and_its_link(wa_app, meta, fake_graph):
    store = wa_app.extensions["fahad"].store
    meta.post(m.button(PHONE, "add:113", "Add to cart"))
    settled(wa_app)
    cart = store.cart(contact(wa_app).cart_ref)
    assert [(i.product_id, i.quantity) for i in cart.items] == [(113, 1)]
    assert fake_graph.sent == [buttons_body(
        f"Added *Cropped Fleece Hoodie* to your cart.\n• 1 × Cropped Fleece Hoodie — "
        f"${cart.total:.2f}\nTotal: ${cart.total:.2f}",
        [("checkout", "Checkout"), ("cart", "View cart")])]
    meta.post(m.button(PHONE, "add:113", "Add to cart"))
    meta.post(m.button(PHONE, "checkout", "Checkout"))
    settled(wa_app, 3)
    link = store.checkout_link([(113, 2)])
    assert link == "http://shop.test/checkout-link/?products=113:2"
    assert fake_graph.sent[-1] == text_body(f"Ready when you are! Check out here:\n{link}")


def test_with_a_shop_that_keeps_the_shoppers_carts_the_buttons_hand_over_links(
        wa_factory, fake, fake_graph):
    app, meta = wa_factory(store="woocommerce", wc_url=fake.url, wc_consumer_key=READ[0],
                           wc_consumer_secret=READ[1], wc_background_sync=False)
    fake.log.clear()
    meta.post(m.button(PHONE, "add:14", "Add to cart"))
    settled(app)
    meta.post(m.button(PHONE, "cart", "View cart"))
    settled(app, 2)
    assert fake_graph.texts() == [
        f"You can buy *Canvas Tote Bag* here:\n{fake.url}/checkout-link/?products=14:1",
        "Your cart lives on the store's website; tap a product's link to buy it there."]
    assert contact(app).cart_ref is None  # no cart of the bridge's making
    assert fake.log.to("/wp-json/wc/store/v1/") == []


def test_checkout_with_an_empty_cart_says_so(wa_app, meta, fake_graph):
    meta.post(m.button(PHONE, "checkout", "Checkout"))
    settled(wa_app)
    assert fake_graph.texts() == ["Your cart is empty. Add something first, then tap Checkout."]


def test_a_model_can_not_put_links_in_buttons(wa_app, meta, fake_graph):
    # A reply id the bridge never issued is read as words, not as an action.
    meta.post(m.button(PHONE, "add:abc", "Add to cart"))
    meta.post(m.button(PHONE, "https://evil.example/pay", "Pay"))
    settled(wa_app, 2)
    assert not any("evil.example" in t for t in fake_graph.texts())
    assert contact(wa_app).cart_ref is None or not wa_app.extensions["fahad"].store.cart(
        contact(wa_app).cart_ref).items


def test_the_same_message_delivered_five_times_is_answered_once(wa_app, meta, fake_graph):
    payload = m.text(PHONE, "hoodies under $50", id="wamid.SAME")
    answers = [meta.post(payload) for _ in range(3)]
    threads = [threading.Thread(target=lambda: answers.append(meta.post(payload)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200] * 5
    settled(wa_app)
    time.sleep(0.6)  # past a worker poll: nothing more comes
    assert len(inbound(wa_app)) == 1
    assert len(fake_graph.sent) == 2  # one answer: its text and its list
    # Days later, Meta retries again: still stored once, still answered once.
    meta.post(payload)
    time.sleep(0.4)
    assert len(fake_graph.sent) == 2


def test_the_conversation_continues_across_messages(wa_app, meta, fake_graph):
    meta.post(m.text(PHONE, "hoodies under $50"))
    settled(wa_app)
    meta.post(m.text(PHONE, "compare the first two"))
    settled(wa_app, 2)
    assert "first two" not in fake_graph.texts()[-1].lower()
    assert any(word in fake_graph.texts()[-1].lower() for word in ("price", "compare", "$"))
    with wa_app.extensions["fahad"].sessions() as session:
        conversations = session.scalars(sa.select(Conversation)).all()
        assert [c.channel for c in conversations] == ["whatsapp"]
        assert session.scalar(sa.select(sa.func.count()).select_from(Message)) == 4


def test_a_new_conversation_starts_after_the_window(wa_factory, fake_graph):
    app, meta = wa_factory(whatsapp_conversation_window=1)
    meta.post(m.text(PHONE, "hi"))
    settled(app)
    first = contact(app).conversation_ref
    time.sleep(1.2)
    meta.post(m.text(PHONE, "hoodies"))
    settled(app, 2)
    assert contact(app).conversation_ref not in (None, first)


# -- rules -----------------------------------------------------------------------------------

def test_a_message_older_than_24_hours_gets_no_free_form_reply(wa_app, meta, fake_graph):
    old = time.time() - 25 * 3600
    meta.post(m.text(PHONE, "hoodies", at=old))
    [row] = settled(wa_app)
    assert row.outcome == "expired"
    assert fake_graph.sent == []


def test_replies_planned_inside_the_window_are_not_sent_after_it_closes(wa_app, fake_graph):
    bridge = wa_app.extensions["fahad"]
    channel = wa_app.extensions["whatsapp"]
    channel.stop()
    with bridge.sessions.begin() as session:
        row = WhatsAppInbound(wamid="wamid.LATE", phone=PHONE, kind="text", text="hi",
                              sent_at=bridge_now() - timedelta(hours=24, seconds=5))
        session.add(row)
        session.flush()
        session.add(WhatsAppOutbound(inbound_id=row.id, seq=0, phone=PHONE, kind="text",
                                     body={"kind": "text", "text": "planned earlier"}))
        row_id = row.id
    assert channel.responder.process(row_id, "test-worker")
    with bridge.sessions() as session:
        assert session.scalar(sa.select(WhatsAppOutbound.status)) == "skipped"
    assert fake_graph.sent == []


def bridge_now():
    from bridge.db import utc_now
    return utc_now()


def test_the_per_phone_rate_limit_answers_the_first_and_warns_once(wa_factory, fake_graph):
    app, meta = wa_factory(whatsapp_rate_limit=2, whatsapp_rate_window=60)
    app.extensions["whatsapp"].stop()  # store all five first, as a burst would
    for n in range(5):
        meta.post(m.text(PHONE, f"hi {n}"))
    meta.post(m.text("447700900123", "hello", name="Ali"))  # another customer: own bucket
    responder = app.extensions["whatsapp"].responder
    for row in inbound(app):
        assert responder.process(row.id, "w")
    outcomes = [(r.phone, r.outcome) for r in inbound(app)]
    assert outcomes == [(PHONE, "answered"), (PHONE, "answered"), (PHONE, "rate_limited"),
                        (PHONE, "rate_limited"), (PHONE, "rate_limited"),
                        ("447700900123", "answered")]
    assert fake_graph.texts(PHONE).count(policy.RATE_LIMITED) == 1
    assert len(fake_graph.texts(PHONE)) == 3


def test_the_soft_pause_answers_politely_without_the_agent(wa_factory, fake_graph):
    app, meta = wa_factory(paused=True)
    meta.post(m.text(PHONE, "hoodies"))
    [row] = settled(app)
    assert row.outcome == "paused"
    assert fake_graph.texts() == [policy.PAUSED]
    with app.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_the_daily_cap_counts_whatsapp_turns(wa_factory, fake_graph):
    app, meta = wa_factory(daily_cap=1)
    day = datetime.now(timezone.utc).date()
    meta.post(m.text(PHONE, "hoodies"))
    settled(app)
    meta.post(m.text(PHONE, "socks"))
    settled(app, 2)
    outcomes = [r.outcome for r in inbound(app)]
    if datetime.now(timezone.utc).date() != day:
        # Midnight UTC passed during the test (tests/test_clock.py starts it at 23:59:59 and a
        # busy machine takes a second): the second turn may have found a new day's cap.
        assert outcomes in (["answered", "daily_cap"], ["answered", "answered"])
        return
    assert outcomes == ["answered", "daily_cap"]
    assert fake_graph.texts()[-1] == policy.DAILY_CAP


def test_handoff_stops_the_bot_until_the_store_releases_it(wa_app, meta, fake_graph, settings,
                                                          monkeypatch):
    meta.post(m.text(PHONE, "  Human "))
    settled(wa_app)
    [told] = fake_graph.texts()
    assert told.startswith(policy.HANDOFF)
    assert re.search(r"reference is H-[A-Z]{4}-[2-9]{4}\.$", told)
    assert contact(wa_app).handoff_at is not None
    meta.post(m.text(PHONE, "hello? hoodies please"))
    settled(wa_app, 2)
    assert [r.outcome for r in inbound(wa_app)] == ["handoff_requested", "handoff"]
    assert len(fake_graph.sent) == 1

    monkeypatch.setenv("FAHAD_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("FAHAD_BRIDGE_SECRET", settings.bridge_secret)
    listed = CliRunner().invoke(main, ["whatsapp", "handoffs"])
    assert listed.exit_code == 0 and PHONE in listed.output
    released = CliRunner().invoke(main, ["whatsapp", "release", "+" + PHONE])
    assert released.exit_code == 0, released.output
    again = CliRunner().invoke(main, ["whatsapp", "release", PHONE])
    assert again.exit_code == 1 and "not handed off" in again.output

    meta.post(m.text(PHONE, "hoodies"))
    settled(wa_app, 3)
    assert inbound(wa_app)[-1].outcome == "answered"
    assert len(fake_graph.sent) > 1


# -- message types -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind,content", [
    ("audio", {"audio": {"id": "AUD1", "mime_type": "audio/ogg; codecs=opus", "voice": True,
                         "sha256": "0" * 64}}),
    ("sticker", {"sticker": {"id": "STK1", "mime_type": "image/webp", "animated": False,
                             "sha256": "0" * 64}}),
    ("location", {"location": {"latitude": 25.2, "longitude": 55.27, "name": "Dubai"}}),
    ("video", {"video": {"id": "VID1", "mime_type": "video/mp4", "sha256": "0" * 64}}),
    ("document", {"document": {"id": "DOC1", "mime_type": "application/pdf",
                               "filename": "x.pdf", "sha256": "0" * 64}}),
    ("contacts", {"contacts": [{"name": {"formatted_name": "Ali", "first_name": "Ali"},
                                "phones": [{"phone": "+447700900123", "type": "CELL"}]}]}),
    ("unsupported", {"errors": [{"code": 131051, "title": "Message type unknown",
                                 "message": "Message type unknown",
                                 "error_data": {"details": "Message type is currently not "
                                                           "supported."}}]}),
])
def test_other_message_types_get_a_polite_reply(wa_app, meta, fake_graph, kind, content):
    meta.post(m.message(PHONE, kind, content))
    [row] = settled(wa_app)
    assert (row.kind, row.outcome) == (kind, "unsupported")
    assert fake_graph.sent == [text_body(policy.UNSUPPORTED)]


def test_a_reaction_needs_no_answer(wa_app, meta, fake_graph):
    meta.post(m.message(PHONE, "reaction", {"reaction": {"message_id": "wamid.X",
                                                         "emoji": "👍"}}))
    [row] = settled(wa_app)
    assert row.outcome == "ignored" and fake_graph.sent == []


def test_a_photo_finds_its_product_through_the_shops_own_visual_search(wa_app, meta,
                                                                       fake_graph):
    store = wa_app.extensions["fahad"].store
    product = store.product(113)
    fake_graph.media["MEDIA7"] = render_png(product)  # the shop's own picture of it
    meta.post(m.image(PHONE, "MEDIA7"))
    [row] = settled(wa_app)
    assert row.outcome == "answered"
    intro, found = fake_graph.sent
    assert intro == text_body("Here's what looks closest to your photo:")
    rows = found["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0]["id"] == "p:113" and len(rows) == 6
    in_stock = {p.id for p in store.products(per_page=100).items if p.in_stock}
    assert {int(r["id"][2:]) for r in rows} <= in_stock


def test_a_photo_with_visual_search_switched_off_gets_a_polite_reply(wa_factory, fake_graph):
    app, meta = wa_factory(visual_rankers=())
    fake_graph.media["MEDIA1"] = render_png(app.extensions["fahad"].store.product(113))
    meta.post(m.image(PHONE, "MEDIA1"))
    settled(app)
    assert fake_graph.sent == [text_body(photos.NO_PICTURES)]


@pytest.mark.parametrize("media", [None, b"%PDF-1.7 not a photo", b""],
                         ids=["gone", "not-an-image", "empty"])
def test_a_photo_that_cannot_be_read_gets_a_polite_reply(wa_app, meta, fake_graph, media):
    if media is not None:
        fake_graph.media["BAD"] = media
    meta.post(m.image(PHONE, "BAD"))
    settled(wa_app)
    assert fake_graph.texts() == [photos.PICTURE_FAILED]


# -- sending failures ------------------------------------------------------------------------

def test_a_window_error_when_sending_is_recorded_and_not_retried(wa_app, meta, fake_graph):
    fake_graph.fail(WINDOW_CLOSED)
    meta.post(m.text(PHONE, "hoodies under $50"))
    [row] = settled(wa_app)
    assert row.outcome == "answered" and row.attempts == 1
    with wa_app.extensions["fahad"].sessions() as session:
        sent = session.execute(sa.select(WhatsAppOutbound.status, WhatsAppOutbound.error_code)
                               .order_by(WhatsAppOutbound.seq)).all()
    assert sent == [("failed", 131047), ("skipped", None)]
    time.sleep(0.5)
    assert len(fake_graph.sent) == 1  # one attempt, no retry, the list never tried


def test_a_transient_graph_error_is_retried(wa_app, meta, fake_graph):
    fake_graph.fail(SERVER_ERROR)
    meta.post(m.text(PHONE, "hi"))
    settled(wa_app)
    assert len(fake_graph.sent) == 2 and fake_graph.sent[0] == fake_graph.sent[1]
    with wa_app.extensions["fahad"].sessions() as session:
        assert session.scalars(sa.select(WhatsAppOutbound.status)).all() == ["sent"]


# -- Claude ---------------------------------------------------------------------------------

def test_claude_answers_on_whatsapp_in_whatsapp_formatting(settings, fake_graph, fake_anthropic):
    from fakes.anthropic_api import Message as Reply, Text

    fake_anthropic.reply(Reply([Text("**Hello** from Claude! See [our shop](https://shop.test/).")]))
    app = make_app(whatsapp_config(settings, fake_graph.url, providers=("anthropic", "offline"),
                                   anthropic_api_key="sk-test-key",
                                   anthropic_base_url=fake_anthropic.url, model_timeout=3.0,
                                   model_max_retries=0), start=True)
    try:
        Meta(app.test_client(), "wa-app-secret").post(m.text(PHONE, "hello"))
        settled(app)
        assert fake_graph.sent == [text_body(
            "*Hello* from Claude! See our shop (https://shop.test/).")]
        request = fake_anthropic.requests[0]
        assert request["messages"][-1]["role"] == "user"
        assert "hello" in json.dumps(request["messages"][-1])
    finally:
        app.extensions["fahad"].stop()
        app.extensions["fahad"].engine.dispose()


def test_an_unreachable_graph_api_is_tried_three_times_then_recorded(wa_factory, monkeypatch):
    import socket

    from channels.whatsapp import graph

    monkeypatch.setattr(graph, "RETRIES", (0.01, 0.01))
    tries = []
    send_once = graph._send_once
    monkeypatch.setattr(graph, "_send_once", lambda *a: tries.append(1) or send_once(*a))
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    app, meta = wa_factory(whatsapp_api_base=closed)
    meta.post(m.text(PHONE, "hi"))
    [row] = settled(app)
    assert row.status == "done" and row.attempts == 1
    with app.extensions["fahad"].sessions() as session:
        failures = session.execute(sa.select(WhatsAppOutbound.status,
                                             WhatsAppOutbound.error_title)).all()
    assert failures and all(f == ("failed", "Graph API unreachable: ConnectError")
                            for f in failures)
    assert len(tries) == 3 * len(failures)
