"""The plugin in a real WordPress 6.8 on MariaDB, forwarding to a real bridge."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import threading
import time

import pytest
import requests

from bridge.routes import ROUTES, Gate
from bridge.security import sign_context
from bridge.store.demo.images import render_png
from conftest import SECRET, sse_events

from .conftest import WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, bridge_settings, serve_bridge
from .site import PLUGIN


def php_files():
    return sorted(PLUGIN.rglob("*.php"))


# -- PHP on its own --------------------------------------------------------------------------

@pytest.mark.parametrize("path", php_files(), ids=lambda p: str(p.relative_to(PLUGIN)))
def test_every_php_file_lints(php, path):
    result = subprocess.run([php, "-l", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


SIGN = r"""<?php
require $argv[1];
$in = json_decode(stream_get_contents(STDIN), true);
[$c, $s] = Fahad_AI_Signer::sign($in['secret'], $in['payload'], $in['method'], $in['path'], base64_decode($in['body']));
echo json_encode([$c, $s]);
"""


@pytest.mark.parametrize("payload, method, path, body", [
    ({"uid": 0, "caps": [], "ip": "203.0.113.7", "iat": 1763900000}, "POST",
     "/wp-json/fahad-ai/v1/message", b'{"messages":[]}'),
    ({"uid": 7, "caps": ["manage_woocommerce", "manage_options"], "ip": "2001:db8::1",
      "iat": 1763900001, "cart_token": "eyJ0eXAiOiJKV1Qi.a/b+c=",
      "rate_limit": {"limit": 40, "window": 30}}, "get",
     "/bridge/wp-json/fahad-ai/v1/agent/search?q=caf%C3%A9%20au%20lait&page=2", b""),
    ({"uid": 1, "caps": ["é ü 漢字 😀 \"quote\" \\ </script>"], "ip": "198.51.100.9",
      "iat": 1}, "POST", "/wp-json/fahad-ai/v1/webhooks/woocommerce", bytes(range(256))),
])
def test_php_signs_byte_for_byte_like_the_bridge(php, tmp_path, payload, method, path, body):
    script = tmp_path / "sign.php"
    script.write_text(SIGN)
    given = json.dumps({"secret": SECRET, "payload": payload, "method": method, "path": path,
                        "body": base64.b64encode(body).decode()})
    result = subprocess.run([php, str(script), str(PLUGIN / "includes" / "class-fahad-ai-signer.php")],
                            input=given, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == list(sign_context(SECRET, payload, method, path, body))


# -- routes and nonces -------------------------------------------------------------------------

def test_every_bridge_route_is_registered_in_wordpress(site):
    index = requests.get(site.url + "/wp-json/fahad-ai/v1", timeout=30).json()
    registered = {path: set(route["methods"]) for path, route in index["routes"].items()}
    for route in ROUTES:
        if route.gate is Gate.WEBSOCKET:
            # PHP can't hold a WebSocket: the reverse proxy sends /ws to the bridge itself
            # (docs/websocket.md), so WordPress must not claim the path.
            assert "/fahad-ai/v1" + route.path not in registered, route.path
            continue
        assert route.method in registered.get("/fahad-ai/v1" + route.path, set()), route.path
    for extra in ("/visual-search", "/whatsapp", "/admin/insights", "/admin/review-drafts"):
        assert "/fahad-ai/v1" + extra in registered


def test_a_guest_chats_with_the_nonce_from_the_page(site):
    session, config = site.guest()
    assert config["restUrl"] == site.url + "/wp-json/fahad-ai/v1/"
    response = session.post(config["restUrl"] + "message", headers={"X-WP-Nonce": config["nonce"]},
                            json={"messages": [{"role": "user", "content": "hoodies under $50"}]},
                            timeout=30)
    # WordPress forwards no nonce: the bridge answered because it verified the signed context.
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cards"] and all(float(c["price"]) <= 50 for c in body["cards"])
    assert response.headers["Content-Type"].startswith("application/json")
    assert int(response.headers["X-RateLimit-Limit"]) == 100_000


@pytest.mark.parametrize("nonce", [None, "", "0123456789", "not-a-nonce"])
def test_a_missing_or_bad_nonce_is_refused_by_wordpress(site, nonce):
    headers = {} if nonce is None else {"X-WP-Nonce": nonce}
    response = requests.post(site.rest + "/cart", json={"action": "view"}, headers=headers,
                             timeout=30)
    assert response.status_code == 403
    assert response.json()["code"] in ("fahad_ai_invalid_nonce", "rest_cookie_invalid_nonce")


def test_a_signed_in_shoppers_nonce_works_and_a_guest_nonce_does_not_carry_over(site):
    session, nonce = site.login("shopper")
    ok = session.post(site.rest + "/cart", json={"action": "view"}, headers={"X-WP-Nonce": nonce},
                      timeout=30)
    assert ok.status_code == 200 and ok.json()["items"] == []
    _, guest_config = site.guest()
    refused = session.post(site.rest + "/cart", json={"action": "view"},
                           headers={"X-WP-Nonce": guest_config["nonce"]}, timeout=30)
    assert refused.status_code == 403


def test_the_cart_is_kept_between_requests_through_wordpress(site):
    session, config = site.guest()
    headers = {"X-WP-Nonce": config["nonce"]}
    found = session.post(site.rest + "/message", headers=headers, timeout=30,
                         json={"messages": [{"role": "user", "content": "mugs"}]}).json()["cards"]
    simple = next(c for c in found if c.get("type", "simple") == "simple" and c["in_stock"])
    added = session.post(site.rest + "/cart", headers=headers, timeout=30,
                         json={"action": "add", "product_id": simple["id"], "quantity": 2})
    assert added.status_code == 200, added.text
    again = session.post(site.rest + "/cart", headers=headers, json={"action": "view"}, timeout=30)
    assert [(i["product_id"], i["quantity"]) for i in again.json()["items"]] == [(simple["id"], 2)]
    # The bridge's own error bodies come through unchanged.
    wrong = session.post(site.rest + "/cart", headers=headers, timeout=30,
                         json={"action": "add", "product_id": 999999})
    assert wrong.status_code == 404 and wrong.json()["code"] == "invalid_product"
    assert wrong.json()["data"]["status"] == 404


def test_the_wordpress_rate_limit_filters_reach_the_bridge(site):
    site.set_option("fahad_test_rate", [2, 60])
    try:
        session, config = site.guest()
        headers = {"X-WP-Nonce": config["nonce"]}
        statuses = [session.post(site.rest + "/feedback", headers=headers, timeout=30,
                                 json={"rating": "up"}) for _ in range(3)]
    finally:
        site.set_option("fahad_test_rate", None)
    assert [r.status_code for r in statuses] == [200, 200, 429]
    refused = statuses[-1]
    assert refused.json()["code"] == "fahad_ai_rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Limit"] == "2"


def test_a_photo_upload_reaches_the_bridge_as_multipart(site, bridge):
    session, config = site.guest()
    store = bridge.app.extensions["fahad"].store
    bag = next(p for p in store.products(per_page=100).items
                  if p.in_stock and "bags" in [c.slug for c in p.categories])
    response = session.post(site.rest + "/visual-search", headers={"X-WP-Nonce": config["nonce"]},
                            files={"image": ("my photo.png", render_png(bag), "image/png")},
                            data={"category": "bags", "limit": "3"}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["available"] is True and 1 <= body["found"] <= 3  # limit and filter arrived
    assert body["products"][0]["id"] == bag.id
    # Bytes that only look like a PNG by name are refused by the bridge, through WordPress.
    fake = bytes(range(256)) * 40 + b"\r\n--not-a-boundary\r\n" + b"\x89PNG" * 10
    refused = session.post(site.rest + "/visual-search", headers={"X-WP-Nonce": config["nonce"]},
                           files={"image": ("my photo.png", fake, "image/png")}, timeout=30)
    assert refused.status_code == 415 and refused.json()["code"] == "fahad_ai_unsupported_image"


def test_a_photo_over_phps_upload_limit_gets_a_clear_413(site):
    session, config = site.guest()
    response = session.post(site.rest + "/visual-search", headers={"X-WP-Nonce": config["nonce"]},
                            files={"image": ("big.png", b"\0" * (7 * 1024 * 1024), "image/png")},
                            timeout=30)
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/json")


# -- capability gate ----------------------------------------------------------------------------

def test_admin_routes_need_manage_woocommerce(site):
    anonymous = requests.get(site.rest + "/admin/insights?days=7", timeout=30)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "rest_forbidden"
    session, nonce = site.login("shopper")
    subscriber = session.get(site.rest + "/admin/insights?days=7", headers={"X-WP-Nonce": nonce},
                             timeout=30)
    assert subscriber.status_code == 403 and subscriber.json()["code"] == "rest_forbidden"


@pytest.mark.parametrize("user", ["manager", "admin"])
def test_shop_managers_and_admins_reach_the_admin_routes_with_their_capabilities(site, user):
    session, nonce = site.login(user)
    response = session.get(site.rest + "/admin/insights?days=7", headers={"X-WP-Nonce": nonce},
                           timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["window"]["days"] == 7 and body["currency"]
    # WordPress's own no-cache headers for signed-in users keep the bridge's meaning.
    assert {"no-store", "private"} <= set(response.headers["Cache-Control"].split(", "))


def test_the_copilot_page_is_for_shop_managers_only(site):
    for user, allowed in (("manager", True), ("shopper", False)):
        session, _ = site.login(user)
        page = session.get(site.url + "/wp-admin/index.php?page=fahad-ai-copilot", timeout=30)
        assert ('id="fahad-ai-admin"' in page.text) is allowed, user
        assert ("window.fahadAiAdmin" in page.text) is allowed, user


def test_a_wrong_shared_secret_is_refused_by_the_bridge(site, bridge, point_at):
    point_at(bridge.url, "not-the-secret")
    session, config = site.guest()
    response = session.post(site.rest + "/cart", headers={"X-WP-Nonce": config["nonce"]},
                            json={"action": "view"}, timeout=30)
    assert response.status_code == 403
    assert response.json()["code"] == "fahad_ai_invalid_signature"


# -- agents ----------------------------------------------------------------------------------

def test_agent_routes_are_public_and_keep_the_query_and_content_type(site, bridge):
    llms = requests.get(site.rest + "/agent/llms", timeout=30)
    assert llms.status_code == 200 and llms.headers["Content-Type"].startswith("text/plain")
    direct = requests.get(bridge.url + "/wp-json/fahad-ai/v1/agent/llms", timeout=30)
    assert llms.content == direct.content
    search = requests.get(site.rest + "/agent/search", params={"q": "café hoodie"}, timeout=30)
    assert search.status_code == 200 and search.json()["query"] == "café hoodie"
    missing = requests.get(site.rest + "/agent/search", timeout=30)
    assert missing.status_code == 400


def test_mcp_headers_pass_both_ways(site):
    headers = {"Accept": "application/json, text/event-stream",
               "Content-Type": "application/json", "MCP-Protocol-Version": "2025-06-18"}
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"}}}
    response = requests.post(site.rest + "/agent/mcp", json=init, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert "serverInfo" in response.text
    session_id = response.headers.get("Mcp-Session-Id")
    follow = dict(headers)
    if session_id:
        follow["Mcp-Session-Id"] = session_id
    listed = requests.post(site.rest + "/agent/mcp", headers=follow, timeout=30, json={
        "jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    assert listed.status_code == 200 and "search_products" in listed.text


# -- raw bodies: WhatsApp and WooCommerce webhooks ---------------------------------------------

def test_whatsapp_verification_maps_php_names_back_and_answers_plain_text(site):
    response = requests.get(site.rest + "/whatsapp", timeout=30, params={
        "hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN,
        "hub.challenge": "1158201444"})
    assert response.status_code == 200, response.text
    assert response.text == "1158201444"
    assert response.headers["Content-Type"].startswith("text/plain")
    wrong = requests.get(site.rest + "/whatsapp", timeout=30, params={
        "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert wrong.status_code == 403


def test_whatsapp_signature_still_verifies_after_wordpress(site):
    # Meta's bytes: spacing, escaped slashes and raw UTF-8 that a re-encode would change.
    body = ('{"object":"whatsapp_business_account", "entry":[{"id":"1","changes":[{"value":'
            '{"messages":[{"from":"15551234567","id":"wamid.A\\/B","type":"text",'
            '"text":{"body":"caf\u00e9  \\u00e9 hoodie"}}]}}]}]}').encode()
    signature = "sha256=" + hmac.new(WHATSAPP_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    ok = requests.post(site.rest + "/whatsapp", data=body, headers=headers, timeout=30)
    assert ok.status_code == 200, ok.text
    assert ok.json()["received"] is True
    tampered = requests.post(site.rest + "/whatsapp", data=body.replace(b"hoodie", b"hoodies"),
                             headers=headers, timeout=30)
    assert tampered.status_code == 403


@pytest.fixture
def woo_bridge(wp_tmp):
    """A bridge on the loopback WooCommerce, which delivers real signed webhooks."""
    from bridge.catalog import sync
    from fakes.woocommerce.auth import READ
    from fakes.woocommerce.server import FakeWooCommerce
    from fakes.woocommerce.webhooks import WEBHOOK_SECRET

    fake = FakeWooCommerce().start()
    tmp = wp_tmp / f"woo-{time.monotonic_ns()}"
    tmp.mkdir()
    server = serve_bridge(bridge_settings(
        tmp, store="woocommerce", wc_url=fake.url, wc_consumer_key=READ[0],
        wc_consumer_secret=READ[1], wc_webhook_secret=WEBHOOK_SECRET, wc_background_sync=False))
    fahad = server.app.extensions["fahad"]
    sync.full_sync(fahad.store, fahad.index)
    yield fake, server
    server.stop()
    fake.stop()


def test_a_woocommerce_webhook_passes_through_byte_for_byte(site, woo_bridge, point_at):
    import sqlalchemy as sa

    from bridge.models import CatalogChange

    fake, server = woo_bridge
    point_at(server.url)
    fake.update_product(14, regular_price="31.00", sale_price="")
    delivery = fake.deliver(site.rest + "/webhooks/woocommerce", "product.updated", 14)
    assert delivery.status == 200
    forged = fake.deliver(site.rest + "/webhooks/woocommerce", "product.updated", 14,
                          secret="not-the-secret")
    assert forged.status == 403
    ping = fake.ping(site.rest + "/webhooks/woocommerce")
    assert ping.status == 200
    with server.app.extensions["fahad"].sessions() as session:
        recorded = [tuple(row) for row in session.execute(
            sa.select(CatalogChange.product_id, CatalogChange.topic))]
    assert recorded == [(14, "product.updated")]  # the verified delivery only


# -- streaming -----------------------------------------------------------------------------------

@pytest.fixture
def claude_bridge(wp_tmp):
    from fakes.anthropic_api import FakeAnthropic

    fake = FakeAnthropic().start()
    tmp = wp_tmp / f"claude-{time.monotonic_ns()}"
    tmp.mkdir()
    server = serve_bridge(bridge_settings(
        tmp, providers=("anthropic", "offline"), anthropic_api_key="sk-test",
        anthropic_base_url=fake.url, model_timeout=10.0, model_max_retries=0))
    yield fake, server
    server.stop()
    fake.stop()


def test_stream_chunks_reach_the_browser_through_php_before_the_turn_ends(site, claude_bridge,
                                                                         point_at):
    from fakes.anthropic_api import Message, Text

    fake, server = claude_bridge
    point_at(server.url)
    # The model holds the rest of its answer until the browser has the first word.
    first_word_seen = threading.Event()
    fake.reply(Message([Text("one two three four five six")], gate=first_word_seen))
    session, config = site.guest()
    response = session.post(site.rest + "/stream", stream=True, timeout=60,
                            headers={"X-WP-Nonce": config["nonce"]},
                            json={"messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["X-Accel-Buffering"] == "no"
    assert response.headers["Cache-Control"] == "no-cache"
    raw = b""
    for line in response.iter_lines(chunk_size=1):  # byte by byte: no read waits for more
        raw += line + b"\n"
        if line == b"event: chunk":
            first_word_seen.set()
    events = sse_events(raw.decode())
    assert [e for e, _ in events][-1] == "done"
    assert "".join(d["content"] for e, d in events if e == "chunk") == "one two three four five six"
    # The first word reached the browser through PHP while the model still held the rest.
    assert first_word_seen.is_set() and not fake.gate_timed_out


def test_a_malformed_stream_body_gets_the_bridges_error_frame(site):
    session, config = site.guest()
    response = session.post(site.rest + "/stream", headers={"X-WP-Nonce": config["nonce"]},
                            json={"messages": "nope"}, timeout=30)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert sse_events(response.text)[0][1]["code"] == "invalid_messages"


# -- the bridge down or slow ---------------------------------------------------------------------

def test_a_bridge_that_is_down_gets_a_friendly_json_error(site, point_at):
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    point_at(f"http://127.0.0.1:{port}")
    session, config = site.guest()
    for route, body in (("/message", {"messages": [{"role": "user", "content": "hi"}]}),
                        ("/stream", {"messages": [{"role": "user", "content": "hi"}]}),
                        ("/cart", {"action": "view"})):
        response = session.post(site.rest + route, headers={"X-WP-Nonce": config["nonce"]},
                                json=body, timeout=30)
        assert response.status_code == 502, route
        assert response.headers["Content-Type"].startswith("application/json")
        error = response.json()
        assert error["code"] == "fahad_ai_bridge_unavailable"
        assert error["data"]["status"] == 502 and "unavailable" in error["message"]
    assert requests.get(site.rest + "/agent/llms", timeout=30).status_code == 502


def test_a_bridge_that_hangs_gets_a_timeout_error(site, point_at):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections, never answers
    site.set_option("fahad_ai_timeout", 2)
    try:
        point_at(f"http://127.0.0.1:{listener.getsockname()[1]}")
        session, config = site.guest()
        # The listener never answers, so any answer is the plugin's own timeout.
        response = session.post(site.rest + "/cart", headers={"X-WP-Nonce": config["nonce"]},
                                json={"action": "view"}, timeout=30)
    finally:
        site.set_option("fahad_ai_timeout", 30)
        listener.close()
    assert response.status_code == 504
    assert response.json()["code"] == "fahad_ai_bridge_unavailable"




# -- settings page, widget config, uninstall ------------------------------------------------------

def test_the_settings_page_saves_escapes_and_never_shows_the_secret(site, bridge):
    import re

    session, _ = site.login("admin")
    page = session.get(site.url + "/wp-admin/options-general.php?page=fahad-ai-bridge", timeout=30)
    assert page.status_code == 200
    assert 'name="fahad_ai_bridge_url"' in page.text and SECRET not in page.text
    form = dict(re.findall(
        r'''name=["'](_wpnonce|_wp_http_referer|option_page|action)["'] value=["']([^"']*)["']''',
        page.text))
    assert set(form) == {"_wpnonce", "_wp_http_referer", "option_page", "action"}
    form.update({"fahad_ai_bridge_url": bridge.url + "/", "fahad_ai_secret": "",
                 "fahad_ai_timeout": "30", "fahad_ai_enabled": "1",
                 "fahad_ai_widget_name": "<b>Ava</b>", "fahad_ai_greeting": "Hi <script>x</script>",
                 "fahad_ai_color": "not-a-colour"})
    saved = session.post(site.url + "/wp-admin/options.php", data=form, timeout=30,
                         allow_redirects=False)
    assert saved.status_code == 302, saved.text[:500]
    _, config = site.guest()
    assert config["name"] == "Ava" and "<script>" not in config["greeting"]
    assert config["color"] == "#2d6cdf" and config["nonce"]
    assert config["strings"]["addToCart"] == "Add to cart"
    # An empty secret field kept the saved secret: chatting still works.
    ok = requests.post(site.rest + "/cart", json={"action": "view"}, timeout=30,
                       headers={"X-WP-Nonce": config["nonce"]})
    assert ok.status_code == 200
    site.set_option("fahad_ai_widget_name", "")
    site.set_option("fahad_ai_greeting", "")


def test_the_widget_can_be_switched_off(site):
    site.set_option("fahad_ai_enabled", "0")
    try:
        html = requests.get(site.url + "/", timeout=30).text
    finally:
        site.set_option("fahad_ai_enabled", "1")
    assert "fahadAiChatbot" not in html and "chat-widget.js" not in html
    assert "chat-widget.js" in requests.get(site.url + "/", timeout=30).text


UNINSTALL = r"""<?php
$_SERVER['HTTP_HOST'] = $argv[1];
require __DIR__ . '/wp-load.php';
define('WP_UNINSTALL_PLUGIN', 'fahad-ai-bridge/fahad-ai-bridge.php');
include WP_PLUGIN_DIR . '/fahad-ai-bridge/uninstall.php';
global $wpdb;
echo json_encode($wpdb->get_col("SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'fahad\\_ai\\_%'"));
"""


def test_uninstall_removes_every_option(site, bridge):
    from .site import php_run

    (site.docroot / "fahad-uninstall.php").write_text(UNINSTALL)
    try:
        result = php_run("fahad-uninstall.php", f"127.0.0.1:{site.port}", cwd=site.docroot)
        assert json.loads(result.stdout.strip().splitlines()[-1]) == []
    finally:
        site.set_option("fahad_ai_bridge_url", bridge.url)
        site.set_option("fahad_ai_secret", SECRET)
        site.set_option("fahad_ai_enabled", "1")


def test_the_plugin_logged_no_php_error_notice_or_warning(site):
    # Last in this module: everything above ran through the plugin with WP_DEBUG on.
    log = site.debug_log()
    assert "PHP Fatal" not in log
    assert not [line for line in log.splitlines() if "fahad-ai-bridge" in line and "PHP " in line], log
