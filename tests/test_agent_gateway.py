"""The agent gateway: public, read only, published catalogue data only."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from bridge.agent.tools import SEARCH_PRODUCTS
from bridge.agent.tools.registry import ToolContext, check_arguments
from bridge.routes import NAMESPACE
from conftest import Shopper, WordPress, make_app

AGENT = NAMESPACE + "/agent"


@pytest.fixture
def agent(client):
    return client


def get(client, path, **headers):
    return client.get(AGENT + path, headers=headers)


def hidden(store):
    return [p for p in store.data.products if not p.published]


def all_pages(client, path="/catalog", key="products"):
    items, page = [], 1
    while True:
        body = get(client, f"{path}?page={page}&per_page=40").get_json()
        items += body[key]
        if not body["next"]:
            return items, body
        page += 1


# -- llms.txt ---------------------------------------------------------------------------

def test_llms_txt_is_plain_text_pointing_at_every_route(agent, settings):
    response = get(agent, "/llms")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith(f"# {settings.store_name}\n") and "\n> " in text
    for route in ("/agent/catalog", "/agent/search", "/agent/product",
                  "/agent/checkout-handoff", "/agent/feed", "/agent/mcp"):
        assert f"http://shop.test{NAMESPACE}{route}" in text
    assert "Not allowed: placing orders" in text and "95 products" in text


# -- the catalogue ------------------------------------------------------------------------

def test_the_catalogue_lists_every_published_product_once(agent, store):
    items, last = all_pages(agent)
    published = {p.id for p in store.products(per_page=500).items}
    assert [i["id"] for i in items] == sorted(published)
    assert last["total"] == len(published) == 95
    item = items[0]
    for field in ("id", "name", "price", "currency", "in_stock", "url", "image", "images",
                  "categories", "attributes", "type", "stock_quantity", "as_of"):
        assert field in item, field


@pytest.mark.parametrize("query, page, per_page", [
    ("page=0&per_page=10", 1, 10), ("page=-5", 1, 100), ("per_page=500", 1, 100),
    ("per_page=0", 1, 1), ("page=2&per_page=50", 2, 50),
])
def test_paging_parameters_out_of_range_are_clamped(agent, query, page, per_page):
    body = get(agent, f"/catalog?{query}").get_json()
    assert (body["page"], body["per_page"]) == (page, per_page)
    assert len(body["products"]) == min(per_page, 95 - (page - 1) * per_page)


@pytest.mark.parametrize("query", ["page=two", "per_page=1.5", "updated_since=yesterday"])
def test_a_parameter_that_is_not_a_number_or_time_is_400(agent, query):
    response = get(agent, f"/catalog?{query}")
    assert response.status_code == 400 and response.get_json()["code"] == "rest_invalid_param"


@pytest.mark.parametrize("path, key", [("/catalog", "products"), ("/feed", "items")])
def test_count_is_what_the_page_holds_and_total_what_the_listing_pages_through(agent, path,
                                                                               key):
    pages = [get(agent, f"{path}?page={n}&per_page=40").get_json() for n in (1, 2, 3, 4)]
    assert [page["count"] for page in pages] == [len(page[key]) for page in pages]
    assert [page["total"] for page in pages] == [95] * 4
    assert pages[3]["count"] == 0 and pages[2]["count"] == len(pages[2][key]) > 0
    if key == "products":
        assert [page["count"] for page in pages] == [40, 40, 15, 0]
        assert sum(page["count"] for page in pages) == pages[0]["total"]


def test_past_the_last_page_is_empty_with_no_next_link(agent):
    body = get(agent, "/catalog?page=3&per_page=50").get_json()
    assert body["products"] == [] and body["next"] is None and body["total_pages"] == 2
    first = get(agent, "/catalog?page=1&per_page=50").get_json()
    assert first["next"] == f"http://shop.test{AGENT}/catalog?page=2&per_page=50"


def test_updated_since_returns_only_what_changed(agent, store):
    assert get(agent, "/catalog?updated_since=2999-01-01T00:00:00Z").get_json()["total"] == 0
    newest = max(p.date_modified for p in store.products(per_page=500).items)
    since = (newest - timedelta(seconds=1)).isoformat()
    body = get(agent, f"/catalog?updated_since={since.replace('+', '%2B')}").get_json()
    assert 1 <= body["total"] < 95 and body["count"] == body["total"] == len(body["products"])


def test_an_unchanged_catalogue_answers_304(agent, app):
    first = get(agent, "/catalog?page=1")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert get(agent, "/catalog?page=1", **{"If-None-Match": etag}).status_code == 304
    assert get(agent, "/catalog?page=1", **{"If-Modified-Since": modified}).status_code == 304
    assert get(agent, "/catalog?page=2", **{"If-None-Match": etag}).status_code == 200
    bridge = app.extensions["fahad"]
    bridge.index.upsert([bridge.store.product(101)], "USD")  # the catalogue changed
    again = get(agent, "/catalog?page=1", **{"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag


# -- search and product -----------------------------------------------------------------

def test_search_answers_what_the_chats_own_tool_answers(agent, app):
    bridge = app.extensions["fahad"]
    ctx = ToolContext(store=bridge.store, index=bridge.index)
    tool = SEARCH_PRODUCTS.handler(ctx, check_arguments(SEARCH_PRODUCTS.schema,
                                                        {"query": "hoodie", "max_price": 50}))
    body = get(agent, "/search?q=hoodie&max_price=50").get_json()
    assert body["products"] == list(tool.cards) and body["count"] == tool.content["total"]


@pytest.mark.parametrize("query, code", [
    ("", "rest_missing_callback_param"), ("q=", "rest_missing_callback_param"),
    ("q=hoodie&min_price=cheap", "rest_invalid_param"),
    ("q=hoodie&on_sale=maybe", "rest_invalid_param"),
])
def test_search_without_words_or_with_bad_filters_is_400(agent, query, code):
    response = get(agent, f"/search?{query}")
    assert response.status_code == 400 and response.get_json()["code"] == code


def test_search_filters_and_limit(agent, store):
    body = get(agent, "/search?q=socks&in_stock=true&limit=50").get_json()
    assert 0 < len(body["products"]) <= 10
    assert all(store.product(c["id"]).in_stock for c in body["products"])


def test_search_takes_an_agents_whole_task_and_pages(agent):
    task = "Find all offers for a hoodie. " + "Any colour and size will do. " * 33
    assert 900 < len(task) <= 1000
    body = get(agent, f"/search?q={task}").get_json()
    assert body["products"] and body["offset"] == 0
    assert get(agent, "/search?q=" + "x" * 1001).status_code == 400
    first = get(agent, "/search?q=hoodie&limit=2").get_json()
    assert len(first["products"]) == 2 and first["next_offset"] == 2
    second = get(agent, "/search?q=hoodie&limit=2&offset=2").get_json()
    assert not {c["id"] for c in first["products"]} & {c["id"] for c in second["products"]}
    default = get(agent, "/search?q=a").get_json()  # default limit 10 (was 5)
    assert len(get(agent, "/search?q=cotton").get_json()["products"]) == min(
        10, get(agent, "/search?q=cotton").get_json()["count"])
    assert default["next_offset"] is None or default["next_offset"] == 10
    last = get(agent, f"/search?q=hoodie&limit=50&offset={first['count'] - 1}").get_json()
    assert len(last["products"]) == 1 and last["next_offset"] is None
    assert get(agent, "/search?q=hoodie&offset=-5").get_json()["offset"] == 0  # clamped


def test_product_details_and_json_ld(agent, store):
    variable = next(p for p in store.products().items if p.variations)
    body = get(agent, f"/product?id={variable.id}").get_json()
    assert body["id"] == variable.id and len(body["variations"]) == len(variable.variations)
    response = get(agent, f"/product?id={variable.id}&format=jsonld")
    assert response.mimetype == "application/ld+json"
    ld = json.loads(response.get_data())
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Product"
    offers = ld["offers"]
    assert offers["@type"] == "AggregateOffer" and offers["offerCount"] == len(variable.variations)
    assert offers["lowPrice"] == f"{variable.price:.2f}" and offers["priceCurrency"] == "USD"
    assert {o["availability"] for o in offers["offers"]} <= {"https://schema.org/InStock",
                                                             "https://schema.org/OutOfStock"}


@pytest.mark.parametrize("query, status", [
    ("", 400), ("id=abc", 400), ("id=0", 404), ("id=-4", 404), ("id=999999", 404),
    ("id=101&format=xml", 400),
])
def test_a_bad_or_unknown_product_id(agent, query, status):
    assert get(agent, f"/product?{query}").status_code == status


# -- nothing unpublished, anywhere --------------------------------------------------------

def test_unpublished_products_appear_in_no_route_and_no_dialect(agent, store):
    secret = hidden(store)
    assert secret
    catalogue, _ = all_pages(agent)
    feed, _ = all_pages(agent, "/feed", "items")
    dumped = json.dumps([catalogue, feed])
    for product in secret:
        assert product.name not in dumped
        assert get(agent, f"/product?id={product.id}").status_code == 404
        assert get(agent, f"/product?id={product.id}&format=jsonld").status_code == 404
        found = get(agent, f"/search?q={product.name}").get_json()["products"]
        assert product.id not in {c["id"] for c in found}
        for variation in product.variations:
            assert str(variation.id) not in {row["item_id"] for row in feed}
    draft = secret[0]
    unknown = get(agent, "/checkout-handoff?ids=999999").get_json()
    unpublished = get(agent, f"/checkout-handoff?ids={draft.id}").get_json()
    assert unpublished["data"]["dropped"][0]["reason"] == unknown["data"]["dropped"][0]["reason"]


# -- checkout hand-off ------------------------------------------------------------------

def handoff(agent, ids):
    return get(agent, f"/checkout-handoff?ids={ids}")


def simple_in_stock(store, n=1):
    return [p.id for p in store.products().items
            if p.type == "simple" and p.purchasable and p.in_stock][:n]


def test_a_handoff_gives_absolute_links_built_by_the_server(agent, store):
    first, second = simple_in_stock(store, 2)
    body = handoff(agent, f"{first}:2,{second}").get_json()
    assert [(i["product_id"], i["quantity"]) for i in body["items"]] == [(first, 2), (second, 1)]
    assert body["items"][0]["add_to_cart"] == \
        f"http://shop.test/checkout-link/?products={first}:2"
    assert body["checkout_url"] == f"http://shop.test/checkout-link/?products={first}:2,{second}:1"
    assert body["note"] and handoff(agent, str(first)).headers["Cache-Control"] == "no-store"


def test_handoff_ids_are_checked_one_by_one(agent, store):
    good = simple_in_stock(store)[0]
    gone = next(p.id for p in store.products().items
                if p.type == "simple" and not p.in_stock)
    parent = next(p for p in store.products().items if p.variations)
    variation = next(v for v in parent.variations if v.in_stock)
    external = next(p.id for p in store.products().items if p.type == "external")
    body = handoff(agent, f"-3,{good},{good}:5,abc,999999,{gone},{parent.id},{variation.id},"
                          f"{external},0").get_json()
    assert [(i["product_id"], i["quantity"]) for i in body["items"]] == \
        [(good, 1), (variation.id, 1)]  # a duplicate keeps its first quantity
    reasons = {str(d["product_id"]): d["reason"] for d in body["dropped"]}
    assert reasons == {"-3": "not an id", "abc": "not an id", "0": "not an id",
                       "999999": "not found", str(gone): "out of stock",
                       str(parent.id): "choose an option: hand off one of its variation ids",
                       str(external): "not sold through this store's cart"}


def test_more_than_twenty_ids_is_400(agent, store):
    ids = ",".join(str(i) for i in range(101, 122))
    response = handoff(agent, ids)
    assert response.status_code == 400 and "At most 20" in response.get_json()["message"]


@pytest.mark.parametrize("ids", ["", "999999", "abc,-1", "0"])
def test_no_valid_id_is_400(agent, ids):
    response = handoff(agent, ids)
    assert response.status_code == 400
    assert response.get_json()["code"] in ("rest_invalid_param", "rest_missing_callback_param")


def test_quantities_are_clamped(agent, store):
    good = simple_in_stock(store)[0]
    body = handoff(agent, f"{good}:5000").get_json()
    assert body["items"][0]["quantity"] == 99


# -- the product feed ----------------------------------------------------------------------

def test_the_feed_has_one_row_per_purchasable_item_with_prices_in_minor_units(agent, store):
    rows, last = all_pages(agent, "/feed", "items")
    required = {"item_id", "title", "description", "url", "brand", "seller_name", "image_url",
                "availability", "price", "is_eligible_search", "is_eligible_checkout"}
    assert all(required <= set(row) for row in rows)
    by_id = {row["item_id"]: row for row in rows}
    variable = next(p for p in store.products().items if p.variations)
    for variation in variable.variations:
        row = by_id[str(variation.id)]
        assert row["item_group_id"] == str(variable.id)
        assert row["title"] == variable.label(variation)
        assert row["price"] == int(variation.regular_price * 100)
        if variation.on_sale:
            assert row["sale_price"] == int(variation.price * 100)
        assert row["availability"] == ("in_stock" if variation.in_stock else "out_of_stock")
    assert str(variable.id) not in by_id  # the parent is a group, not a row


# -- rate limit ------------------------------------------------------------------------------

@pytest.fixture
def limited(settings):
    app = make_app(settings.replace(agent_rate_limit=3, rate_limit=3))
    yield app
    app.extensions["fahad"].engine.dispose()


def test_the_gateway_has_its_own_per_ip_rate_limit(limited):
    client = limited.test_client()
    statuses = [get(client, "/llms").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = get(client, "/search?q=mug")
    assert refused.get_json()["code"] == "fahad_ai_rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    # the storefront bucket of the same IP is untouched
    assert Shopper(client, ip="127.0.0.1").post("/cart", {"action": "view"}).status_code == 200


def test_through_wordpress_agents_are_keyed_by_their_own_ip(limited):
    wordpress = WordPress(limited.test_client())
    for _ in range(3):
        assert wordpress.request("GET", "/agent/llms", context=wordpress.context(
            ip="192.0.2.10")).status_code == 200
    assert wordpress.request("GET", "/agent/llms", context=wordpress.context(
        ip="192.0.2.10")).status_code == 429
    assert wordpress.request("GET", "/agent/llms", context=wordpress.context(
        ip="192.0.2.11")).status_code == 200
