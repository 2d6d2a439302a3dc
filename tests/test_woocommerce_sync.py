"""The bridge on a WooCommerce store: the index synced in full, kept fresh by webhooks and a
reconcile, the shopper's WooCommerce cart through the WordPress plugin, and order status."""
import logging
import threading

import pytest
import requests
import sqlalchemy as sa
from click.testing import CliRunner
from werkzeug.serving import make_server

from bridge.catalog import sync
from bridge.catalog.worker import CatalogWorker
from bridge.cli import main
from bridge.models import CatalogChange
from bridge.routes import NAMESPACE
from bridge.settings import Settings
from conftest import SECRET, WordPress, make_app
from fakes.woocommerce.auth import READ
from fakes.woocommerce.webhooks import WEBHOOK_SECRET

WEBHOOK = NAMESPACE + "/webhooks/woocommerce"


pytestmark = pytest.mark.usefixtures("quick_retries")


@pytest.fixture
def woo_settings(tmp_path, fake):
    return Settings(data_dir=str(tmp_path), bridge_secret=SECRET, public_url="http://shop.test",
                    store="woocommerce", wc_url=fake.url, wc_consumer_key=READ[0],
                    wc_consumer_secret=READ[1], wc_webhook_secret=WEBHOOK_SECRET,
                    wc_background_sync=False, store_name="Recorded Shop")


@pytest.fixture
def woo_app(woo_settings):
    app = make_app(woo_settings)
    sync.full_sync(app.extensions["fahad"].store, app.extensions["fahad"].index)
    yield app
    app.extensions["fahad"].engine.dispose()


@pytest.fixture
def bridge_url(woo_app):
    """The bridge served over HTTP, so the fake WooCommerce can deliver webhooks to it."""
    server = make_server("127.0.0.1", 0, woo_app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def indexed(app) -> dict[int, dict]:
    index = app.extensions["fahad"].index
    return {card["id"]: card for card in index.cards(index.ids())}


def changes(app) -> list[tuple[int, str]]:
    with app.extensions["fahad"].sessions() as session:
        return [tuple(row) for row in session.execute(
            sa.select(CatalogChange.product_id, CatalogChange.topic))]


def apply(app) -> int:
    bridge = app.extensions["fahad"]
    return sync.apply_changes(bridge.store, bridge.index, bridge.sessions)


# -- full sync -------------------------------------------------------------------------

def test_a_full_sync_indexes_published_visible_products_only(fake, woo_app):
    fake.update_product(19, post_password="members")
    fake.update_product(16, catalog_visibility="hidden")
    bridge = woo_app.extensions["fahad"]
    sync.full_sync(bridge.store, bridge.index)
    assert set(indexed(woo_app)) == {14, 15, 20, 25, 30, 31}
    assert bridge.index.search("scarf").cards == []  # the draft Silk Scarf


def test_the_sync_command_shows_progress_and_counts(fake, woo_settings, monkeypatch):
    fake.add_generated_products(150, seed=1)
    env = {"FAHAD_DATA_DIR": woo_settings.data_dir, "FAHAD_STORE": "woocommerce",
           "FAHAD_WC_URL": fake.url, "FAHAD_WC_CONSUMER_KEY": READ[0],
           "FAHAD_WC_CONSUMER_SECRET": READ[1], "FAHAD_BRIDGE_SECRET": SECRET}
    result = CliRunner().invoke(main, ["sync"], env=env)
    assert result.exit_code == 0, result.output
    assert "synced 158 products" in result.output and "syncing products" in result.output
    assert "reconciled: 0 products refreshed, 0 removed" in \
        CliRunner().invoke(main, ["sync", "--reconcile"], env=env).output


def test_the_sync_command_explains_wrong_keys(fake, woo_settings):
    env = {"FAHAD_DATA_DIR": woo_settings.data_dir, "FAHAD_STORE": "woocommerce",
           "FAHAD_WC_URL": fake.url, "FAHAD_WC_CONSUMER_KEY": "ck_wrong",
           "FAHAD_WC_CONSUMER_SECRET": "cs_wrong", "FAHAD_BRIDGE_SECRET": SECRET}
    result = CliRunner().invoke(main, ["sync"], env=env)
    assert result.exit_code == 1 and "refused the bridge's API keys" in result.output
    assert "cs_wrong" not in result.output


# -- webhooks ----------------------------------------------------------------------------

def test_a_signed_update_is_recorded_and_refreshes_the_product(fake, woo_app, bridge_url):
    fake.update_product(14, regular_price="30.00", sale_price="")
    delivery = fake.deliver(bridge_url + WEBHOOK, "product.updated", 14)
    assert delivery.status == 200
    assert changes(woo_app) == [(14, "product.updated")]
    assert apply(woo_app) == 1
    assert indexed(woo_app)[14]["price"] == "30.00"
    assert apply(woo_app) == 0  # each change is applied once per host


@pytest.mark.parametrize("secret", ["not-the-secret", ""])
def test_a_forged_delivery_is_refused_and_nothing_is_recorded(fake, woo_app, bridge_url, secret):
    delivery = fake.deliver(bridge_url + WEBHOOK, "product.updated", 14, secret=secret)
    assert delivery.status == 403 and changes(woo_app) == []


def test_a_delivery_without_a_signature_is_refused(woo_app):
    client = woo_app.test_client()
    response = client.post(WEBHOOK, json={"id": 14},
                           headers={"X-WC-Webhook-Topic": "product.updated"})
    assert response.status_code == 403 and changes(woo_app) == []


def test_a_body_changed_after_signing_is_refused(fake, woo_app):
    import base64, hashlib, hmac
    body = b'{"id": 14, "type": "simple"}'
    signature = base64.b64encode(hmac.new(WEBHOOK_SECRET.encode(), body,
                                          hashlib.sha256).digest()).decode()
    client = woo_app.test_client()
    headers = {"X-WC-Webhook-Signature": signature, "X-WC-Webhook-Topic": "product.updated",
               "Content-Type": "application/json"}
    assert client.post(WEBHOOK, data=body, headers=headers).status_code == 200
    assert client.post(WEBHOOK, data=body.replace(b"14", b"15"),
                       headers=headers).status_code == 403


def test_the_creation_ping_is_answered(fake, woo_app, bridge_url):
    delivery = fake.ping(bridge_url + WEBHOOK)
    assert delivery.status == 200 and changes(woo_app) == []


def test_a_variation_update_refreshes_its_parent(fake, woo_app, bridge_url):
    fake.update_product(22, stock_quantity=0, stock_status="outofstock")
    assert fake.deliver(bridge_url + WEBHOOK, "product.updated", 22).status == 200
    assert changes(woo_app) == [(20, "product.updated")]
    apply(woo_app)
    variation = next(v for v in indexed(woo_app)[20]["variations"] if v["id"] == 22)
    assert variation["in_stock"] is False


def test_deleted_unpublished_and_restored_products_leave_and_return(fake, woo_app, bridge_url):
    fake.delete_product(15)
    fake.deliver(bridge_url + WEBHOOK, "product.deleted", 15)
    fake.update_product(19, status="draft")
    fake.deliver(bridge_url + WEBHOOK, "product.updated", 19)
    apply(woo_app)
    assert 15 not in indexed(woo_app) and 19 not in indexed(woo_app)
    fake.restore_product(15)
    fake.deliver(bridge_url + WEBHOOK, "product.restored", 15)
    apply(woo_app)
    assert 15 in indexed(woo_app)


def test_other_topics_are_acknowledged_and_ignored(fake, woo_app, bridge_url):
    delivery = fake.deliver(bridge_url + WEBHOOK, "order.created", 33)
    assert delivery.status == 200 and changes(woo_app) == []


def test_webhooks_are_refused_when_the_bridge_has_no_secret(woo_settings):
    app = make_app(woo_settings.replace(wc_webhook_secret=""))
    response = app.test_client().post(WEBHOOK, data=b"webhook_id=1")
    assert response.status_code == 403
    assert response.get_json()["code"] == "fahad_ai_webhooks_disabled"


def test_a_change_recorded_by_another_host_reaches_this_hosts_index(fake, woo_app, woo_settings,
                                                                    tmp_path):
    other_host = make_app(woo_settings.replace(data_dir=str(tmp_path / "host2"),
                                               database_url=woo_settings.sqlalchemy_url))
    other = other_host.extensions["fahad"]
    sync.full_sync(other.store, other.index)
    fake.update_product(14, name="Canvas Tote Bag XL")
    sync.record_change(woo_app.extensions["fahad"].sessions, 14, "product.updated")
    assert apply(other_host) == 1 and indexed(other_host)[14]["name"] == "Canvas Tote Bag XL"


# -- reconcile and the background worker --------------------------------------------------

def test_reconcile_catches_changes_no_webhook_announced(fake, woo_app):
    bridge = woo_app.extensions["fahad"]
    bridge.index.set_meta("reconciled_at", "2000-01-01T00:00:00+00:00")
    fake.update_product(14, name="Renamed Tote")
    fake.update_product(31, status="private")
    refreshed, removed = sync.reconcile(bridge.store, bridge.index)
    assert refreshed >= 1 and removed == 1
    assert indexed(woo_app)[14]["name"] == "Renamed Tote" and 31 not in indexed(woo_app)


def test_the_worker_syncs_an_empty_index_then_applies_changes(fake, woo_settings):
    app = make_app(woo_settings)
    bridge = app.extensions["fahad"]
    worker = CatalogWorker(bridge.store, bridge.index, bridge.sessions, woo_settings)
    worker.run_once()
    assert set(indexed(app)) == {14, 15, 16, 19, 20, 25, 30, 31}
    fake.update_product(16, name="Wool Beanie Deluxe")
    sync.record_change(bridge.sessions, 16, "product.updated")
    worker.run_once()
    assert indexed(app)[16]["name"] == "Wool Beanie Deluxe"


def test_the_worker_survives_a_store_that_is_down(fake, woo_settings, caplog):
    app = make_app(woo_settings)
    bridge = app.extensions["fahad"]
    worker = CatalogWorker(bridge.store, bridge.index, bridge.sessions, woo_settings)
    fake.stop()
    worker.run_once()
    assert "catalogue sync failed" in caplog.text and bridge.index.count() == 0


def test_one_worker_per_host_holds_the_lock(fake, woo_settings):
    import fcntl
    app = make_app(woo_settings)
    bridge = app.extensions["fahad"]
    worker = CatalogWorker(bridge.store, bridge.index, bridge.sessions,
                           woo_settings.replace(wc_poll_interval=0.05))
    worker.start()
    try:
        for _ in range(100):
            if bridge.index.count():
                break
            threading.Event().wait(0.05)
        with open(worker.lock_path, "a") as handle, pytest.raises(BlockingIOError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        worker.stop()


# -- through the bridge's routes ---------------------------------------------------------

def test_the_shoppers_woocommerce_cart_through_the_plugin(fake, woo_app):
    token = requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]
    wordpress = WordPress(woo_app.test_client())
    context = wordpress.context(cart_token=token)
    added = wordpress.post("/cart", {"action": "add", "product_id": 20, "variation_id": 22,
                                     "quantity": 2}, context=context)
    assert added.status_code == 200, added.get_json()
    assert added.get_json()["items"][0]["variation_id"] == 22
    refused = wordpress.post("/cart", {"action": "add", "product_id": 16, "quantity": 9},
                             context=context)
    assert refused.status_code == 409 and refused.get_json()["data"]["available"] == 3
    view = requests.get(fake.url + "/wp-json/wc/store/v1/cart",
                        headers={"Cart-Token": token}).json()
    assert [(i["id"], i["quantity"]) for i in view["items"]] == [(22, 2)]


def test_without_a_cart_token_nothing_is_created_or_touched(fake, woo_app):
    wordpress = WordPress(woo_app.test_client())
    fake.log.clear()
    view = wordpress.post("/cart", {"action": "view"})
    assert view.status_code == 200 and view.get_json()["items"] == []
    add = wordpress.post("/cart", {"action": "add", "product_id": 14})
    assert add.status_code == 403 and add.get_json()["code"] == "fahad_ai_no_cart"
    assert fake.log.to("/wp-json/wc/store/v1/cart") == []


def test_a_chat_turn_searches_the_synced_woocommerce_catalogue(woo_app):
    wordpress = WordPress(woo_app.test_client())
    body = wordpress.post("/message", {"messages": [
        {"role": "user", "content": "t-shirts under $20"}]}).get_json()
    assert [c["id"] for c in body["cards"]] == [20]
    assert body["cards"][0]["url"].startswith("http")


def test_a_signed_in_shopper_sees_their_own_orders_only(woo_app):
    wordpress = WordPress(woo_app.test_client())
    jane = wordpress.context(uid=2)

    def ask(text, context):
        return wordpress.post("/message", {"messages": [{"role": "user", "content": text}]},
                              context=context).get_json()["message"]
    mine = ask("where are my orders?", jane)
    assert "Order 33" in mine and "Order 34" in mine and "Order 35" not in mine
    someone_elses, missing = ask("order 35 status", jane), ask("order 999999 status", jane)
    assert someone_elses.replace("35", "N") == missing.replace("999999", "N")
    assert "Sign in" in ask("where is my order?", wordpress.context(uid=0))


# -- signed deliveries that name no product the change log can hold ------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_woo_app(request, woo_settings):
    changes = {}
    if request.param == "postgresql":
        changes["database_url"] = request.getfixturevalue("postgres_url")
    app = make_app(woo_settings.replace(**changes))
    yield app
    app.extensions["fahad"].engine.dispose()


def signed_post(app, body: bytes, topic: str = "product.updated"):
    import base64, hashlib, hmac
    signature = base64.b64encode(hmac.new(WEBHOOK_SECRET.encode(), body,
                                          hashlib.sha256).digest()).decode()
    return app.test_client().post(WEBHOOK, data=body, headers={
        "X-WC-Webhook-Signature": signature, "X-WC-Webhook-Topic": topic,
        "Content-Type": "application/json"})


UNREADABLE_DELIVERIES = [
    b'{"id": ' + b"1" * 40 + b"}",  # a 500 on both databases: past their INTEGER
    b'{"id": 2147483648}', b'{"id": -14}', b'{"id": 0}', b'{"id": "fourteen"}',
    b'{"id": 14.5}', b'{"id": true}', b'{"id": null}', b'{"id": [14]}', b'{"name": "x"}',
    b'{"id": "1\\u00004"}', b'{"id": "\\u0661\\u0664"}',
    b'{"id": 30, "type": "variation", "parent_id": ' + b"9" * 30 + b"}",
    b'[14]', b'"14"', b"14", b'{"id": NaN}', b'{"id": 1' + b"0" * 5000 + b"}",
    b'{"id": 14, "meta_data": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"id": 14, "name": "\xed\xa0\x80"}', b"",
]


def test_a_signed_delivery_that_names_no_storable_product_is_200_and_dropped(any_db_woo_app,
                                                                           caplog):
    with caplog.at_level(logging.WARNING):
        answers = [signed_post(any_db_woo_app, body) for body in UNREADABLE_DELIVERIES]
    assert [a.status_code for a in answers] == [200] * len(UNREADABLE_DELIVERIES)
    assert all(a.get_json() == {"received": True, "ignored": "no product id in the body"}
               for a in answers)
    assert changes(any_db_woo_app) == []
    assert caplog.text.count("WooCommerce product.updated delivery dropped") == \
        len(UNREADABLE_DELIVERIES)
    assert "1111111111" not in caplog.text and "fourteen" not in caplog.text


def test_what_can_be_stored_is_stored_whatever_else_the_body_holds(any_db_woo_app):
    for body in (b'{"id": 14, "name": "Scarf \\ud800", "description": "nul \\u0000"}',
                 b'{"id": "15"}', b'{"id": 22, "type": "variation", "parent_id": 20}',
                 b'{"id": 2147483647}'):
        assert signed_post(any_db_woo_app, body).get_json() == {"received": True}
    assert changes(any_db_woo_app) == [(14, "product.updated"), (15, "product.updated"),
                                       (20, "product.updated"), (2147483647, "product.updated")]


def test_order_webhooks_feed_the_inbox_funnel_once_each(woo_app):
    from bridge.models import AnalyticsEvent
    wordpress = WordPress(woo_app.test_client())
    chat = {"messages": [{"role": "user", "content": "hoodies"}], "conversation_ref": "order-ref-1"}
    assert wordpress.post("/message", chat, context=wordpress.context(uid=12)).status_code == 200
    for body in (b'{"id": 501, "customer_id": 12, "total": "42.00", "status": "processing"}',
                 b'{"id": 501, "customer_id": 12, "total": "42.00", "status": "processing"}',
                 b'{"id": 502, "customer_id": 0, "total": "9.00"}',
                 b'{"id": "x"}'):
        assert signed_post(woo_app, body, "order.created").status_code == 200
    with woo_app.extensions["fahad"].sessions() as session:
        orders = session.scalars(sa.select(AnalyticsEvent)
                                 .where(AnalyticsEvent.kind == "order")).all()
    assert sorted((o.detail["order_id"], o.detail["after_chat"]) for o in orders) == \
        [(501, True), (502, False)]
    from admin_copilot import inbox_insights
    with woo_app.extensions["fahad"].sessions() as session:
        funnel = inbox_insights.insights(session, 7)["funnel"]
    assert funnel["orders"] == 2 and funnel["orders_after_chat"] == 1
