"""An OpenAI-compatible model drives the turn: the real openai SDK over HTTP against a scripted
loopback chat-completions API, alone and in a chain with Claude."""
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from bridge.agent.prompt import system_prompt
from bridge.agent.providers import build_chain
from bridge.agent.providers.openai_compat import OpenAICompatProvider, factory
from bridge.models import AnalyticsEvent
from conftest import Shopper, make_app, sse_events
from fakes import anthropic_api as claude_api
from fakes.openai_api import ApiError, Completion, FakeOpenAI, Hang, Text, ToolCall

HI = {"messages": [{"role": "user", "content": "hi"}]}
MODEL = "gpt-test"


@pytest.fixture
def fake_openai():
    """A loopback chat-completions API, scripted by the test."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def openai_settings(settings, fake_openai):
    """Settings with only the OpenAI-compatible model before the offline provider."""
    return settings.replace(providers=("openai", "offline"), openai_api_key="sk-test-key",
                            openai_model=MODEL, openai_base_url=fake_openai.url,
                            model_timeout=3.0, model_max_retries=0)


@pytest.fixture
def shopper_for():
    """Build an app from settings and return a shopper of it; engines closed afterwards."""
    apps = []

    def build(settings):
        app = make_app(settings)
        apps.append(app)
        return Shopper(app.test_client(), secret=settings.bridge_secret)

    yield build
    for app in apps:
        app.extensions["fahad"].engine.dispose()


@pytest.fixture
def openai_shopper(shopper_for, openai_settings):
    return shopper_for(openai_settings)


def stream(shopper, text="hoodies under $50", history=()):
    response = shopper.post("/stream", {"messages": [*history, {"role": "user", "content": text}]})
    assert response.status_code == 200
    return sse_events(response.get_data(as_text=True))


def types(events):
    return [kind for kind, _ in events]


def said(events):
    return "".join(d["content"] for k, d in events if k == "chunk")


def turn_event(shopper):
    sessions = shopper.client.application.extensions["fahad"].sessions
    with sessions() as session:
        return session.scalar(sa.select(AnalyticsEvent).where(AnalyticsEvent.kind == "turn")
                              .order_by(AnalyticsEvent.id.desc()))


def unfence(content: str) -> dict:
    inner = content.removeprefix("<store_data>").removesuffix("</store_data>")
    return json.loads(inner.replace("\\u003c", "<").replace("\\u003e", ">"))


def last_tool_result(request) -> dict:
    return unfence(next(m for m in reversed(request["messages"]) if m["role"] == "tool")
                   ["content"])


def socks(store):
    return next(p for p in store.products().items
                if p.type == "simple" and p.in_stock and "Socks" in p.name)


# -- streaming and tools ------------------------------------------------------------------

def test_text_reaches_the_shopper_delta_by_delta(openai_shopper, fake_openai):
    fake_openai.reply(Completion([Text("Hello! What are you shopping for today?")]))
    events = stream(openai_shopper, "hi")
    chunks = [data["content"] for kind, data in events if kind == "chunk"]
    assert chunks == ["Hello! ", "What ", "are ", "you ", "shopping ", "for ", "today?"]
    assert types(events)[-1] == "done" and "degraded" not in events[-1][1]


def test_a_tool_call_is_announced_run_and_its_cards_shown_before_the_answer(
        openai_shopper, fake_openai, store):
    fake_openai.reply(
        Completion([Text("Let me look."),
                    ToolCall("search_products", {"query": "hoodie", "max_price": 50})]),
        lambda request: Completion([Text(f"I found {last_tool_result(request)['total']} "
                                         "hoodies.")]))
    events = stream(openai_shopper)
    kinds = types(events)
    assert kinds.index("tool") < kinds.index("products") < len(kinds) - 1
    assert events[kinds.index("tool")][1]["name"] == "search_products"
    cards = events[kinds.index("products")][1]["products"]
    assert cards and all(store.product(c["id"]).price <= 50 for c in cards)
    assert said(events).startswith("Let me look.") and said(events).endswith("hoodies.")


def test_tool_results_go_back_fenced_with_the_tool_call_id(openai_shopper, fake_openai):
    call = ToolCall("search_products", {"query": "mug"})
    fake_openai.reply(Completion([call]), Completion([Text("Here they are.")]))
    stream(openai_shopper, "mugs")
    second = fake_openai.requests[1]
    assert second["messages"][-2] == {"role": "assistant", "content": None, "tool_calls": [
        {"id": call.id, "type": "function",
         "function": {"name": "search_products", "arguments": '{"query": "mug"}'}}]}
    result = second["messages"][-1]
    assert result["role"] == "tool" and result["tool_call_id"] == call.id
    assert result["content"].startswith("<store_data>") and "error" not in unfence(
        result["content"])


def test_parallel_tool_calls_are_all_run_and_all_answered(openai_shopper, fake_openai, store):
    ids = [p.id for p in store.products().items[:2]]
    first, second = (ToolCall("get_product_details", {"product_id": i}) for i in ids)
    fake_openai.reply(Completion([first, second]), Completion([Text("Both look good.")]))
    events = stream(openai_shopper, "tell me about those two")
    assert [d["name"] for k, d in events if k == "tool"] == ["get_product_details"] * 2
    messages = fake_openai.requests[1]["messages"]
    assert [c["id"] for c in messages[-3]["tool_calls"]] == [first.id, second.id]
    assert [(m["role"], m["tool_call_id"]) for m in messages[-2:]] == [
        ("tool", first.id), ("tool", second.id)]
    assert [unfence(m["content"])["id"] for m in messages[-2:]] == ids


def test_a_server_that_finishes_tool_calls_with_stop_still_has_them_run(
        openai_shopper, fake_openai):
    # Older Ollama versions report "stop" even when the reply is tool calls.
    fake_openai.reply(Completion([ToolCall("view_cart", {})], finish_reason="stop"),
                      Completion([Text("Your cart is empty.")]))
    events = stream(openai_shopper, "my cart?")
    assert "tool" in types(events) and said(events) == "Your cart is empty."


def test_reasoning_is_kept_from_the_shopper_and_sent_back_within_the_tool_loop(
        openai_shopper, fake_openai):
    fake_openai.reply(Completion([ToolCall("view_cart", {})], reasoning="Check the cart first."),
                      Completion([Text("Your cart is empty.")]))
    events = stream(openai_shopper, "my cart?")
    assert "Check" not in said(events)
    assert fake_openai.requests[1]["messages"][-2]["reasoning_content"] == \
        "Check the cart first."


def test_malformed_arguments_come_back_as_an_error_the_model_can_fix(
        openai_shopper, fake_openai):
    bad = ToolCall("search_products", raw='{"query": "hoodie",,}')
    fake_openai.reply(Completion([bad]),
                      Completion([ToolCall("search_products", {"query": "hoodie"})]),
                      Completion([Text("Found some hoodies.")]))
    events = stream(openai_shopper, "hoodies")
    assistant, error = fake_openai.requests[1]["messages"][-2:]
    assert assistant["tool_calls"][0]["function"]["arguments"] == "{}"
    assert error["tool_call_id"] == bad.id
    assert "Invalid arguments" in unfence(error["content"])["error"]
    assert types(events).count("products") == 1 and "degraded" not in events[-1][1]


def test_the_loop_ends_with_tool_choice_none_on_the_last_call(
        shopper_for, openai_settings, fake_openai):
    shopper = shopper_for(openai_settings.replace(model_max_calls=3))
    fake_openai.reply(*[Completion([ToolCall("view_cart", {})]) for _ in range(2)],
                      Completion([Text("Your cart is empty.")]))
    body = shopper.post("/message", HI).get_json()
    assert [r["tool_choice"] for r in fake_openai.requests] == ["auto", "auto", "none"]
    assert body["message"] == "Your cart is empty." and "degraded" not in body


def test_tools_asked_for_on_the_last_call_are_not_run_and_the_chain_answers(
        shopper_for, openai_settings, fake_openai, store):
    # Servers that ignore tool_choice "none" can keep calling tools to the end.
    shopper = shopper_for(openai_settings.replace(model_max_calls=2))
    fake_openai.reply(Completion([ToolCall("view_cart", {})]),
                      Completion([ToolCall("add_to_cart", {"product_id": socks(store).id})]))
    events = stream(shopper, "my cart?")
    assert "add_to_cart" not in [d["name"] for k, d in events if k == "tool"]
    assert shopper.cart("view").get_json()["items"] == []
    assert said(events) and events[-1][1]["degraded"] is True


# -- settings -----------------------------------------------------------------------------

def test_settings_reach_the_request(openai_shopper, fake_openai, openai_settings):
    fake_openai.reply(Completion([Text("Hi!")]))
    stream(openai_shopper, "hi")
    request = fake_openai.requests[0]
    assert request["model"] == MODEL and request["stream"] is True
    assert request["max_tokens"] == openai_settings.model_max_tokens
    assert "max_completion_tokens" not in request
    assert request["stream_options"] == {"include_usage": True}
    assert request["tool_choice"] == "auto"
    assert [t["function"]["name"] for t in request["tools"]] == [
        "search_products", "get_product_details", "compare_products", "view_cart",
        "add_to_cart", "update_cart_item", "remove_from_cart", "order_status",
        "handoff_to_person", "get_store_policies", "get_shipping_options",
        "get_product_reviews"]
    assert all(t["type"] == "function" and t["function"]["parameters"]["type"] == "object"
               for t in request["tools"])
    headers = fake_openai.headers[0]
    assert headers["Authorization"] == "Bearer sk-test-key"
    assert headers["X-Stainless-Retry-Count"] == "0"
    assert float(headers["X-Stainless-Read-Timeout"]) == openai_settings.model_timeout


def test_the_static_prompt_leads_every_request_and_the_turn_note_follows(
        openai_shopper, fake_openai, openai_settings):
    fake_openai.reply(Completion([Text("One.")]), Completion([Text("Two.")]))
    stream(openai_shopper, "hi")
    stream(openai_shopper, "something else", [{"role": "user", "content": "hi"},
                                              {"role": "assistant", "content": "One."}])
    static = system_prompt(openai_settings, openai_settings.store_name, "USD")
    first, second = fake_openai.requests
    for request in (first, second):
        assert request["messages"][0]["role"] == "system"
        assert request["messages"][0]["content"].startswith(static + "\n\nChannel: storefront.")
    assert [m["role"] for m in first["messages"]] == ["system", "user"]
    assert first["tools"] == second["tools"]


def test_the_history_starts_with_the_shopper_and_same_role_messages_merge(
        openai_shopper, fake_openai):
    fake_openai.reply(Completion([Text("Sure.")]))
    stream(openai_shopper, "and socks?", [{"role": "assistant", "content": "Welcome!"},
                                          {"role": "user", "content": "hoodies"},
                                          {"role": "assistant", "content": "Here."},
                                          {"role": "assistant", "content": "Anything else?"}])
    assert fake_openai.requests[0]["messages"][1:] == [
        {"role": "user", "content": "hoodies"},
        {"role": "assistant", "content": "Here.\n\nAnything else?"},
        {"role": "user", "content": "and socks?"}]


def test_sdk_retries_come_from_settings(shopper_for, openai_settings, fake_openai):
    shopper = shopper_for(openai_settings.replace(model_max_retries=1))
    fake_openai.reply(ApiError(503, retry_after_ms=1), Completion([Text("Back again.")]))
    body = shopper.post("/message", HI).get_json()
    assert body["message"] == "Back again." and "degraded" not in body
    assert [h["X-Stainless-Retry-Count"] for h in fake_openai.headers] == ["0", "1"]


def test_a_base_url_without_a_key_sends_a_placeholder_key(
        shopper_for, openai_settings, fake_openai):
    # Ollama: a local URL and a model, no key.
    shopper = shopper_for(openai_settings.replace(openai_api_key=""))
    fake_openai.reply(Completion([Text("Hi from a local model.")]))
    body = shopper.post("/message", HI).get_json()
    assert body["message"] == "Hi from a local model."
    assert fake_openai.headers[0]["Authorization"] == "Bearer not-needed"


def test_openai_s_own_endpoint_gets_max_completion_tokens_and_no_ambient_base_url(
        settings, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://somewhere.else/v1")
    provider = OpenAICompatProvider(settings.replace(openai_model="gpt-5", openai_api_key="k"),
                                    "Shop", "USD")
    assert str(provider.client.base_url) == "https://api.openai.com/v1/"
    assert provider.limit == {"max_completion_tokens": settings.model_max_tokens}


@pytest.mark.parametrize("configured", [
    {}, {"openai_model": MODEL}, {"openai_api_key": "k"},
    {"openai_base_url": "http://127.0.0.1:11434/v1"},
])
def test_without_a_model_and_a_url_or_key_the_provider_is_not_built(settings, configured):
    assert factory(settings.replace(**configured), "Shop", "USD") is None


def test_alone_in_the_chain_without_configuration_it_is_skipped_and_nothing_degraded(
        shopper_for, settings):
    unconfigured = settings.replace(providers=("openai",))
    assert [p.name for p in build_chain(unconfigured, "Shop", "USD")] == ["offline"]
    body = shopper_for(unconfigured).post("/message", HI).get_json()
    assert body["message"] and "degraded" not in body


# -- failures -----------------------------------------------------------------------------

@pytest.mark.parametrize("failure", [ApiError(429, "Rate limit reached"), ApiError(500),
                                     ApiError(503, "The engine is currently overloaded")])
def test_a_failing_model_still_answers_200_degraded_with_real_products(
        openai_shopper, fake_openai, store, failure):
    fake_openai.reply(failure)
    response = openai_shopper.post("/message", {"messages": [
        {"role": "user", "content": "hoodies under $50"}]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["degraded"] is True and body["message"]
    assert body["cards"] and all(store.product(c["id"]).price <= 50 for c in body["cards"])


def test_a_hung_model_is_abandoned_after_the_timeout(shopper_for, openai_settings, fake_openai):
    shopper = shopper_for(openai_settings.replace(model_timeout=0.5))
    fake_openai.reply(Hang(60))
    body = shopper.post("/message", HI).get_json()
    assert fake_openai.hanging == 1  # answered while the model still held the call
    assert body["degraded"] is True and "shopping assistant" in body["message"]


def test_a_stream_that_stalls_mid_reply_is_abandoned_after_the_timeout(
        shopper_for, openai_settings, fake_openai):
    shopper = shopper_for(openai_settings.replace(model_timeout=0.5))
    fake_openai.reply(Completion([Text("Our hoodies are warm")], pace=5))
    events = stream(shopper, "hoodies")
    # Each word comes 5 s after the last: the turn ended without waiting for "warm".
    assert "warm" not in said(events) and events[-1][1]["degraded"] is True


def test_a_stream_cut_before_any_text_fails_over_cleanly(openai_shopper, fake_openai):
    fake_openai.reply(Completion([Text("never arrives")], cut_after=1))
    events = stream(openai_shopper, "hi")
    assert "never" not in said(events)
    assert events[-1][1]["degraded"] is True


def test_a_stream_cut_mid_text_keeps_what_was_said_and_finishes_degraded(
        openai_shopper, fake_openai):
    fake_openai.reply(Completion([Text("Our hoodies are warm and")], cut_after=3))
    events = stream(openai_shopper, "hoodies")
    assert said(events).startswith("Our hoodies ") and "warm" not in said(events)
    assert "products" in types(events)  # the offline provider took over with real cards
    assert events[-1][0] == "done" and events[-1][1]["degraded"] is True


def test_a_stream_that_never_finishes_the_reply_is_a_failure(openai_shopper, fake_openai):
    fake_openai.reply(Completion([Text("Hello there")], finish=False))
    events = stream(openai_shopper, "hoodies")
    assert said(events).startswith("Hello there")
    assert events[-1][1]["degraded"] is True


def test_an_error_frame_mid_stream_is_a_failure(openai_shopper, fake_openai):
    fake_openai.reply(Completion([Text("Our hoodies are warm")], error_after=2))
    events = stream(openai_shopper, "hoodies")
    assert said(events).startswith("Our ") and events[-1][1]["degraded"] is True


# -- usage ----------------------------------------------------------------------------------

def test_tokens_and_cost_are_recorded_with_cached_tokens_apart(
        shopper_for, openai_settings, fake_openai):
    price = {"input": 0.4, "output": 1.6, "cache_read": 0.1}
    shopper = shopper_for(openai_settings.replace(prices={MODEL: price}))
    fake_openai.reply(
        Completion([ToolCall("view_cart", {})], prompt_tokens=1000, completion_tokens=50),
        Completion([Text("Empty.")], prompt_tokens=1100, completion_tokens=20,
                   cached_tokens=800))
    stream(shopper, "my cart?")
    event = turn_event(shopper)
    # OpenAI counts cached tokens inside prompt_tokens: 1000 + (1100 - 800) are uncached.
    assert (event.input_tokens, event.output_tokens, event.cached_tokens,
            event.cache_write_tokens) == (1300, 70, 800, 0)
    expected = (Decimal("0.4") * 1300 + Decimal("1.6") * 70 + Decimal("0.1") * 800) / 1_000_000
    assert event.cost_usd == expected.quantize(Decimal("0.000001"))
    assert event.provider == "openai" and event.detail["models"] == [MODEL]


# -- failover between the two models ------------------------------------------------------

@pytest.fixture
def both_settings(openai_settings, fake_anthropic):
    """Claude first, then the OpenAI-compatible model, then offline; both loopback APIs."""
    return openai_settings.replace(providers=("anthropic", "openai", "offline"),
                                   anthropic_api_key="sk-ant-test",
                                   anthropic_base_url=fake_anthropic.url)


def test_a_turn_claude_fails_after_an_add_continues_on_openai_without_adding_again(
        shopper_for, both_settings, fake_anthropic, fake_openai, store):
    product = socks(store)
    use = claude_api.ToolUse("add_to_cart", {"product_id": product.id})
    fake_anthropic.reply(claude_api.Message([use]), claude_api.ApiError(500))
    # The second model repeats the add anyway; the turn answers it from the first call.
    fake_openai.reply(Completion([ToolCall("add_to_cart", {"product_id": product.id})]),
                      Completion([Text("Added the socks to your cart.")]))
    shopper = shopper_for(both_settings)
    events = stream(shopper, f"add the {product.name} to my cart")

    carried = fake_openai.requests[0]["messages"]
    assistant, result = carried[-2:]
    assert assistant["role"] == "assistant" and assistant["content"] is None
    assert [(c["id"], c["function"]["name"], json.loads(c["function"]["arguments"])["product_id"])
            for c in assistant["tool_calls"]] == [(use.id, "add_to_cart", product.id)]
    assert result["role"] == "tool" and result["tool_call_id"] == use.id
    assert "error" not in unfence(result["content"])

    cart = shopper.cart("view").get_json()
    assert [(i["product_id"], i["quantity"]) for i in cart["items"]] == [(product.id, 1)]
    assert said(events) == "Added the socks to your cart."
    # A model failed, so the turn is degraded even though another model answered.
    assert events[-1][1]["degraded"] is True
    event = turn_event(shopper)
    assert event.provider == "openai" and event.degraded is True
    assert event.detail["models"] == ["claude-sonnet-5-5", MODEL]


def test_text_claude_said_before_failing_is_continued_by_openai(
        shopper_for, both_settings, fake_anthropic, fake_openai):
    fake_anthropic.reply(claude_api.Message([claude_api.Text("Our hoodies are warm and")],
                                            cut_after=4))
    fake_openai.reply(Completion([Text("are cosy.")]))
    events = stream(shopper_for(both_settings), "hoodies?")
    assert fake_openai.requests[0]["messages"][-1] == {"role": "assistant",
                                                       "content": "Our hoodies"}
    assert said(events) == "Our hoodies are cosy." and events[-1][1]["degraded"] is True


def test_a_turn_openai_fails_mid_way_continues_on_claude_with_its_tool_results(
        shopper_for, openai_settings, fake_anthropic, fake_openai):
    settings = openai_settings.replace(providers=("openai", "anthropic", "offline"),
                                       anthropic_api_key="sk-ant-test",
                                       anthropic_base_url=fake_anthropic.url)
    call = ToolCall("view_cart", {})
    fake_openai.reply(Completion([call]), ApiError(500))
    fake_anthropic.reply(claude_api.Message([claude_api.Text("Your cart is empty.")]))
    events = stream(shopper_for(settings), "my cart?")
    uses, results = fake_anthropic.requests[0]["messages"][-2:]
    assert uses["content"][0]["id"] == call.id
    assert results["content"][0]["tool_use_id"] == call.id
    assert types(events).count("tool") == 1 and said(events) == "Your cart is empty."
