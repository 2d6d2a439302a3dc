"""POST /agent/mcp: the gateway's tools over MCP Streamable HTTP, driven by the SDK's own client
over a real socket, with the same answers and the same gate as the HTTP routes."""
import json
import threading
import time

import anyio
import pytest
from mcp import Client
from werkzeug.serving import make_server

from bridge.routes import NAMESPACE
from bridge.security import sign_context
from bridge.store.base import StoreUnavailable
from conftest import SECRET, make_app

MCP = NAMESPACE + "/agent/mcp"
# What a Streamable HTTP client sends with every POST.
HEADERS = {"Accept": "application/json, text/event-stream"}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval, so shutdown at teardown is quick.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{MCP}"
    server.shutdown()


def connected(url: str, work, mode: str = "legacy"):
    """Run ``work(client)`` on a real MCP client connected to ``url``; its result."""
    async def main():
        async with Client(url, mode=mode) as client:
            return await work(client)
    return anyio.run(main)


def call(url: str, tool: str, arguments: dict):
    return connected(url, lambda client: client.call_tool(tool, arguments))


def rpc(client, body, **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(MCP, data=raw, content_type="application/json",
                       headers={**HEADERS, **headers})


def published_simple(store, in_stock=True):
    return [p.id for p in store.products().items
            if p.type == "simple" and p.purchasable and p.in_stock == in_stock]


# -- connecting and listing ------------------------------------------------------------------

@pytest.mark.parametrize("mode, version", [("legacy", "2025-11-25"), ("auto", "2026-07-28")])
def test_a_real_client_connects_and_lists_exactly_the_three_read_only_tools(
        live_server, settings, mode, version):
    async def work(client):
        return client.protocol_version, client.server_info, client.instructions, \
            (await client.list_tools()).tools
    negotiated, info, instructions, tools = connected(live_server, work, mode)
    assert negotiated == version  # the initialize handshake, or the newer discover
    assert info.name == settings.store_name and f"{NAMESPACE}/agent/llms" in instructions
    by_name = {tool.name: tool for tool in tools}
    assert list(by_name) == ["search_products", "get_product_details", "checkout_handoff"]
    for tool in tools:
        assert tool.annotations.read_only_hint and not tool.annotations.destructive_hint
        assert tool.description and tool.input_schema["type"] == "object"
    search = by_name["search_products"].input_schema
    assert search["required"] == ["query"]
    assert set(search["properties"]) == {"query", "category", "min_price", "max_price",
                                         "on_sale", "in_stock", "limit", "offset"}
    assert (search["properties"]["limit"]["minimum"],
            search["properties"]["limit"]["maximum"]) == (1, 50)
    assert search["properties"]["query"]["maxLength"] == 1000
    assert by_name["get_product_details"].input_schema["required"] == ["product_id"]
    items = by_name["checkout_handoff"].input_schema["properties"]["items"]
    assert items["type"] == "array" and items["maxItems"] == 20


# -- the tools give the HTTP routes' answers -------------------------------------------------

def test_search_finds_published_products_at_the_stores_prices(live_server, client, store):
    result = call(live_server, "search_products", {"query": "hoodie", "limit": 3})
    assert not result.is_error
    assert json.loads(result.content[0].text) == result.structured_content
    assert result.structured_content == \
        client.get(NAMESPACE + "/agent/search?q=hoodie&limit=3").get_json()
    products = result.structured_content["products"]
    assert 0 < len(products) <= 3
    for card in products:
        product = store.product(card["id"])
        assert product.published and card["price"] == f"{product.price:.2f}"


def test_details_are_the_product_routes_and_unpublished_ids_are_tool_errors(
        live_server, client, store):
    variable = next(p for p in store.products().items if p.variations)
    found = call(live_server, "get_product_details", {"product_id": variable.id})
    assert not found.is_error
    assert found.structured_content == \
        client.get(NAMESPACE + f"/agent/product?id={variable.id}").get_json()
    draft = next(p for p in store.data.products if not p.published)
    for missing in (draft.id, 999999):
        refused = call(live_server, "get_product_details", {"product_id": missing})
        assert refused.is_error and refused.structured_content is None
        assert refused.content[0].text.endswith(f"No product with id {missing}.")
        assert draft.name not in refused.content[0].text


def test_a_handoff_gives_links_built_by_the_server_and_drops_what_cannot_be_bought(
        live_server, store):
    good = published_simple(store)[0]
    gone = published_simple(store, in_stock=False)[0]
    result = call(live_server, "checkout_handoff", {"items": [
        {"product_id": good, "quantity": 2}, {"product_id": gone}, {"product_id": 999999}]})
    assert not result.is_error
    body = result.structured_content
    assert [(i["product_id"], i["quantity"]) for i in body["items"]] == [(good, 2)]
    assert body["items"][0]["add_to_cart"] == \
        f"http://shop.test/checkout-link/?products={good}:2"
    assert body["checkout_url"] == f"http://shop.test/checkout-link/?products={good}:2"
    assert body["dropped"] == [{"product_id": gone, "reason": "out of stock"},
                               {"product_id": 999999, "reason": "not found"}]


def test_a_handoff_with_nothing_buyable_is_a_tool_error_with_the_reasons(live_server):
    result = call(live_server, "checkout_handoff", {"items": [{"product_id": 999999}]})
    assert result.is_error and "None of the items can be bought" in result.content[0].text
    assert '"reason": "not found"' in result.content[0].text


def test_a_store_that_does_not_answer_is_a_tool_error_not_a_crash(client, store, monkeypatch):
    def down(product_id):
        raise StoreUnavailable("The store is not answering right now.")
    monkeypatch.setattr(store, "product", down)
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "checkout_handoff", "arguments": {"items": [{"product_id": 101}]}}}
    result = rpc(client, body).get_json()["result"]
    assert result["isError"]
    # The agent reads the fixed words; the cause is for the bridge's log.
    text = result["content"][0]["text"]
    assert text.endswith(StoreUnavailable("").public_message)
    assert "not answering" not in text


@pytest.mark.parametrize("tool, arguments, named", [
    ("search_products", {"query": "hoodie", "limit": 51}, "limit"),
    ("search_products", {"query": "hoodie", "offset": -1}, "offset"),
    ("search_products", {"query": "x" * 1001}, "query"),
    ("search_products", {"limit": 3}, "query"),
    ("search_products", {"query": "hoodie", "min_price": "cheap"}, "min_price"),
    ("get_product_details", {"product_id": "abc"}, "product_id"),
    ("checkout_handoff", {"items": [{"product_id": 1}] * 21}, "items"),
    ("checkout_handoff", {"items": [{"product_id": 1, "quantity": 0}]}, "quantity"),
    ("no_such_tool", {}, "no_such_tool"),
])
def test_bad_arguments_are_tool_errors_naming_what_was_wrong(live_server, tool, arguments,
                                                             named):
    result = call(live_server, tool, arguments)
    assert result.is_error and named in result.content[0].text


# -- the gate --------------------------------------------------------------------------------

@pytest.fixture
def limited(settings):
    app = make_app(settings.replace(agent_rate_limit=3))
    yield app
    app.extensions["fahad"].engine.dispose()


def test_the_route_is_under_the_agent_rate_limit(limited):
    client = limited.test_client()
    assert [rpc(client, LIST_TOOLS).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = rpc(client, LIST_TOOLS)
    assert refused.status_code == 429 and refused.get_json()["code"] == "fahad_ai_rate_limited"
    assert refused.get_json()["message"] and refused.get_json()["data"] == {"status": 429}
    assert int(refused.headers["Retry-After"]) > 0


def test_the_route_shares_one_bucket_with_the_other_agent_routes(limited):
    client = limited.test_client()
    assert client.get(NAMESPACE + "/agent/llms").status_code == 200
    assert client.get(NAMESPACE + "/agent/search?q=mug").status_code == 200
    assert rpc(client, LIST_TOOLS).status_code == 200
    assert rpc(client, LIST_TOOLS).status_code == 429


def test_through_wordpress_mcp_callers_are_keyed_by_their_own_ip(limited):
    client = limited.test_client()

    def forwarded(ip):
        raw = json.dumps(LIST_TOOLS).encode()
        payload = {"uid": 0, "caps": [], "ip": ip, "iat": int(time.time())}
        context, signature = sign_context(SECRET, payload, "POST", MCP, raw)
        return client.post(MCP, data=raw, content_type="application/json", headers={
            **HEADERS, "X-Fahad-Context": context, "X-Fahad-Signature": signature})
    assert [forwarded("192.0.2.10").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert forwarded("192.0.2.11").status_code == 200


# -- hostile input ---------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"{not json", b"", b"[]", b"\xff\xfe", b'{"jsonrpc": "2.0"}', b'"tools/list"',
    b'{"jsonrpc": "2.0", "id": 1, "method": "no/such/method"}',
    b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": "x"}',
    b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": 5}}',
    b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"}',
    b"[" * 20000,
    # Nested past any real message, and lone surrogates (escaped, or as raw bytes) in an
    # argument, a key and the id: the SDK's parser refuses them all as JSON-RPC parse errors.
    b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"x": '
    + b"[" * 300 + b"]" * 300 + b"}}",
    b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": '
    b'"search_products", "arguments": {"query": "hoodie \\ud800"}}}',
    b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": '
    b'"search_products", "arguments": {"query": "hoodie \xed\xa0\x80"}}}',
    b'{"jsonrpc": "2.0", "id": "\\udfff", "method": "tools/list"}',
    b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"\\ud800": 1}}',
])
def test_a_malformed_message_is_a_json_rpc_error_or_4xx_never_a_500(client, body):
    # No header, a handshake-era version, the single-exchange version, and nonsense: each
    # takes a different path through the SDK.
    for version in (None, "2025-06-18", "2026-07-28", "not-a-version"):
        response = rpc(client, body, **({"MCP-Protocol-Version": version} if version else {}))
        assert response.status_code < 500, (version, response.get_data())
        if response.status_code == 200:
            assert "error" in response.get_json()
        elif response.status_code >= 400:
            answer = response.get_json()
            assert "error" in answer or answer["data"]["status"] == response.status_code


def test_an_oversized_body_is_refused_like_wordpress(client):
    response = rpc(client, b'{"jsonrpc": "2.0", "pad": "' + b"x" * 70000 + b'"}')
    assert response.status_code == 413 and response.get_json()["code"] == "fahad_ai_too_large"


def test_no_request_leaves_a_thread_behind(client):
    rpc(client, LIST_TOOLS)  # the rate limiter's memory storage starts its own timer once
    before = {thread.ident for thread in threading.enumerate()}
    for tool, arguments in [("search_products", {"query": "mug"}),
                            ("get_product_details", {"product_id": 101}),
                            ("checkout_handoff", {"items": [{"product_id": 101}]})]:
        body = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": tool, "arguments": arguments}}
        assert not rpc(client, body).get_json()["result"]["isError"]
    assert {thread.ident for thread in threading.enumerate()} <= before
