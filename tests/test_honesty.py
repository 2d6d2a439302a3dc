"""Nothing unverified reaches the shopper: scripted models (the real anthropic and openai SDKs
over HTTP against the loopback APIs) tell lies and truths, and the shopper gets only the
truths, on /stream (no chunk), /message and WhatsApp; each lie is an ``ungrounded`` event
that the admin insights count."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from bridge.models import AnalyticsEvent
from conftest import Shopper, WordPress, make_app, sse_events, wait_for, whatsapp_config
from fakes import meta as m
from fakes.anthropic_api import Message, Text, ToolUse
from fakes.meta import Meta
from fakes.openai_api import Completion, FakeOpenAI
from fakes.openai_api import Text as OText
from fakes.openai_api import ToolCall

JACKET = "Quilted Liner Jacket"
PHONE = "15550001111"


def product(app, name):
    store = app.extensions["fahad"].store
    return next(p for p in store.products(per_page=100).items if p.name == name)


def a_variable_on_sale(app):
    store = app.extensions["fahad"].store
    return next(p for p in store.products(per_page=100).items
                if p.variations and p.price != p.price_max)


def stream(shopper, text):
    response = shopper.post("/stream", {"messages": [{"role": "user", "content": text}]})
    assert response.status_code == 200
    events = sse_events(response.get_data(as_text=True))
    chunks = [d["content"] for k, d in events if k == "chunk"]
    return events, chunks, "".join(chunks)


def caught(app):
    with app.extensions["fahad"].sessions() as session:
        return session.scalars(sa.select(AnalyticsEvent)
                               .where(AnalyticsEvent.kind == "ungrounded")).all()


def lookup_then(say, query=JACKET):
    """Claude looks the product up, then writes ``say(product card)``."""
    def answer(request):
        block = request["messages"][-1]["content"][0]["content"]
        found = json.loads(block.removeprefix("<store_data>").removesuffix("</store_data>")
                           .replace("\\u003c", "<").replace("\\u003e", ">"))
        return Message([Text(say(found["products"][0]))])
    return [Message([ToolUse("search_products", {"query": query})]), answer]


def test_a_wrong_price_for_a_looked_up_product_is_corrected_in_every_chunk(
        claude_shopper, claude_app, fake_anthropic, claude_settings):
    fake_anthropic.reply(*lookup_then(lambda p: f"The {p['name']} costs $12.34 and it is warm."))
    events, chunks, text = stream(claude_shopper, "how much is the quilted liner jacket?")
    price = product(claude_app, JACKET).price
    assert not any("12.34" in c or "12." in c and "34" in c for c in chunks)
    assert "12.34" not in text and f"costs ${price:.2f} and it is warm." in text
    cards = next(d["products"] for k, d in events if k == "products")
    assert cards[0]["price"] == f"{price:.2f}"
    [event] = caught(claude_app)
    done = events[-1][1]
    assert event.conversation_ref == done["conversation_ref"]
    assert event.provider == "anthropic"
    assert event.detail["claim"] == "$12.34" and event.detail["fact"] == f"${price:.2f}"
    assert event.detail["action"] == "corrected"
    assert event.detail["model"] == claude_settings.anthropic_model
    assert event.detail["product_id"] == product(claude_app, JACKET).id


def test_figures_with_no_lookup_are_withheld_on_stream_and_message(
        claude_shopper, claude_app, fake_anthropic):
    lie = "Great choice! It is $12.34 and ships free tomorrow with code FREE50. Anything else?"
    fake_anthropic.reply(Message([Text(lie)]), Message([Text(lie)]))
    _, chunks, text = stream(claude_shopper, "tell me about the jacket")
    body = claude_shopper.say("tell me about the jacket").get_json()
    for shown in (text, body["message"]):
        for figure in ("12.34", "FREE50", "tomorrow", "ships free"):
            assert figure not in shown
        assert shown.startswith("Great choice! It is — I can't confirm that price here")
        assert shown.endswith("Anything else?")
    assert not any("FREE" in c or "$1" in c for c in chunks)
    actions = [(e.detail["kind"], e.detail["action"]) for e in caught(claude_app)]
    assert actions == [("money", "withheld"), ("delivery", "withheld"), ("delivery", "withheld"),
                       ("code", "withheld")] * 2


def test_true_figures_arrive_intact(claude_shopper, claude_app, fake_anthropic):
    jacket = product(claude_app, JACKET)
    honest = (f"The {JACKET} costs ${jacket.price:.2f}"
              + (f" and {jacket.stock_quantity} are in stock." if jacket.stock_quantity
                 else "."))
    fake_anthropic.reply(*lookup_then(lambda p: honest), *lookup_then(lambda p: honest))
    _, _, text = stream(claude_shopper, "the quilted liner jacket?")
    assert text == honest
    assert claude_shopper.say("the quilted liner jacket?").get_json()["message"] == honest
    assert caught(claude_app) == []


def test_a_variable_products_from_price_and_sale_price_pass_and_a_wrong_one_is_corrected(
        claude_shopper, claude_app, fake_anthropic):
    variable = a_variable_on_sale(claude_app)
    low, high = variable.price, variable.price_max
    honest = f"The {variable.name} is from ${low:.2f} up to ${high:.2f}."
    wrong = f"The {variable.name} is ${high + 7:.2f}."
    fake_anthropic.reply(*lookup_then(lambda p: honest, variable.name),
                         *lookup_then(lambda p: wrong, variable.name))
    assert stream(claude_shopper, variable.name)[2] == honest
    text = stream(claude_shopper, variable.name)[2]
    assert f"{high + 7:.2f}" not in text and text == f"The {variable.name} is from ${low:.2f}."


def test_a_cart_total_is_checked_against_the_cart(claude_shopper, claude_app, fake_anthropic):
    jacket = product(claude_app, JACKET)
    total = jacket.price * 2

    def reply(request):
        return Message([Text(f"Done: 2 added. Your cart total is ${total:.2f}, "
                             f"not ${total + 10:.2f}.")])
    fake_anthropic.reply(Message([ToolUse("add_to_cart", {"product_id": jacket.id,
                                                          "quantity": 2})]), reply)
    text = stream(claude_shopper, "add two quilted liner jackets")[2]
    assert f"${total:.2f}" in text and f"{total + 10:.2f}" not in text


def test_the_merchants_own_policy_words_pass(tmp_path, fake_anthropic, claude_settings):
    settings = claude_settings.replace(
        store_policies="Free shipping on orders over $75. Orders ship within 2 business days.")
    app = make_app(settings)
    said = "We offer free shipping on orders over $75, and orders ship within 2 business days."
    fake_anthropic.reply(Message([Text(said)]))
    assert stream(Shopper(app.test_client()), "shipping?")[2] == said
    app.extensions["fahad"].engine.dispose()


def test_a_lie_in_spanish_is_withheld_in_spanish(claude_shopper, fake_anthropic):
    fake_anthropic.reply(Message([Text("Esta chaqueta cuesta 12,34 $ y es para ti. ¿Algo más?")]))
    text = stream(claude_shopper, "¿cuánto cuesta la chaqueta?")[2]
    assert "12,34" not in text and "no puedo confirmar ese precio" in text
    assert text.endswith("¿Algo más?")


@pytest.fixture
def openai_app(settings):
    server = FakeOpenAI().start()
    app = make_app(settings.replace(providers=("openai", "offline"), openai_api_key="sk-t",
                                    openai_model="gpt-test", openai_base_url=server.url,
                                    model_timeout=3.0, model_max_retries=0))
    yield app, server
    app.extensions["fahad"].engine.dispose()
    server.stop()


def test_the_openai_sdk_path_is_checked_the_same_way(openai_app):
    app, server = openai_app
    jacket = product(app, JACKET)
    server.reply(Completion([ToolCall("search_products", {"query": JACKET})]),
                 Completion([OText(f"The {JACKET} is $12.34, or 20% off with code SAVE20.")]))
    _, chunks, text = stream(Shopper(app.test_client()), "jacket price?")
    assert "12.34" not in text and "SAVE20" not in text and "20%" not in text
    assert text.startswith(f"The {JACKET} is ${jacket.price:.2f}, or —")
    assert [(e.provider, e.detail["model"], e.detail["kind"]) for e in caught(app)] == [
        ("openai", "gpt-test", kind) for kind in ("money", "percent", "code")]


def test_a_lie_never_reaches_a_whatsapp_send(settings, fake_graph, fake_anthropic):
    app = make_app(whatsapp_config(settings, fake_graph.url, providers=("anthropic", "offline"),
                                   anthropic_api_key="sk-test-key",
                                   anthropic_base_url=fake_anthropic.url, model_timeout=3.0,
                                   model_max_retries=0), start=True)
    jacket = product(app, JACKET)
    fake_anthropic.reply(*lookup_then(lambda p: f"The {JACKET} is **$12.34**, only 1 left!"))
    try:
        Meta(app.test_client(), "wa-app-secret").post(m.text(PHONE, "jacket?"))
        sent = wait_for(lambda: fake_graph.texts() or None)
        wait_for(lambda: caught(app))
        assert not any("12.34" in t for t in fake_graph.texts())
        assert f"${jacket.price:.2f}" in sent[0]
        assert {e.channel for e in caught(app)} == {"whatsapp"}
    finally:
        app.extensions["fahad"].stop()
        app.extensions["fahad"].engine.dispose()


def test_admin_insights_count_the_caught_claims(claude_shopper, claude_app, fake_anthropic):
    fake_anthropic.reply(Message([Text("It is $12.34.")]), Message([Text("It is $5.")]))
    stream(claude_shopper, "price?")
    stream(claude_shopper, "price?")
    admin = WordPress(claude_app.test_client())
    body = admin.request("GET", "/admin/insights", query="days=7",
                         context=admin.context(caps=["manage_woocommerce"])).get_json()
    assert body["assistant"]["ungrounded_claims"] == 2
    assert body["assistant"]["ungrounded_by_kind"] == {"money": 2}


def test_a_span_held_when_the_provider_fails_is_never_shown(claude_shopper, claude_app,
                                                            fake_anthropic):
    fake_anthropic.reply(Message([Text("The Quilted Liner Jacket costs $12.34 today, and more "
                                       "words follow here")], cut_after=9))
    _, chunks, text = stream(claude_shopper, "hi")
    assert "$12" not in text and not any("$1" in c for c in chunks)
    assert text.startswith("The Quilted Liner Jacket costs ")


def test_the_conversation_is_saved_as_the_shopper_saw_it(claude_shopper, claude_app,
                                                         fake_anthropic):
    from bridge.models import Message as Row
    fake_anthropic.reply(*lookup_then(lambda p: f"The {p['name']} costs $12.34."))
    _, _, text = stream(claude_shopper, "the quilted liner jacket?")
    with claude_app.extensions["fahad"].sessions() as session:
        saved = session.scalars(sa.select(Row.content).where(Row.role == "assistant")).all()
    assert saved == [text] and "12.34" not in text


def _comma(value) -> str:
    return f"{value}".replace(".", ",")


LISTINGS = {
    "en": lambda p: (f"- **{p['name']}**: ${p['price']}"
                     + (f" (was ${p['regular_price']})" if p.get("on_sale") else "")
                     + (f", {p['stock_quantity']} in stock" if p.get("stock_quantity") else "")
                     + (f", rated {p['rating']} stars" if p.get("rating") else "")),
    "es": lambda p: (f"- **{p['name']}**: {_comma(p['price'])} $"
                     + (f" (antes {_comma(p['regular_price'])} $)" if p.get("on_sale") else "")
                     + (f", quedan {p['stock_quantity']} unidades"
                        if p.get("stock_quantity") else "")
                     + (f", {_comma(p['rating'])} estrellas" if p.get("rating") else "")),
    "fr": lambda p: (f"- **{p['name']}** : {_comma(p['price'])} $"
                     + (f" (au lieu de {_comma(p['regular_price'])} $)"
                        if p.get("on_sale") else "")
                     + (f", {p['stock_quantity']} en stock" if p.get("stock_quantity") else "")
                     + (f", noté {_comma(p['rating'])} sur 5" if p.get("rating") else "")),
    "de": lambda p: (f"- **{p['name']}**: {_comma(p['price'])} $"
                     + (f" (statt {_comma(p['regular_price'])} $)" if p.get("on_sale") else "")
                     + (f", {p['stock_quantity']} auf Lager" if p.get("stock_quantity") else "")
                     + (f", {_comma(p['rating'])} Sterne" if p.get("rating") else "")),
}


@pytest.mark.parametrize("lang", sorted(LISTINGS))
def test_an_honest_listing_of_real_results_passes_unchanged_in_four_languages(
        lang, claude_shopper, claude_app, fake_anthropic):
    written = {}

    def answer(request):
        block = request["messages"][-1]["content"][0]["content"]
        found = json.loads(block.removeprefix("<store_data>").removesuffix("</store_data>")
                           .replace("\\u003c", "<").replace("\\u003e", ">"))
        written["text"] = "\n".join(LISTINGS[lang](p) for p in found["products"])
        return Message([Text(written["text"])])
    fake_anthropic.reply(Message([ToolUse("search_products", {"query": "hoodie", "limit": 10})]),
                         answer)
    text = stream(claude_shopper, "hoodies")[2]
    assert text == written["text"] and "$" in text
    assert caught(claude_app) == []
