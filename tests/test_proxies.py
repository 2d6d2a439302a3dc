"""Forwarded headers count only from trusted proxies, and no link is built from the Host a
request names (/agent/llms is cached publicly for an hour)."""
import json
import re

import pytest

from bridge.catalog.sync import full_sync
from bridge.proxies import client_address, parse_networks
from bridge.routes import NAMESPACE
from bridge.security import issue_nonce
from bridge.settings import Settings, SettingsError, load_settings
from conftest import SECRET, make_app
from fakes.woocommerce.auth import READ

PROXIES = ("10.0.0.0/8", "2001:db8:1::/48")
NETWORKS = parse_networks(PROXIES)
EVIL = "evil.example"


@pytest.fixture
def app_with(tmp_path):
    apps = []

    def build(**changes):
        fields = {"public_url": "http://shop.test", **changes}
        settings = Settings(data_dir=str(tmp_path / str(len(apps))), bridge_secret=SECRET,
                            **fields)
        apps.append(make_app(settings))
        return apps[-1]
    yield build
    for app in apps:
        app.extensions["fahad"].engine.dispose()


# -- who the client is ----------------------------------------------------------------------

@pytest.mark.parametrize("peer, forwarded, client", [
    # a peer that isn't a trusted proxy is the client, whatever it claims
    ("198.51.100.7", "192.0.2.9", "198.51.100.7"),
    ("198.51.100.7", "10.0.0.1, 192.0.2.9", "198.51.100.7"),
    # a trusted proxy: the rightmost address that isn't one of ours
    ("10.0.0.5", "192.0.2.9", "192.0.2.9"),
    ("10.0.0.5", "6.6.6.6, 192.0.2.9", "192.0.2.9"),
    ("10.0.0.5", "6.6.6.6, 192.0.2.9, 10.1.2.3", "192.0.2.9"),
    # an entry that isn't an address ends the walk at the hop that reported it
    ("10.0.0.5", "192.0.2.9, not-an-ip", "10.0.0.5"),
    ("10.0.0.5", "192.0.2.9, bogus, 10.9.9.9", "10.9.9.9"),
    # every hop trusted: the leftmost; nothing forwarded: the proxy itself
    ("10.0.0.5", "10.0.0.1, 10.0.0.2", "10.0.0.1"),
    ("10.0.0.5", "", "10.0.0.5"),
    # ports, IPv6, and IPv4 mapped into IPv6
    ("10.0.0.5", "192.0.2.9:5123", "192.0.2.9"),
    ("2001:db8:1::7", "[2001:db8:2::9]:443", "2001:db8:2::9"),
    ("::ffff:10.0.0.5", "192.0.2.9", "192.0.2.9"),
])
def test_the_client_is_the_first_untrusted_address_from_the_right(peer, forwarded, client):
    assert client_address(peer, forwarded, NETWORKS) == client


def test_trusted_proxies_must_be_addresses_or_networks(tmp_path):
    with pytest.raises(SettingsError, match="FAHAD_TRUSTED_PROXIES"):
        Settings(data_dir=str(tmp_path), trusted_proxies=("10.0.0.0/8", "proxy.internal"))
    settings = load_settings({"FAHAD_DATA_DIR": str(tmp_path),
                              "FAHAD_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"})
    assert settings.trusted_proxies == ("10.0.0.0/8", "127.0.0.1")


def test_the_retired_proxy_count_is_refused_rather_than_ignored(tmp_path):
    with pytest.raises(SettingsError, match="FAHAD_TRUSTED_PROXIES"):
        load_settings({"FAHAD_DATA_DIR": str(tmp_path), "FAHAD_PROXY_COUNT": "1"})
    assert load_settings({"FAHAD_DATA_DIR": str(tmp_path), "FAHAD_PROXY_COUNT": "0"})


def cart(client, ip, forwarded=None, **headers):
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    return client.post(NAMESPACE + "/cart", json={"action": "view"},
                       headers={"X-WP-Nonce": issue_nonce(SECRET), **headers},
                       environ_base={"REMOTE_ADDR": ip})


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_never_picks_the_bucket(app_with):
    client = app_with(rate_limit=20, trusted_proxies=PROXIES).test_client()
    statuses = [cart(client, "198.51.100.7", f"192.0.2.{i % 250}, 10.0.0.{i % 250}").status_code
                for i in range(200)]
    assert statuses.count(200) == 20 and statuses.count(429) == 180


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(app_with):
    client = app_with(rate_limit=2, trusted_proxies=PROXIES).test_client()
    # what the client put left of its own address changes nothing
    assert cart(client, "10.0.0.5", "1.1.1.1, 203.0.113.9").status_code == 200
    assert cart(client, "10.0.0.6", "2.2.2.2, 203.0.113.9").status_code == 200
    assert cart(client, "10.0.0.5", "3.3.3.3, 203.0.113.9").status_code == 429
    assert cart(client, "10.0.0.5", "203.0.113.10").status_code == 200
    # the proxy's own address is not a client's bucket
    assert cart(client, "10.0.0.5", "203.0.113.11").status_code == 200


def test_the_agent_bucket_follows_the_same_rule(app_with):
    client = app_with(agent_rate_limit=1, trusted_proxies=PROXIES).test_client()

    def llms(ip, forwarded):
        return client.get(NAMESPACE + "/agent/llms", headers={"X-Forwarded-For": forwarded},
                          environ_base={"REMOTE_ADDR": ip}).status_code
    assert llms("198.51.100.7", "192.0.2.1") == 200
    assert llms("198.51.100.7", "192.0.2.2") == 429
    assert llms("10.0.0.5", "192.0.2.1") == 200
    assert llms("10.0.0.5", "192.0.2.1") == 429


def test_only_a_trusted_proxy_says_the_request_came_over_https(app_with):
    app = app_with(trusted_proxies=PROXIES)
    direct = cart(app.test_client(), "198.51.100.7", **{"X-Forwarded-Proto": "https"})
    proxied = cart(app.test_client(), "10.0.0.5", "203.0.113.9",
                   **{"X-Forwarded-Proto": "https"})
    assert "Secure" not in direct.headers["Set-Cookie"]
    assert "Secure" in proxied.headers["Set-Cookie"]


# -- links come from configured URLs ----------------------------------------------------------

ATTACK = {"Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https",
          "X-Forwarded-Prefix": "/" + EVIL, "Forwarded": f"host={EVIL};proto=https"}


def pages(store):
    first = next(p for p in store.products().items if p.type == "simple" and p.in_stock)
    return [
        "/", "/admin", f"/product/{first.slug}/", f"/checkout-link/?products={first.id}:1",
        f"{NAMESPACE}/agent/llms", f"{NAMESPACE}/agent/catalog?per_page=2",
        f"{NAMESPACE}/agent/feed?per_page=2", f"{NAMESPACE}/agent/product?id={first.id}",
        f"{NAMESPACE}/agent/product?id={first.id}&format=jsonld",
        f"{NAMESPACE}/agent/search?q=hoodie", f"{NAMESPACE}/agent/checkout-handoff?ids={first.id}",
    ]


@pytest.mark.parametrize("peer", ["198.51.100.7", "10.0.0.5"], ids=["untrusted", "trusted"])
def test_a_host_header_attack_ends_up_in_no_link(app_with, peer):
    app = app_with(trusted_proxies=PROXIES)
    client = app.test_client()
    for path in pages(app.extensions["fahad"].store):
        response = client.get(path, headers=ATTACK, environ_base={"REMOTE_ADDR": peer})
        body = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert EVIL not in body and EVIL not in str(response.headers), path
    first = pages(app.extensions["fahad"].store)[-1].rsplit("=", 1)[1]
    for name, arguments in (("checkout_handoff", {"items": [{"product_id": int(first)}]}),
                            ("get_product_details", {"product_id": int(first)})):
        answer = client.post(NAMESPACE + "/agent/mcp", environ_base={"REMOTE_ADDR": peer},
                             headers={**ATTACK, "Accept": "application/json, text/event-stream"},
                             json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                   "params": {"name": name, "arguments": arguments}})
        assert answer.status_code == 200 and "shop.test" in answer.get_data(as_text=True)
        assert EVIL not in answer.get_data(as_text=True)
    llms = client.get(NAMESPACE + "/agent/llms", headers=ATTACK,
                      environ_base={"REMOTE_ADDR": peer}).get_data(as_text=True)
    links = re.findall(r"\]\((\S+?)\)", llms)
    assert links and all(link.startswith(f"http://shop.test{NAMESPACE}/agent/") for link in links)


def test_the_widget_and_the_mcp_server_point_at_the_public_url(app_with):
    client = app_with(public_url="https://bridge.example/").test_client()
    html = client.get("/", headers={"Host": EVIL}).get_data(as_text=True)
    config = json.loads(re.search(r"window\.fahadAiChatbot = (\{.*?\});", html).group(1))
    assert config["restUrl"] == f"https://bridge.example{NAMESPACE}/"
    answer = client.post(NAMESPACE + "/agent/mcp", headers={
        "Host": EVIL, "Accept": "application/json, text/event-stream"}, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"}}})
    assert f"https://bridge.example{NAMESPACE}/agent/llms" in answer.get_json()[
        "result"]["instructions"]


def test_the_feed_names_the_woocommerce_site_as_seller(app_with, fake):
    app = app_with(store="woocommerce", wc_url=fake.url, wc_consumer_key=READ[0],
                   wc_consumer_secret=READ[1], wc_background_sync=False)
    bridge = app.extensions["fahad"]
    full_sync(bridge.store, bridge.index)
    rows = app.test_client().get(NAMESPACE + "/agent/feed?per_page=1",
                                 headers={"Host": EVIL}).get_json()["items"]
    assert rows and rows[0]["seller_url"] == fake.url.rstrip("/")
