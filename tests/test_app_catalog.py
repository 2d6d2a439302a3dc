"""The apps' catalogue (scope catalog:read): /app/catalog, /app/search and /app/product answer
what the agent gateway answers for the same query, behind a key's scope and rate limit; the
search adds the chat's facets and page tokens; unpublished products never come back; bad
input is a 400 in WordPress's shape, never a 500."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from apps import ADMIN_TOKEN, AppServer, Manager
from bridge.catalog.facets import option_pairs
from bridge.catalog.paging import read_token
from bridge.routes import NAMESPACE
from bridge.settings import Settings
from conftest import SECRET

ROUTES = ("/app/catalog", "/app/search", "/app/product")


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path), bridge_secret=SECRET, public_url="http://shop.test",
                    admin_token=ADMIN_TOKEN, providers=("offline",))


@pytest.fixture
def manager(client):
    return Manager(client)


@pytest.fixture
def reader(app, manager):
    """An app's server whose key may read the catalogue; no app user (none is needed)."""
    return AppServer(app.test_client(), manager.create(scopes=["catalog:read"])["key"],
                     user=None)


def agent(client, path: str, query: str = ""):
    return client.get(f"{NAMESPACE}/agent{path}" + (f"?{query}" if query else ""))


def both(reader, client, path: str, query: str):
    """The app's answer and the agent gateway's, to the same query."""
    mine = reader.get(f"/app{path}", query)
    theirs = agent(client, path, query)
    assert mine.status_code == theirs.status_code == 200, (mine.get_json(), query)
    return mine, theirs


# -- the same answers as the agent gateway -------------------------------------------------

@pytest.mark.parametrize("query", [
    "q=hoodie", "q=black%20hoodie&limit=5", "q=socks&in_stock=true&limit=3&offset=2",
    "q=jacket&min_price=40&max_price=150", "q=tee&on_sale=1", "q=mug&category=Home%20%26%20Kitchen",
    "q=hoodies%20under%20%2450", "q=zzzzqqqq"])
def test_search_answers_what_the_agent_gateway_answers(reader, client, query):
    mine, theirs = both(reader, client, "/search", query)
    body = mine.get_json()
    extra = body.pop("search")
    assert body == theirs.get_json()
    assert extra["total"] == body["count"]
    assert mine.headers["Cache-Control"].startswith("private")  # a key's answer is no CDN's


@pytest.mark.parametrize("query", ["id={id}", "id={id}&format=jsonld", "id={variable}"])
def test_product_answers_what_the_agent_gateway_answers(reader, client, store, query):
    simple = next(p for p in store.data.products if p.published and not p.variations)
    variable = next(p for p in store.data.products if p.published and p.variations)
    named = query.format(id=simple.id, variable=variable.id)
    query, named = named, query
    mine, theirs = both(reader, client, "/product", query)
    assert mine.mimetype == theirs.mimetype
    assert mine.get_json() == theirs.get_json()
    assert mine.get_json()["name"] == (variable if "variable" in named else simple).name


def test_the_catalogue_pages_as_the_agent_gateway_does(reader, client, store):
    items, page, pages = [], 1, 0
    while True:
        mine, theirs = both(reader, client, "/catalog", f"page={page}&per_page=40")
        body, other = mine.get_json(), theirs.get_json()
        assert body["products"] == other["products"] and body["total"] == other["total"]
        items += body["products"]
        pages += 1
        if not body["next"]:
            break
        assert body["next"] == f"http://shop.test{NAMESPACE}/app/catalog?page={page + 1}" \
                               "&per_page=40"
        page += 1
    published = sorted(p.id for p in store.data.products if p.published)
    assert [i["id"] for i in items] == published and pages == 3
    # The listing's ETag answers 304 for an unchanged page, as the gateway's does.
    first = reader.get("/app/catalog", "per_page=10")
    again = reader.get("/app/catalog", "per_page=10",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# -- paging and facets ---------------------------------------------------------------------

def _token_pages(reader, first: dict) -> list[dict]:
    cards, body = list(first["products"]), first
    while body["search"]["next_page_token"]:
        response = reader.get("/app/search", "page_token=" + body["search"]["next_page_token"])
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["query"] == first["query"]
        cards += body["products"]
    return cards


def test_page_tokens_show_every_match_once_in_the_offset_order(reader, client):
    first = reader.get("/app/search", "q=hoodie&limit=4").get_json()
    assert first["count"] > 8 and first["search"]["next_page_token"]
    by_token = [c["id"] for c in _token_pages(reader, first)]
    by_offset, offset = [], 0
    while offset is not None:
        body = agent(client, "/search", f"q=hoodie&limit=4&offset={offset}").get_json()
        by_offset += [c["id"] for c in body["products"]]
        offset = body["next_offset"]
    assert len(by_token) == len(set(by_token)) == first["count"]
    assert by_token == by_offset


def test_a_facet_values_token_narrows_the_search_to_its_count(reader):
    first = reader.get("/app/search", "q=hoodies&limit=50").get_json()
    kinds = {f["kind"] for f in first["search"]["facets"]}
    assert {"category", "price", "attribute"} <= kinds
    checked = 0
    for facet in first["search"]["facets"]:
        for value in facet["values"]:
            if "page_token" not in value or checked > 6:
                continue
            narrowed = reader.get("/app/search", "page_token=" + value["page_token"]).get_json()
            cards = _token_pages(reader, narrowed)
            assert narrowed["count"] == len(cards) == value["count"], (facet, value)
            if facet["kind"] == "attribute":
                assert all((facet["name"], value["value"]) in option_pairs(c) for c in cards)
            checked += 1
    assert checked > 3


def test_a_chat_answers_token_continues_in_app_search(app, manager):
    both_scopes = AppServer(app.test_client(), manager.create(scopes=["chat", "catalog:read"])
                            ["key"])
    said = both_scopes.say("hoodies").get_json()
    token = said["search"]["next_page_token"]
    more = both_scopes.get("/app/search", "page_token=" + token, user=None).get_json()
    shown = {c["id"] for c in said["cards"]}
    assert more["products"] and not shown & {c["id"] for c in more["products"]}
    assert set(read_token(SECRET, token).shown) == shown


# -- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("scopes", [["chat"], ["chat", "conversations:read", "orders:read",
                                               "analytics:read"]])
def test_a_key_without_catalog_read_gets_403_and_consumes_nothing(app, manager, scopes):
    server = AppServer(app.test_client(),
                       manager.create(scopes=scopes, rate_limit=1)["key"])
    for path, query in zip(ROUTES, ("", "q=hoodie", "id=1")):
        response = server.get(path, query)
        assert response.status_code == 403, path
        assert response.get_json() == {"code": "fahad_ai_missing_scope",
                                       "message": response.get_json()["message"],
                                       "data": {"status": 403, "scope": "catalog:read"}}
    assert server.get("/app/personas").status_code == 200  # its one request is still there


def test_no_key_an_unknown_key_or_a_browser_is_refused(app, reader):
    client = app.test_client()
    for path in ROUTES:
        assert client.get(NAMESPACE + path + "?q=hoodie&id=1").status_code == 401
        assert AppServer(client, "sk_live_" + "x" * 32).get(path, "q=a&id=1").status_code == 401
        browser = reader.get(path, "q=a&id=1", headers={"Origin": "https://shop.example"})
        assert browser.status_code == 403
        assert browser.get_json()["code"] == "fahad_ai_browser_key"


def test_the_keys_own_rate_limit_counts_catalogue_reads(app, manager, store):
    key = manager.create(scopes=["catalog:read", "chat"], rate_limit=3, rate_window=60)["key"]
    server = AppServer(app.test_client(), key, user=None)
    shown = next(p for p in store.data.products if p.published)
    assert [server.get(p, q).status_code for p, q in
            (("/app/search", "q=hoodie"), ("/app/product", f"id={shown.id}"),
             ("/app/catalog", ""))] == [200, 200, 200]
    refused = server.get("/app/search", "q=hoodie")
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "fahad_ai_rate_limited"
    assert "Retry-After" in refused.headers
    other = AppServer(app.test_client(), manager.create(scopes=["catalog:read"])["key"], None)
    assert other.get("/app/search", "q=hoodie").status_code == 200  # a bucket per key


@pytest.mark.parametrize("path, query, code", [
    ("/app/search", "", "rest_missing_callback_param"),
    ("/app/search", "q=", "rest_missing_callback_param"),
    ("/app/search", "q=" + "a" * 1001, "rest_invalid_param"),
    ("/app/search", "q=hoodie&limit=many", "rest_invalid_param"),
    ("/app/search", "q=hoodie&offset=1.5", "rest_invalid_param"),
    ("/app/search", "q=hoodie&min_price=cheap", "rest_invalid_param"),
    ("/app/search", "q=hoodie&max_price=nan", "rest_invalid_param"),
    ("/app/search", "q=hoodie&in_stock=maybe", "rest_invalid_param"),
    ("/app/search", "q=hoodie&category=" + "c" * 101, "rest_invalid_param"),
    ("/app/search", "q=a%00b", "rest_invalid_param"),
    ("/app/search", "page_token=not-a-token", "rest_invalid_param"),
    ("/app/search", "page_token=" + "A" * 5000, "rest_invalid_param"),
    ("/app/search", "page_token=%FF%FE", "rest_invalid_param"),
    ("/app/product", "", "rest_missing_callback_param"),
    ("/app/product", "id=abc", "rest_invalid_param"),
    ("/app/product", "id=1&format=xml", "rest_invalid_param"),
    ("/app/catalog", "page=two", "rest_invalid_param"),
    ("/app/catalog", "updated_since=yesterday", "rest_invalid_param"),
])
def test_bad_input_is_a_400_in_wordpress_shape(reader, path, query, code):
    response = reader.get(path, query)
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body == {"code": code, "message": body["message"], "data": {"status": 400}}


def test_a_token_with_other_search_parameters_or_from_another_secret_is_400(reader):
    token = reader.get("/app/search", "q=hoodie&limit=2").get_json()["search"]["next_page_token"]
    mixed = reader.get("/app/search", f"page_token={token}&q=socks&offset=2")
    assert mixed.status_code == 400 and "q, offset" in mixed.get_json()["message"]
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert reader.get("/app/search", f"page_token={altered}").status_code == 400


@pytest.mark.parametrize("query", ["id=0", "id=-4", "id=99999999999999999999", "id=999999"])
def test_an_unknown_product_is_404_like_the_gateways(reader, client, query):
    mine, theirs = reader.get("/app/product", query), agent(client, "/product", query)
    assert mine.status_code == theirs.status_code == 404
    assert mine.get_json() == theirs.get_json()
    assert mine.get_json()["code"] == "invalid_product"


# -- unpublished products never leave ------------------------------------------------------

def test_unpublished_products_are_in_no_app_answer(reader, store):
    hidden = [p for p in store.data.products if not p.published]
    assert hidden
    listed = []
    page = 1
    while page:
        body = reader.get("/app/catalog", f"page={page}").get_json()
        listed += [item["id"] for item in body["products"]]
        page = page + 1 if body["next"] else 0
    for product in hidden:
        assert product.id not in listed
        found = reader.get("/app/search", "q=" + quote(product.name) + "&limit=50").get_json()
        assert product.id not in {c["id"] for c in found["products"]}
        assert product.name not in str(found["search"])
        for fmt in ("json", "jsonld"):
            response = reader.get("/app/product", f"id={product.id}&format={fmt}")
            assert response.status_code == 404
            assert product.name not in response.get_data(as_text=True)
