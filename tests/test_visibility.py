"""One visibility rule (bridge.store.visibility) on every route and tool, on the demo store
and on WooCommerce: a hidden product never comes back; listings (catalogue, feed) show
visible and catalog products, search shows visible and search ones, and a read by id (details,
JSON-LD, hand-off, cart, admin) takes any product that may be shown."""
from __future__ import annotations

import dataclasses
import io
import json
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import requests

from bridge.agent.tools import ADD_TO_CART, COMPARE_PRODUCTS, GET_PRODUCT_DETAILS, SEARCH_PRODUCTS
from bridge.agent.tools.registry import ToolContext, check_arguments
from bridge.catalog import sync
from bridge.routes import NAMESPACE
from bridge.security import issue_cart_id, issue_nonce
from bridge.settings import Settings
from bridge.store import visibility
from conftest import SECRET, WordPress, make_app

VISIBILITIES = ("visible", "catalog", "search", "hidden")
MANAGER = ["manage_woocommerce"]


@dataclass
class Shop:
    """A running bridge whose catalogue holds one product of each visibility."""

    kind: str  # "demo" or "woocommerce"
    app: object
    ids: dict[str, int]  # visibility -> product id
    names: dict[str, str]
    images: dict[str, bytes] = field(default_factory=dict)  # the demo's own drawings
    cart_token: str | None = None  # a WooCommerce Store API cart
    app_key: str | None = None  # an app's key with catalog:read, made on first use

    @property
    def client(self):
        return self.app.test_client()

    @property
    def bridge(self):
        return self.app.extensions["fahad"]


def _settings(tmp, **changes) -> Settings:
    return Settings(data_dir=str(tmp), bridge_secret=SECRET, public_url="http://shop.test",
                    admin_token="admin-token", **changes)


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory):
    """The demo store with four of its products given each visibility."""
    from bridge.store.demo import store as demo_store
    from bridge.store.demo.images import render_png, spec_for

    real = demo_store.generate
    chosen: dict[str, object] = {}

    def generate(*args, **kwargs):
        data = real(*args, **kwargs)
        looks = [spec_for(p) for p in data.products]
        candidates = [p for p, look in zip(data.products, looks)
                      if p.published and p.type == "simple" and p.purchasable and p.in_stock
                      and looks.count(look) == 1]  # drawn unlike any other product
        picked = dict(zip(VISIBILITIES, candidates[2::7]))
        chosen.update(picked)
        by_id = {p.id: vis for vis, p in picked.items()}
        products = tuple(dataclasses.replace(p, catalog_visibility=by_id[p.id])
                         if p.id in by_id else p for p in data.products)
        return dataclasses.replace(data, products=products)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_store, "generate", generate)
        app = make_app(_settings(tmp_path_factory.mktemp("demo")))
    yield Shop("demo", app, {v: p.id for v, p in chosen.items()},
               {v: p.name for v, p in chosen.items()},
               images={v: render_png(p) for v, p in chosen.items()})
    app.extensions["fahad"].engine.dispose()


@pytest.fixture(scope="module")
def woo_shop(tmp_path_factory):
    """The loopback WooCommerce with four new products, one of each visibility."""
    from fakes.woocommerce import READ, FakeWooCommerce

    fake = FakeWooCommerce().start()
    names = {"visible": "Heron Enamel Mug", "catalog": "Falcon Enamel Mug",
             "search": "Osprey Enamel Mug", "hidden": "Kestrel Enamel Mug"}
    ids = {vis: fake.add_product(name=name, regular_price="12.00",
                                 catalog_visibility=vis)["id"] for vis, name in names.items()}
    app = make_app(_settings(tmp_path_factory.mktemp("woo"), store="woocommerce",
                             wc_url=fake.url, wc_consumer_key=READ[0],
                             wc_consumer_secret=READ[1], wc_background_sync=False))
    sync.full_sync(app.extensions["fahad"].store, app.extensions["fahad"].index)
    token = requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]
    yield Shop("woocommerce", app, ids, names, cart_token=token)
    app.extensions["fahad"].engine.dispose()
    fake.stop()


STORES = ("demo", "woo")


@pytest.fixture(params=STORES)
def shop(request) -> Shop:
    return request.getfixturevalue(f"{request.param}_shop")


# -- probes: did the product come back from this route or tool? ----------------------------

def agent(shop: Shop, path: str):
    return shop.client.get(NAMESPACE + "/agent" + path)


def app_api(shop: Shop, path: str):
    """An app's server reading the catalogue with its key (/app/catalog, search, product)."""
    if shop.app_key is None:
        made = shop.client.post(NAMESPACE + "/admin/api-keys", json={
            "name": "probe", "scopes": ["catalog:read"], "rate_limit": 10_000},
            headers={"Authorization": "Bearer admin-token"})
        shop.app_key = made.get_json()["key"]
    return shop.client.get(NAMESPACE + "/app" + path,
                           headers={"Authorization": f"Bearer {shop.app_key}"})


def every_page(shop: Shop, path: str, key: str, read=agent) -> list[dict]:
    items, page = [], 1
    while True:
        body = read(shop, f"{path}?page={page}&per_page=100").get_json()
        items += body[key]
        if not body["next"]:
            return items
        page += 1


def mcp(shop: Shop, tool: str, arguments: dict) -> dict:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": tool, "arguments": arguments}}
    response = shop.client.post(NAMESPACE + "/agent/mcp", data=json.dumps(body),
                                content_type="application/json",
                                headers={"Accept": "application/json, text/event-stream"})
    return response.get_json()["result"]


def run_tool(shop: Shop, tool, args: dict, cart_ref: str | None = None):
    ctx = ToolContext(store=shop.bridge.store, index=shop.bridge.index, cart_ref=cart_ref)
    return tool.handler(ctx, check_arguments(tool.schema, args))


def cart_ref(shop: Shop) -> str:
    return shop.cart_token or issue_cart_id(SECRET)


def post_cart(shop: Shop, product_id: int):
    body = {"action": "add", "product_id": product_id}
    if shop.kind == "woocommerce":
        wordpress = WordPress(shop.client)
        return wordpress.post("/cart", body,
                              context=wordpress.context(cart_token=shop.cart_token))
    return shop.client.post(NAMESPACE + "/cart", json=body,
                            headers={"X-WP-Nonce": issue_nonce(SECRET)})


def visual(shop: Shop, vis: str) -> list[int]:
    response = shop.client.post(
        NAMESPACE + "/visual-search", data={"image": (io.BytesIO(shop.images[vis]), "x.png")},
        headers={"X-WP-Nonce": issue_nonce(SECRET)}, content_type="multipart/form-data")
    return [card["id"] for card in response.get_json()["products"]]


def slug_of(shop: Shop, product_id: int) -> str:
    return next(p.slug for p in shop.bridge.store.data.products if p.id == product_id)


def ids_of(cards) -> set[int]:
    return {card["id"] for card in cards}


LIST, SEARCH, READ = "list", "search", "read"
# (name, kind, the one store it is for or None, probe(shop, visibility, id) -> came back?)
PROBES = [
    ("GET /agent/catalog", LIST, None,
     lambda s, v, i: i in ids_of(every_page(s, "/catalog", "products"))),
    ("GET /agent/feed", LIST, None,
     lambda s, v, i: str(i) in {row.get("item_group_id") or row["item_id"]
                                for row in every_page(s, "/feed", "items")}),
    ("GET /agent/search", SEARCH, None,
     lambda s, v, i: i in ids_of(agent(s, f"/search?q={quote(s.names[v])}&limit=10")
                                 .get_json()["products"])),
    ("GET /agent/product", READ, None,
     lambda s, v, i: agent(s, f"/product?id={i}").status_code == 200),
    ("GET /agent/product JSON-LD", READ, None,
     lambda s, v, i: agent(s, f"/product?id={i}&format=jsonld").status_code == 200),
    ("GET /app/catalog", LIST, None,
     lambda s, v, i: i in ids_of(every_page(s, "/catalog", "products", app_api))),
    ("GET /app/search", SEARCH, None,
     lambda s, v, i: i in ids_of(app_api(s, f"/search?q={quote(s.names[v])}&limit=10")
                                 .get_json()["products"])),
    ("GET /app/product", READ, None,
     lambda s, v, i: app_api(s, f"/product?id={i}").status_code == 200),
    ("GET /app/product JSON-LD", READ, None,
     lambda s, v, i: app_api(s, f"/product?id={i}&format=jsonld").status_code == 200),
    ("GET /agent/checkout-handoff", READ, None,
     lambda s, v, i: i in {item["product_id"] for item in (
         agent(s, f"/checkout-handoff?ids={i}").get_json().get("items") or [])}),
    ("MCP search_products", SEARCH, None,
     lambda s, v, i: i in ids_of(mcp(s, "search_products", {"query": s.names[v], "limit": 10})
                                 ["structuredContent"]["products"])),
    ("MCP get_product_details", READ, None,
     lambda s, v, i: not mcp(s, "get_product_details", {"product_id": i})["isError"]),
    ("MCP checkout_handoff", READ, None,
     lambda s, v, i: not mcp(s, "checkout_handoff", {"items": [{"product_id": i}]})["isError"]),
    ("tool search_products", SEARCH, None,
     lambda s, v, i: i in ids_of(run_tool(s, SEARCH_PRODUCTS,
                                          {"query": s.names[v], "limit": 10}).cards)),
    ("tool get_product_details", READ, None,
     lambda s, v, i: run_tool(s, GET_PRODUCT_DETAILS, {"product_id": i}).ok),
    ("tool compare_products", READ, None,
     lambda s, v, i: run_tool(s, COMPARE_PRODUCTS,
                              {"product_ids": [s.ids["visible"], i]}).ok if v != "visible"
     else run_tool(s, COMPARE_PRODUCTS, {"product_ids": [i, s.ids["catalog"]]}).ok),
    ("tool add_to_cart", READ, None,
     lambda s, v, i: run_tool(s, ADD_TO_CART, {"product_id": i, "quantity": 1},
                              cart_ref(s)).ok),
    ("POST /cart add", READ, None, lambda s, v, i: post_cart(s, i).status_code == 200),
    ("GET /admin/product-context", READ, None,
     lambda s, v, i: s.client.get(f"{NAMESPACE}/admin/product-context?id={i}", headers={
         "Authorization": "Bearer admin-token"}).status_code == 200),
    ("POST /visual-search", SEARCH, "demo", lambda s, v, i: i in visual(s, v)),
    ("demo product page", READ, "demo",
     lambda s, v, i: s.client.get(
         f"/product/{slug_of(s, i)}/").status_code == 200),
    ("demo product image", READ, "demo",
     lambda s, v, i: s.client.get(f"/demo-media/{i}.png").status_code == 200),
]


def expected(kind: str, vis: str) -> bool:
    if not visibility.shown("publish", None, vis):
        return False
    return {LIST: visibility.listed(vis), SEARCH: visibility.searched(vis), READ: True}[kind]


@pytest.mark.parametrize("shop, kind, probe", [
    pytest.param(store, kind, probe, id=f"{store}: {name}")
    for store in STORES for name, kind, only, probe in PROBES if only in (None, store)],
    indirect=["shop"])
def test_every_route_and_tool_follows_the_one_visibility_rule(shop, kind, probe):
    found = {vis: probe(shop, vis, shop.ids[vis]) for vis in VISIBILITIES}
    assert found == {vis: expected(kind, vis) for vis in VISIBILITIES}


def test_the_rule_itself():
    assert [visibility.shown("publish", "", v) for v in VISIBILITIES] == [True] * 3 + [False]
    assert not visibility.shown("publish", "s3cret", "visible")
    assert not visibility.shown("draft", None, "visible")
    assert not visibility.shown("publish", None, "something-new")  # unknown counts as hidden
    assert [visibility.listed(v) for v in VISIBILITIES] == [True, True, False, False]
    assert [visibility.searched(v) for v in VISIBILITIES] == [True, False, True, False]


def test_a_hidden_product_is_dropped_from_a_handoff_like_an_unknown_id(shop):
    body = agent(shop, f"/checkout-handoff?ids={shop.ids['hidden']},999999").get_json()
    reasons = {d["product_id"]: d["reason"] for d in body["data"]["dropped"]}
    assert reasons[shop.ids["hidden"]] == reasons[999999] == "not found"
    assert shop.names["hidden"] not in json.dumps(body)
