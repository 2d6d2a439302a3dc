"""`fahad-bridge doctor`'s plugin check: a signed round trip through the real WordPress, to
the bridge the plugin points at, and back with a proof of that bridge's secret."""
from __future__ import annotations

from bridge.doctor import FAIL, OK
from bridge.doctor.checks import Doctor
from conftest import SECRET

from .conftest import bridge_settings


def doctor(tmp_path, site, secret=SECRET) -> Doctor:
    return Doctor(bridge_settings(tmp_path, bridge_secret=secret), wordpress=site.url)


def test_the_plugin_signs_with_this_bridges_secret(tmp_path, site, bridge):
    finding = doctor(tmp_path, site).plugin()
    assert finding.status == OK and "secret matches" in finding.detail


def test_a_plugin_secret_that_is_not_the_bridges(tmp_path, site, point_at, bridge):
    point_at(bridge.url, "a-secret-pasted-wrong")
    finding = doctor(tmp_path, site).plugin()
    assert finding.status == FAIL and "paste this bridge's secret" in finding.detail
    assert "FAHAD_BRIDGE_SECRET" in finding.detail and "a-secret-pasted-wrong" not in finding.detail


def test_a_plugin_pointing_at_a_bridge_with_another_secret(tmp_path, site, bridge):
    # The plugin and the bridge it forwards to agree; this configuration is another bridge's.
    finding = doctor(tmp_path, site, secret="this-other-bridges-secret").plugin()
    assert finding.status == FAIL and "another secret" in finding.detail


def test_a_plugin_pointing_where_no_bridge_answers(tmp_path, site, point_at):
    point_at("http://127.0.0.1:9")
    finding = doctor(tmp_path, site).plugin()
    assert finding.status == FAIL and "could not reach the bridge" in finding.detail


def test_a_plugin_not_set_up_yet(tmp_path, site, point_at, bridge):
    point_at(bridge.url, "")
    finding = doctor(tmp_path, site).plugin()
    assert finding.status == FAIL and "no Bridge URL or secret" in finding.detail


def test_a_wordpress_that_can_not_be_reached(tmp_path):
    finding = Doctor(bridge_settings(tmp_path), wordpress="http://127.0.0.1:9").plugin()
    assert finding.status == FAIL and "can't be reached" in finding.detail


def test_a_wordpress_without_the_plugin(tmp_path, fake):
    # The loopback WooCommerce answers unknown REST routes as WordPress does.
    finding = Doctor(bridge_settings(tmp_path), wordpress=fake.url).plugin()
    assert finding.status == FAIL and "install and activate the plugin" in finding.detail


def test_a_bridge_connected_to_a_woocommerce_store_passes_every_check(tmp_path, site, point_at):
    """What docs/connect-woocommerce.md ends with: the recorded WooCommerce as the store,
    its webhooks to the bridge, the real WordPress's plugin forwarding to it."""
    from bridge.catalog import sync
    from bridge.doctor import SKIP, WARN
    from bridge.doctor.checks import WEBHOOK_PATH, WEBHOOK_TOPICS
    from fakes.woocommerce import READ, WEBHOOK_SECRET, FakeWooCommerce

    from .conftest import serve_bridge

    fake = FakeWooCommerce().start()
    settings = bridge_settings(tmp_path, store="woocommerce", wc_url=fake.url,
                               wc_consumer_key=READ[0], wc_consumer_secret=READ[1],
                               wc_webhook_secret=WEBHOOK_SECRET, wc_background_sync=False)
    server = serve_bridge(settings)
    try:
        core = server.app.extensions["fahad"]
        sync.full_sync(core.store, core.index)
        for topic in WEBHOOK_TOPICS:
            fake.add_webhook(topic, server.url + WEBHOOK_PATH)
        point_at(server.url)
        found = {f.check: f for f in (check() for check in Doctor(
            settings.replace(public_url=server.url), wordpress=site.url).checks())}
    finally:
        server.stop()
        fake.stop()
    assert {name: f.status for name, f in found.items()} == {
        "database": OK, "redis": SKIP, "store keys": OK, "store webhooks": OK, "plugin": OK,
        "public url": WARN}, found  # plain http on loopback: a shop needs https
