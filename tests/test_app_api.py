"""Apps with an API key: chat over HTTP and SSE for their own users, conversations per key
and user (nobody reads another's), the linked customer's orders and addresses (nobody
else's), and a test key that never touches a live store's cart."""
from __future__ import annotations

from collections import Counter

import pytest

from apps import ADMIN_TOKEN, AppServer, Manager
from bridge.routes import NAMESPACE
from bridge.settings import Settings
from conftest import SECRET, WordPress, make_app, sse_events
from fakes.woocommerce.auth import READ_WRITE

ALL = ["chat", "conversations:read", "orders:read", "catalog:read"]


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path), bridge_secret=SECRET, public_url="http://shop.test",
                    admin_token=ADMIN_TOKEN, providers=("offline",))


@pytest.fixture
def manager(client):
    return Manager(client)


@pytest.fixture
def key(manager):
    return manager.create(scopes=ALL)


@pytest.fixture
def server(client, key):
    return AppServer(client, key["key"], user="alice@example.com")


def test_an_app_user_chats_and_the_bridge_keeps_the_conversation(server):
    first = server.say("hoodies")
    assert first.status_code == 200
    body = first.get_json()
    shown = [c["id"] for c in body["cards"]]
    assert len(shown) >= 2 and body["conversation_ref"]
    # Only the new message: the bridge supplies what came before.
    second = server.say("compare the first two", body["conversation_ref"]).get_json()
    assert [c["id"] for c in second["cards"]][:2] == shown[:2]
    assert second["conversation_ref"] == body["conversation_ref"]
    history = server.get("/app/conversation", f"ref={body['conversation_ref']}").get_json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"] * 2
    listed = server.get("/app/conversations").get_json()
    assert listed["count"] == 1
    assert listed["conversations"][0]["conversation_ref"] == body["conversation_ref"]
    assert listed["conversations"][0]["message_count"] == 4


def test_one_users_conversation_is_not_anothers_nor_another_keys(app, manager, server):
    ref = server.say("hoodies", "alices-chat-0001").get_json()["conversation_ref"]
    assert ref == "alices-chat-0001"
    bob = AppServer(app.test_client(), server.key, user="bob")
    other_key = AppServer(app.test_client(), manager.create(scopes=ALL)["key"],
                          user="alice@example.com")
    for stranger in (bob, other_key):
        response = stranger.get("/app/conversation", f"ref={ref}")
        assert response.status_code == 404
        assert response.get_json()["code"] == "fahad_ai_unknown_conversation"
        assert stranger.get("/app/conversations").get_json()["count"] == 0
        # The same ref from them is a conversation of their own: Alice's is untouched.
        assert stranger.say("compare the first two", ref).status_code == 200
    mine = server.get("/app/conversation", f"ref={ref}").get_json()
    assert len(mine["messages"]) == 2
    assert bob.get("/app/conversation", f"ref={ref}").get_json()["messages"][0]["content"] \
        == "compare the first two"


def test_the_stream_carries_the_storefront_frames(server):
    response = server.post("/app/stream", {"messages": [{"role": "user", "content": "hoodies"}]})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = sse_events(response.get_data(as_text=True))
    kinds = [kind for kind, _ in events]
    assert "products" in kinds and kinds[-1] == "done"
    assert events[-1][1]["conversation_ref"]


@pytest.mark.parametrize("body,user", [({"messages": []}, "alice"), ({"messages": "hi"}, "alice"),
                                       ({"messages": [{"role": "user", "content": "x"}]}, None),
                                       ({"messages": [{"role": "user", "content": "x"}]}, "a b"),
                                       ({"messages": [{"role": "user", "content": "x"}]},
                                        "x" * 65)])
def test_a_bad_stream_body_or_user_is_one_error_frame(server, body, user):
    response = server.post("/app/stream", body, user=user)
    assert response.status_code == 400 and response.mimetype == "text/event-stream"
    [(kind, data)] = sse_events(response.get_data(as_text=True))
    assert kind == "error" and data["code"]


@pytest.mark.parametrize("path", ["/app/conversations", "/app/conversation?ref=abcdefgh",
                                  "/app/orders", "/app/order?id=1", "/app/addresses"])
@pytest.mark.parametrize("user", [None, "", "has space", "é", "x" * 65])
def test_every_app_route_needs_a_well_formed_app_user(server, path, user):
    response = server.client.get(NAMESPACE + path, headers=server.headers(user=user))
    assert response.status_code == 400
    assert response.get_json()["code"] in ("fahad_ai_missing_app_user", "rest_invalid_param")
    assert response.get_json()["data"] == {"status": 400}


@pytest.mark.parametrize("query", ["id=abc", "id=", "page=x", "per_page=1.5", "id=1&after=-"])
def test_bad_queries_are_400_never_500(server, query):
    for path in ("/app/order", "/app/orders", "/app/conversation"):
        response = server.get(path, query)
        assert response.status_code in (400, 404), (path, query)
        assert set(response.get_json()) == {"code", "message", "data"}


# -- orders and addresses (the demo store) ---------------------------------------------

def customers_with_orders(store) -> list[int]:
    counts = Counter(o.customer_id for o in store.data.orders if o.customer_id)
    return [customer for customer, _ in counts.most_common(2)]


def test_a_linked_users_orders_and_addresses_and_nobody_elses(app, manager, key, server, store):
    mine, theirs = customers_with_orders(store)
    unlinked = server.get("/app/orders")
    assert unlinked.status_code == 404 and unlinked.get_json()["code"] == "fahad_ai_no_customer"
    linked = manager.post("/admin/api-keys/customer", {"key_id": key["id"],
                                                       "app_user": server.user,
                                                       "customer_id": mine})
    assert linked.status_code == 200 and linked.get_json()["customer_id"] == mine
    body = server.get("/app/orders", "per_page=50").get_json()
    expected = sorted((o for o in store.data.orders if o.customer_id == mine),
                      key=lambda o: (o.date_created, o.id), reverse=True)
    assert body["count"] == len(expected)
    assert [o["id"] for o in body["orders"]] == [o.id for o in expected][:50]
    own = expected[0]
    one = server.get("/app/order", f"id={own.id}").get_json()
    assert one["id"] == own.id and one["total"] == f"{own.total:.2f}"
    other = next(o for o in store.data.orders if o.customer_id == theirs)
    for order_id in (other.id, 99999999, 0):
        refused = server.get("/app/order", f"id={order_id}")
        assert refused.status_code == 404
        assert refused.get_json()["code"] == "fahad_ai_unknown_order"
    addresses = server.get("/app/addresses").get_json()
    assert addresses["customer_id"] == mine
    assert addresses["billing"]["email"] and addresses["shipping"]["city"]
    assert "email" not in addresses["shipping"]
    # Another user of the same key is not linked, and unlinking ends it.
    assert AppServer(app.test_client(), server.key, "bob").get("/app/orders").status_code == 404
    manager.post("/admin/api-keys/customer", {"key_id": key["id"], "app_user": server.user,
                                              "customer_id": 0})
    assert server.get("/app/orders").status_code == 404


def test_the_assistant_reads_a_linked_users_orders_with_orders_read_only(app, manager, store):
    mine, _ = customers_with_orders(store)
    with_orders = manager.create(scopes=["chat", "orders:read"])
    chat_only = manager.create(scopes=["chat"])
    for made in (with_orders, chat_only):
        manager.post("/admin/api-keys/customer", {"key_id": made["id"], "app_user": "u1",
                                                  "customer_id": mine})
    latest = max((o for o in store.data.orders if o.customer_id == mine),
                 key=lambda o: (o.date_created, o.id))
    answer = AppServer(app.test_client(), with_orders["key"], "u1").say("where are my orders?")
    assert str(latest.id) in answer.get_json()["message"]
    refused = AppServer(app.test_client(), chat_only["key"], "u1").say("where are my orders?")
    assert str(latest.id) not in refused.get_json()["message"]


@pytest.mark.parametrize("body,status", [
    ({"key_id": "ak_0000000000", "app_user": "u1", "customer_id": 2}, 404),
    ({"app_user": "u1", "customer_id": 2}, 400), ({"key_id": "KEY", "customer_id": 2}, 400),
    ({"key_id": "KEY", "app_user": "not ok", "customer_id": 2}, 400),
    ({"key_id": "KEY", "app_user": "u1", "customer_id": "2"}, 400),
    ({"key_id": "KEY", "app_user": "u1", "customer_id": -1}, 400),
    ({"key_id": "KEY", "app_user": "u1", "customer_id": 2**40}, 400),
    ({"key_id": ["KEY"], "app_user": "u1", "customer_id": 2}, 404),
])
def test_bad_links_are_refused(manager, key, body, status):
    body = {k: (key["id"] if v == "KEY" else v) for k, v in body.items()}
    response = manager.post("/admin/api-keys/customer", body)
    assert response.status_code == status
    assert set(response.get_json()) == {"code", "message", "data"}


# -- WooCommerce: the recorded shop ----------------------------------------------------

@pytest.fixture
def woo_app(tmp_path, fake, quick_retries):
    from bridge.catalog import sync

    app = make_app(Settings(data_dir=str(tmp_path), bridge_secret=SECRET,
                            public_url="http://shop.test", store="woocommerce", wc_url=fake.url,
                            wc_consumer_key=READ_WRITE[0], wc_consumer_secret=READ_WRITE[1],
                            wc_background_sync=False, store_name="Recorded Shop",
                            admin_token=ADMIN_TOKEN, providers=("offline",)))
    sync.full_sync(app.extensions["fahad"].store, app.extensions["fahad"].index)
    yield app
    app.extensions["fahad"].engine.dispose()


def test_a_signed_in_shopper_reads_their_own_orders_and_addresses(woo_app):
    wordpress = WordPress(woo_app.test_client())
    jane = wordpress.context(uid=2)
    orders = wordpress.request("GET", "/orders", context=jane).get_json()
    assert [o["id"] for o in orders["orders"]] == [34, 33] and orders["count"] == 2
    assert orders["orders"][1]["total"] == "54.99"
    assert orders["orders"][0]["refunded_total"] == "64.00"
    one = wordpress.request("GET", "/order", context=jane, query="id=33").get_json()
    assert one["items"][0]["name"] == "Canvas Tote Bag"
    for someone_elses in (35, 36, 38, 14):  # guests' orders, the checkout's, a product id
        refused = wordpress.request("GET", "/order", context=jane, query=f"id={someone_elses}")
        assert refused.status_code == 404
        assert refused.get_json()["code"] == "fahad_ai_unknown_order"
    addresses = wordpress.request("GET", "/addresses", context=jane).get_json()
    assert addresses["billing"]["address_1"] == "10 Market St"
    assert addresses["billing"]["email"] == "jane.doe@example.com"
    assert addresses["shipping"]["city"] == "San Francisco"
    guest = wordpress.context(uid=0)
    for path in ("/orders", "/order", "/addresses"):
        response = wordpress.request("GET", path, context=guest, query="id=33")
        assert response.status_code == 401
        assert response.get_json()["code"] == "rest_not_logged_in"
    unknown = wordpress.request("GET", "/addresses", context=wordpress.context(uid=77))
    assert unknown.status_code == 404


def test_an_app_user_linked_to_a_woocommerce_customer(woo_app):
    manager = Manager(woo_app.test_client())
    made = manager.create(scopes=["orders:read"])
    manager.post("/admin/api-keys/customer", {"key_id": made["id"], "app_user": "jane-app",
                                              "customer_id": 2})
    server = AppServer(woo_app.test_client(), made["key"], "jane-app")
    assert [o["id"] for o in server.get("/app/orders").get_json()["orders"]] == [34, 33]
    assert server.get("/app/order", "id=35").status_code == 404
    assert server.get("/app/order", "id=34").get_json()["status"] == "refunded"
    assert server.get("/app/addresses").get_json()["shipping"]["postcode"] == "94103"


def cart_writes(fake) -> list:
    return [entry for entry in fake.log.to("/wp-json/wc/store/v1/cart/add-item")]


def test_a_test_key_never_touches_a_live_stores_cart(woo_app, fake):
    import requests

    manager = Manager(woo_app.test_client())
    token = requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]
    test_key = AppServer(woo_app.test_client(), manager.create(mode="test")["key"], "t1")
    ref = test_key.say("beanie", headers={"X-Cart-Token": token}).get_json()["conversation_ref"]
    answer = test_key.say("add it to my cart", ref, headers={"X-Cart-Token": token})
    assert answer.status_code == 200
    assert "test" in answer.get_json()["message"].lower()
    assert cart_writes(fake) == []
    # A live key with the user's own Cart-Token does change that cart.
    live_key = AppServer(woo_app.test_client(), manager.create(mode="live")["key"], "l1")
    ref = live_key.say("beanie", headers={"X-Cart-Token": token}).get_json()["conversation_ref"]
    live_key.say("add it to my cart", ref, headers={"X-Cart-Token": token})
    assert len(cart_writes(fake)) == 1


def test_analytics_count_only_the_keys_own_conversations(app, manager):
    first = manager.create(scopes=["chat", "analytics:read"])
    # An id whose "_" would be a LIKE wildcard must not match another key's conversations.
    second = manager.create(scopes=["chat", "analytics:read"])
    for user in ("u1", "u2"):
        AppServer(app.test_client(), first["key"], user).say("hoodies")
    AppServer(app.test_client(), first["key"], "u1").say("socks")
    AppServer(app.test_client(), second["key"], "u1").say("hoodies")
    body = AppServer(app.test_client(), first["key"], None).get("/app/analytics").get_json()
    assert (body["conversations"], body["users"], body["turns"]) == (3, 2, 3)
    assert body["key_id"] == first["id"] and sum(d["turns"] for d in body["daily"]) == 3
    assert body["cost_usd"] == "0.000000"  # the offline assistant costs nothing
    other = AppServer(app.test_client(), second["key"], None).get("/app/analytics").get_json()
    assert (other["conversations"], other["turns"]) == (1, 1)
    chat_only = AppServer(app.test_client(), manager.create(scopes=["chat"])["key"])
    assert chat_only.get("/app/analytics").status_code == 403
    assert AppServer(app.test_client(), first["key"]).get("/app/analytics", "days=x") \
        .status_code == 400


def test_an_apps_preferences_shape_its_search_as_on_the_storefront(server, store):
    def ask(**extra):
        return server.post("/app/message", {
            "messages": [{"role": "user", "content": "hoodies"}], **extra})
    capped = ask(preferences={"price_range": {"max": 45}}).get_json()
    assert capped["cards"] and all(float(c["price"]) <= 45 for c in capped["cards"])
    refused = ask(preferences={"price_range": {"min": 50, "max": 10}})
    assert refused.status_code == 400 and refused.get_json()["code"] == "rest_invalid_param"
