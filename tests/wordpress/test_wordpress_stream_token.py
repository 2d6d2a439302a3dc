"""Streaming straight from the bridge: the stream token the plugin mints in the real WordPress
(docs/wordpress-plugin.md), the bridge's checks of it, its CORS, and the same gates as
through WordPress. The widget's use of it, with the fallback, is in chromium below."""
from __future__ import annotations

import base64
import hashlib
import json
import re
import time

import pytest
import requests

from bridge import stream_token
from conftest import SECRET

from .conftest import ask, bridge_settings, free_port, serve_bridge, shot

TURN = {"messages": [{"role": "user", "content": "hoodies"}]}


def payload_of(token: str) -> dict:
    value = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def wordpress_shaped(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert body["code"] == code and body["data"]["status"] == status and body["message"]


@pytest.fixture
def direct(site, point_at, wp_tmp):
    """The plugin pointed at a bridge that lets the site's origin stream from it directly."""
    servers = []

    def start(**overrides):
        tmp = wp_tmp / f"direct-{time.monotonic_ns()}"
        tmp.mkdir()
        server = serve_bridge(bridge_settings(tmp, providers=("offline",),
                                              storefront_origins=(site.url,), **overrides))
        servers.append(server)
        point_at(server.url)
        site.set_option("fahad_ai_direct_url", server.url)
        return server

    yield start
    site.set_option("fahad_ai_direct_url", None)
    for server in servers:
        server.stop()


def returning_guest(site):
    """A guest after one cart request through WordPress: its cookies are set, and the answer
    brings a stream token. (session, the page's widget configuration, the token.)"""
    session, config = site.guest()
    assert config["direct"]["token"] == ""  # a first visit: nothing to vouch for yet
    cart = session.post(site.rest + "/cart", json={"action": "view"}, timeout=30,
                        headers={"X-WP-Nonce": config["nonce"]})
    assert cart.status_code == 200
    # A guest's page never carries one, cookies or not: a page cache could serve it to others.
    assert page_config(site, session)["direct"]["token"] == ""
    return session, config, cart.headers["X-Fahad-Stream-Token"]


def page_config(site, session) -> dict:
    html = session.get(site.url + "/", timeout=30).text
    return json.loads(re.search(r"window\.fahadAiChatbot = (\{.*?\});", html).group(1))


def stream(bridge, token, nonce, origin, path="/stream", body=None, **headers):
    return requests.post(bridge.url + "/wp-json/fahad-ai/v1" + path, json=body or TURN,
                         timeout=30, headers={"X-Fahad-Token": token, "X-WP-Nonce": nonce,
                                              "Origin": origin, **headers})


def frames(response) -> list[dict]:
    return [json.loads(line[6:]) for line in response.text.splitlines()
            if line.startswith("data: ")]


def test_a_returning_guest_streams_straight_from_the_bridge_as_the_same_shopper(site, direct):
    bridge = direct()
    session, config, token = returning_guest(site)
    assert config["direct"]["url"] == bridge.url + "/wp-json/fahad-ai/v1/"
    claims = payload_of(token)
    assert claims["uid"] == 0 and claims["origin"] == site.url
    assert claims["client"] == session.cookies["fahad_ai_client"]
    assert claims["cart"] == session.cookies["fahad_ai_cart"]
    assert claims["nonce"] == hashlib.sha256(config["nonce"].encode()).hexdigest()[:32]
    assert 0 < claims["exp"] - time.time() <= 600 and "ip" not in claims

    answer = stream(bridge, token, config["nonce"], site.url)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/event-stream")
    assert answer.headers["Access-Control-Allow-Origin"] == site.url
    done = frames(answer)[-1]
    assert done["type"] == "done"
    # The same shopper WordPress vouches for: the conversation is theirs through WordPress too.
    mine = session.get(site.rest + "/conversation", params={"ref": done["conversation_ref"]},
                       headers={"X-WP-Nonce": config["nonce"]}, timeout=30)
    assert mine.status_code == 200
    assert [m["role"] for m in mine.json()["messages"]] == ["user", "assistant"]


def test_a_signed_in_shoppers_token_names_them(site, direct):
    direct()
    session, nonce = site.login("shopper")
    session.post(site.rest + "/cart", json={"action": "view"}, headers={"X-WP-Nonce": nonce},
                 timeout=30)
    config = page_config(site, session)
    assert payload_of(config["direct"]["token"])["uid"] == site.users["shopper"]


def test_without_a_browser_url_there_is_no_token(site):
    _, config = site.guest()
    assert "direct" not in config


@pytest.mark.parametrize("given, saved", [
    ("http://bridge.example:8080/", "http://bridge.example:8080"), ("javascript:alert(1)", "")])
def test_the_settings_page_saves_the_browser_url(given, saved, site, bridge):
    session, _ = site.login("admin")
    page = session.get(site.url + "/wp-admin/options-general.php?page=fahad-ai-bridge", timeout=30)
    assert 'name="fahad_ai_direct_url"' in page.text
    form = dict(re.findall(
        r"""name=["'](_wpnonce|_wp_http_referer|option_page|action)["'] value=["']([^"']*)["']""",
        page.text))
    form.update({"fahad_ai_bridge_url": bridge.url, "fahad_ai_secret": "", "fahad_ai_timeout": "30",
                 "fahad_ai_enabled": "1", "fahad_ai_direct_url": given})
    saved_page = session.post(site.url + "/wp-admin/options.php", data=form, timeout=30,
                              allow_redirects=False)
    assert saved_page.status_code == 302
    try:
        _, config = site.guest()
        assert config.get("direct", {}).get("url", "") == (
            saved + "/wp-json/fahad-ai/v1/" if saved else "")
    finally:
        site.set_option("fahad_ai_direct_url", None)


def test_forged_expired_and_misplaced_tokens_are_refused(site, direct):
    bridge = direct()
    _, config, token = returning_guest(site)
    nonce = config["nonce"]
    claims = payload_of(token)
    value, signature = token.split(".")[1:]
    forged_claims = dict(claims, uid=1)
    forged_value = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=")
    cases = {
        "forged": (f"v1.{forged_value}.{signature}", nonce, site.url),
        "wrong key": (stream_token.mint("not-the-secret", {"uid": 0, "caps": []}, site.url,
                                        nonce), nonce, site.url),
        "expired": (stream_token.mint(SECRET, claims, site.url, nonce, ttl=600,
                                      now=time.time() - 601), nonce, site.url),
        "another page's nonce": (token, "0123456789", site.url),
        "no nonce": (token, "", site.url),
    }
    for name, (given, page_nonce, origin) in cases.items():
        wordpress_shaped(stream(bridge, given, page_nonce, origin), 403, "fahad_ai_invalid_token")
    other = stream(bridge, token, nonce, "http://evil.example")
    wordpress_shaped(other, 403, "fahad_ai_origin_refused")
    assert "Access-Control-Allow-Origin" not in other.headers
    # Only /stream takes it: every other route goes through WordPress.
    wordpress_shaped(stream(bridge, token, nonce, site.url, "/message"), 403,
                     "fahad_ai_invalid_token")
    wordpress_shaped(stream(bridge, token, nonce, site.url, "/cart", {"action": "view"}), 403,
                     "fahad_ai_invalid_token")


def test_the_preflight_admits_the_stores_origin_only(site, direct):
    bridge = direct()
    url = bridge.url + "/wp-json/fahad-ai/v1/stream"
    asked = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type,x-fahad-token,x-wp-nonce"}
    ours = requests.options(url, headers={"Origin": site.url, **asked}, timeout=30)
    assert ours.status_code == 200 and ours.headers["Access-Control-Allow-Origin"] == site.url
    assert "x-fahad-token" in ours.headers["Access-Control-Allow-Headers"].lower()
    assert "Origin" in ours.headers["Vary"]
    theirs = requests.options(url, headers={"Origin": "http://evil.example", **asked}, timeout=30)
    wordpress_shaped(theirs, 403, "fahad_ai_origin_refused")
    assert "Access-Control-Allow-Origin" not in theirs.headers


@pytest.mark.parametrize("gate", ["paused", "rate limit", "daily cap"])
def test_the_gates_hold_for_a_token_as_through_wordpress(gate, site, direct):
    settings = {"paused": dict(paused=True), "rate limit": dict(rate_limit=2),
                "daily cap": dict(daily_cap=1)}[gate]
    bridge = direct(**settings)
    session, nonce = site.login("shopper")
    if gate == "paused":
        wordpress_shaped(session.post(site.rest + "/cart", json={"action": "view"}, timeout=30,
                                      headers={"X-WP-Nonce": nonce}), 503, "fahad_ai_disabled")
        token = stream_token.mint(SECRET, {"uid": site.users["shopper"], "caps": []}, site.url,
                                  nonce)
        wordpress_shaped(stream(bridge, token, nonce, site.url), 503, "fahad_ai_disabled")
        return
    assert session.post(site.rest + "/cart", json={"action": "view"}, timeout=30,
                        headers={"X-WP-Nonce": nonce}).status_code == 200
    config = page_config(site, session)
    token = config["direct"]["token"]
    assert stream(bridge, token, config["nonce"], site.url).status_code == 200
    refused = stream(bridge, token, config["nonce"], site.url)
    if gate == "rate limit":
        # One bucket per signed-in shopper, whichever way the request came: 2 of 2 used.
        wordpress_shaped(refused, 429, "fahad_ai_rate_limited")
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.headers["Access-Control-Allow-Origin"] == site.url  # the widget reads it
    else:
        wordpress_shaped(refused, 503, "fahad_ai_daily_cap")


# -- in chromium ---------------------------------------------------------------------------------

def view_cart(page) -> None:
    """Open and shut the cart drawer: /cart requests through WordPress, whose answers bring a
    stream token once the shopper's cookies are set; the widget has kept it for the tab."""
    for _ in range(2):  # each click asks for the cart
        with page.expect_response(lambda r: r.url.endswith("/cart")) as answer:
            page.click("#fahad-ai-view-cart")
        token = answer.value.headers.get("x-fahad-stream-token", "")
        assert token.startswith("v1.")
        page.wait_for_function("t => Object.keys(sessionStorage).some(k => k.startsWith("
                               "'fahadAiStreamToken:') && sessionStorage.getItem(k).includes(t))",
                               arg=token)


def test_the_widget_streams_straight_from_the_bridge(page, site, direct):
    from playwright.sync_api import expect

    bridge = direct()
    streams = []
    page.on("request", lambda r: streams.append(r.url) if r.url.endswith("/stream") else None)
    page.goto(site.url + "/")
    page.click("#fahad-ai-launcher")
    ask(page, "hoodies")  # a first visit: through WordPress (a demo store's guest has no cart yet)
    assert page.get_attribute("#fahad-ai-root", "data-stream") == "wordpress"
    view_cart(page)
    ask(page, "mugs")
    assert page.get_attribute("#fahad-ai-root", "data-stream") == "direct"
    assert streams == [site.rest + "/stream", bridge.url + "/wp-json/fahad-ai/v1/stream"]
    assert page.locator(".fahad-ai-turn").last.locator(".fahad-ai-card").count() >= 1
    page.reload()  # the tab keeps the guest's token for the next page (the panel stays open)
    streams.clear()
    expect(page.locator("#fahad-ai-panel")).to_be_visible()
    expect(page.locator(".fahad-ai-msg-assistant[data-state=done]")).to_have_count(2)  # restored
    ask(page, "sneakers")
    assert streams == [bridge.url + "/wp-json/fahad-ai/v1/stream"]
    shot(page, "wordpress-direct-stream")


@pytest.mark.parametrize("why", ["unreachable", "origin not allowed"])
def test_the_widget_falls_back_to_wordpress_when_direct_fails(why, page, site, direct, bridge):
    direct()
    if why == "unreachable":
        site.set_option("fahad_ai_direct_url", f"http://127.0.0.1:{free_port()}")
    else:
        site.set_option("fahad_ai_direct_url", bridge.url)  # a bridge with no storefront_origins
    streams = []
    page.on("request", lambda r: streams.append(r.url) if r.url.endswith("/stream") else None)
    page.goto(site.url + "/")
    page.click("#fahad-ai-launcher")
    view_cart(page)
    ask(page, "hoodies")
    assert page.get_attribute("#fahad-ai-root", "data-stream") == "wordpress"
    assert page.get_attribute("#fahad-ai-root", "data-transport") == "stream"
    assert streams[-1] == site.rest + "/stream" and len(streams) == 2, streams
    ask(page, "mugs")  # it doesn't try the bridge again on this page
    assert streams[-1] == site.rest + "/stream" and len(streams) == 3, streams


@pytest.mark.parametrize("refused", ["forged", "another origin's"])
def test_a_refused_token_sends_the_turn_through_wordpress(refused, page, site, direct):
    """A forged token: that turn goes through WordPress, whose answer renews the token, and
    the next goes direct again. Another origin's: every turn through WordPress from then on."""
    from playwright.sync_api import expect

    bridge = direct()
    page.goto(site.url + "/")
    page.click("#fahad-ai-launcher")
    view_cart(page)  # the guest's cookies, and a token kept for the tab
    key = page.evaluate(
        "Object.keys(sessionStorage).find(k => k.startsWith('fahadAiStreamToken:'))")
    kept = json.loads(page.evaluate("k => sessionStorage.getItem(k)", key))
    value, signature = kept["token"].split(".")[1:]
    if refused == "forged":
        forged = f"v1.{value}.{'0' * len(signature)}"  # unexpired, but not signed with the secret
    else:
        claims = {k: v for k, v in payload_of(kept["token"]).items()
                  if k not in ("origin", "nonce", "exp")}
        forged = stream_token.mint(SECRET, claims, "http://other.example", kept["nonce"])
    page.evaluate("([k, v]) => sessionStorage.setItem(k, v)",
                  [key, json.dumps({**kept, "token": forged})])
    streams = []
    page.on("response", lambda r: streams.append((r.url, r.status))
            if r.url.endswith("/stream") and r.request.method == "POST" else None)
    page.reload()
    expect(page.locator("#fahad-ai-panel")).to_be_visible()
    ask(page, "hoodies")
    ask(page, "mugs")
    direct_url = bridge.url + "/wp-json/fahad-ai/v1/stream"
    then = direct_url if refused == "forged" else site.rest + "/stream"
    assert streams == [(direct_url, 403), (site.rest + "/stream", 200), (then, 200)]
