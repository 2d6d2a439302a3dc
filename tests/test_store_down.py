"""The store down: every route and tool that needs WooCommerce answers 503
fahad_ai_store_unavailable (tools: "the store could not answer"), routes served from the
local index keep answering, and "not found" stays 404 whether the store is up or down."""
import json

import pytest
import requests

from bridge.agent.tools import STOREFRONT_TOOLS
from bridge.agent.tools.registry import ToolContext, check_arguments
from bridge.catalog import sync
from bridge.routes import NAMESPACE, ROUTES, Gate
from bridge.settings import Settings
from conftest import SECRET, WordPress, make_app
from fakes.woocommerce.auth import READ

pytestmark = pytest.mark.usefixtures("quick_retries")

MANAGER = ["manage_woocommerce"]
MCP = NAMESPACE + "/agent/mcp"
UNAVAILABLE = "fahad_ai_store_unavailable"
PUBLISHED = 14  # the recorded shop's Canvas Tote Bag: published, simple, in stock
DRAFT = 17  # the recorded shop's draft

# Every admin and agent route with a query it would answer, and what it answers with the
# store down: 503 when it reads the store, 200 when the local index serves it.
DOWN = {
    "/admin/insights": ("days=7", 503),
    "/admin/sale-candidates": ("limit=5", 503),
    "/admin/product-context": (f"id={PUBLISHED}", 503),
    "/admin/review-drafts": ("limit=3", 503),
    "/agent/llms": ("", 200),
    "/agent/catalog": ("", 200),
    "/agent/search": ("q=hoodie", 200),
    "/agent/feed": ("", 200),
    "/agent/product": (f"id={PUBLISHED}", 503),
    "/agent/checkout-handoff": (f"ids={PUBLISHED}", 503),
    # The inbox reads the bridge's own tables only: the store being down changes nothing.
    "/admin/conversations": ("", 200),
    "/admin/conversation": ("id=cv_unknown", 404),
    "/admin/webhook-deliveries": ("", 200),
    "/admin/inbox-insights": ("days=7", 200),
    "/admin/api-keys": ("", 200),  # the bridge's own table too
}
READS = [r for r in ROUTES if r.gate in (Gate.ADMIN, Gate.AGENT) and r.method == "GET"]


@pytest.fixture
def woo_app(tmp_path, fake):
    app = make_app(Settings(data_dir=str(tmp_path), bridge_secret=SECRET,
                            public_url="http://shop.test", store="woocommerce", wc_url=fake.url,
                            wc_consumer_key=READ[0], wc_consumer_secret=READ[1],
                            wc_background_sync=False, providers=("offline",)))
    bridge = app.extensions["fahad"]
    sync.full_sync(bridge.store, bridge.index)
    yield app
    bridge.engine.dispose()


@pytest.fixture(params=["refused", "503"])
def store_down(request, fake, woo_app):
    """The store stops answering: its port closed, or every call a 503 from its host."""
    if request.param == "refused":
        fake.stop()
    else:
        fake.faults.fail(503, times=10_000)
    return fake


def get(client, route, query, caps=MANAGER):
    if route.gate is Gate.ADMIN:
        wordpress = WordPress(client)
        return wordpress.request("GET", route.path, query=query,
                                 context=wordpress.context(caps=caps))
    return client.get(route.url + (f"?{query}" if query else ""))


def assert_unavailable(response, fake):
    assert response.status_code == 503, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == UNAVAILABLE and body["data"] == {"status": 503}
    assert int(response.headers["Retry-After"]) > 0
    # The store's own address and the adapter's detail stay in the log.
    assert fake.url not in body["message"] and "FAHAD_" not in body["message"]


def test_the_table_covers_every_admin_and_agent_read():
    assert set(DOWN) == {r.path for r in READS}


@pytest.mark.parametrize("route", READS, ids=[r.path for r in READS])
def test_with_the_store_down_a_route_is_503_or_served_from_the_index(woo_app, store_down,
                                                                     route):
    query, status = DOWN[route.path]
    response = get(woo_app.test_client(), route, query)
    if status == 503:
        assert_unavailable(response, store_down)
    else:
        assert response.status_code == status, response.get_data(as_text=True)


def test_with_the_store_down_the_shoppers_cart_is_503(woo_app, fake):
    token = requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]
    fake.stop()
    wordpress = WordPress(woo_app.test_client())
    for body in ({"action": "view"}, {"action": "add", "product_id": PUBLISHED}):
        response = wordpress.post("/cart", body,
                                  context=wordpress.context(cart_token=token))
        assert_unavailable(response, fake)


def rpc_call(client, tool, arguments):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": tool, "arguments": arguments}}
    response = client.post(MCP, data=json.dumps(body), content_type="application/json",
                           headers={"Accept": "application/json, text/event-stream"})
    assert response.status_code == 200
    return response.get_json()["result"]


@pytest.mark.parametrize("tool, arguments", [
    ("get_product_details", {"product_id": PUBLISHED}),
    ("checkout_handoff", {"items": [{"product_id": PUBLISHED}]}),
])
def test_with_the_store_down_an_mcp_tool_says_the_store_could_not_answer(
        woo_app, store_down, tool, arguments):
    result = rpc_call(woo_app.test_client(), tool, arguments)
    assert result["isError"]
    text = result["content"][0]["text"]
    assert "store could not answer" in text and "No product" not in text
    assert store_down.url not in text


def test_with_the_store_down_mcp_search_still_answers_from_the_index(woo_app, store_down):
    result = rpc_call(woo_app.test_client(), "search_products", {"query": "hoodie"})
    assert not result["isError"] and result["structuredContent"]["products"]


# The chat's tools that read or change the store, with arguments they would accept.
STORE_TOOLS = {
    "get_product_details": {"product_id": PUBLISHED},
    "compare_products": {"product_ids": [PUBLISHED, 25]},
    "view_cart": {},
    "add_to_cart": {"product_id": PUBLISHED},
    "update_cart_item": {"cart_item_key": "0" * 32, "quantity": 2},
    "remove_from_cart": {"cart_item_key": "0" * 32},
    "order_status": {},
    "get_shipping_options": {"country": "US"},
    "get_product_reviews": {"product_id": PUBLISHED},
}


def test_every_chat_tool_but_search_policies_and_handoff_reads_the_store():
    # search reads the local index, the policies are the merchant's settings first (the
    # store's own pages beside them when it answers), a handoff is the bridge's own record
    assert set(STORE_TOOLS) == {t.name for t in STOREFRONT_TOOLS} - {
        "search_products", "get_store_policies", "handoff_to_person"}


@pytest.mark.parametrize("name", STORE_TOOLS)
def test_with_the_store_down_a_chat_tool_tells_the_model_the_store_could_not_answer(
        woo_app, fake, name):
    bridge = woo_app.extensions["fahad"]
    token = requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]
    fake.stop()
    tool = STOREFRONT_TOOLS[name]
    ctx = ToolContext(store=bridge.store, index=bridge.index, cart_ref=token, shopper_id=7)
    result = tool.handler(ctx, check_arguments(tool.schema, STORE_TOOLS[name]))
    assert not result.ok
    assert result.content["code"] == UNAVAILABLE
    assert "store could not answer" in result.content["error"]
    assert "No product" not in result.content["error"] and fake.url not in result.content["error"]


def test_with_the_store_down_the_offline_assistant_does_not_call_a_product_missing(
        woo_app, fake):
    wordpress = WordPress(woo_app.test_client())
    history = [{"role": "user", "content": "hoodies"}]
    first = wordpress.post("/message", {"messages": history}).get_json()
    assert first["cards"]
    fake.stop()
    history += [{"role": "assistant", "content": first["message"]},
                {"role": "user", "content": "tell me more about the first one"}]
    reply = wordpress.post("/message", {"messages": history,
                                        "conversation_ref": first["conversation_ref"]})
    assert reply.status_code == 200
    text = reply.get_json()["message"]
    assert "store could not answer" in text and "couldn't find" not in text


# -- not found stays 404, whether the store is up or down ---------------------------------

@pytest.mark.parametrize("path", ["/agent/product", "/admin/product-context"])
@pytest.mark.parametrize("missing", [999999, DRAFT])
def test_an_unknown_or_unpublished_product_is_404_with_the_store_up(woo_app, path, missing):
    route = next(r for r in READS if r.path == path)
    response = get(woo_app.test_client(), route, f"id={missing}")
    assert response.status_code == 404
    assert response.get_json() == {"code": "invalid_product",
                                   "message": f"No product with id {missing}.",
                                   "data": {"status": 404}}


def test_an_unknown_product_is_a_no_such_product_tool_error_over_mcp(woo_app):
    result = rpc_call(woo_app.test_client(), "get_product_details", {"product_id": 999999})
    assert result["isError"]
    assert result["content"][0]["text"].endswith("No product with id 999999.")


def test_an_unknown_product_added_to_the_cart_is_404(woo_app, fake):
    token = requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]
    wordpress = WordPress(woo_app.test_client())
    response = wordpress.post("/cart", {"action": "add", "product_id": 999999},
                              context=wordpress.context(cart_token=token))
    assert response.status_code == 404 and response.get_json()["code"] == "invalid_product"


def test_the_store_failing_for_one_call_still_answers_after_its_retries(woo_app, fake):
    fake.faults.fail(503, times=2, path=f"/wp-json/wc/v3/products/{PUBLISHED}")
    response = woo_app.test_client().get(NAMESPACE + f"/agent/product?id={PUBLISHED}")
    assert response.status_code == 200 and response.get_json()["id"] == PUBLISHED
