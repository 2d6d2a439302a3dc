"""The stream token's checks (bridge/stream_token.py) and the CORS of /stream, on the app;
minted by the real plugin in tests/wordpress/test_wordpress_stream_token.py."""
from __future__ import annotations

import base64
import json

import pytest

from bridge import create_app, db, stream_token
from bridge.errors import BridgeError
from bridge.security import sign_context
from bridge.settings import Settings

SECRET = "token-secret"
SHOP = "https://shop.example"
NOW = 1_800_000_000
SHOPPER = {"uid": 7, "caps": [], "rate_limit": {"limit": 5, "window": 60}}


def read(token, nonce="n0nce", origin=SHOP, now=NOW):
    return stream_token.read(SECRET, token, nonce, origin, (SHOP,), "198.51.100.4", now=now)


def refused(token, code="fahad_ai_invalid_token", **kwargs) -> str:
    with pytest.raises(BridgeError) as caught:
        read(token, **kwargs)
    assert caught.value.code == code and caught.value.status == 403
    return caught.value.message


def resigned(claims: dict) -> str:
    value = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"v1.{value}.{stream_token._signature(SECRET, value)}"


def test_a_token_vouches_for_the_shopper_at_the_address_the_bridge_sees():
    context = read(stream_token.mint(SECRET, {**SHOPPER, "cart": "c1"}, SHOP, "n0nce", now=NOW))
    assert (context.uid, context.ip, context.rate_limit, context.cart_id) == (
        7, "198.51.100.4", (5, 60), "c1")


def test_forged_stale_and_misplaced_tokens_are_refused():
    token = stream_token.mint(SECRET, SHOPPER, SHOP, "n0nce", now=NOW)
    refused(token[:-1] + ("0" if token[-1] != "0" else "1"))
    refused(stream_token.mint("other", SHOPPER, SHOP, "n0nce", now=NOW))
    refused("v2" + token[2:])
    refused("garbage")
    assert "expired" in refused(token, now=NOW + 601)
    assert "hour" in refused(stream_token.mint(SECRET, SHOPPER, SHOP, "n0nce", ttl=7200, now=NOW))
    refused(token, nonce="another")
    refused(token, nonce=None)
    refused(token, code="fahad_ai_origin_refused", origin="https://evil.example")
    refused(token, code="fahad_ai_origin_refused", origin=None)
    refused(stream_token.mint(SECRET, SHOPPER, "https://evil.example", "n0nce", now=NOW),
            code="fahad_ai_origin_refused", origin="https://evil.example")
    claims = {**SHOPPER, "origin": SHOP, "nonce": stream_token.nonce_hash("n0nce")}
    refused(resigned({**claims, "exp": "soon"}))
    refused(resigned({**claims, "exp": NOW + 60, "uid": -1}))
    refused(resigned({**claims, "exp": NOW + 60, "cart": 5}))


def test_a_signed_contexts_signature_is_no_token():
    value, signature = sign_context(SECRET, {**SHOPPER, "origin": SHOP, "exp": NOW + 60,
                                             "nonce": stream_token.nonce_hash("n0nce")},
                                    "POST", stream_token.PATH, b"")
    refused(f"v1.{value}.{signature[3:]}")


@pytest.fixture
def client(tmp_path):
    settings = Settings(data_dir=str(tmp_path), bridge_secret=SECRET, providers=("offline",),
                        storefront_origins=(SHOP,))
    engine = db.make_engine(settings)
    db.upgrade(engine)
    engine.dispose()
    return create_app(settings).test_client()


def test_stream_answers_the_allowed_origin_with_cors_and_others_without(client):
    token = stream_token.mint(SECRET, {"uid": 3, "caps": []}, SHOP, "n0nce")
    turn = {"messages": [{"role": "user", "content": "hoodies"}]}
    ok = client.post(stream_token.PATH, json=turn,
                     headers={"X-Fahad-Token": token, "X-WP-Nonce": "n0nce", "Origin": SHOP})
    assert ok.status_code == 200 and ok.headers["Access-Control-Allow-Origin"] == SHOP
    assert "event: done" in ok.get_data(as_text=True)
    other = client.post(stream_token.PATH, json=turn, headers={
        "X-Fahad-Token": token, "X-WP-Nonce": "n0nce", "Origin": "https://evil.example"})
    assert other.status_code == 403 and other.get_json()["code"] == "fahad_ai_origin_refused"
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(stream_token.PATH, headers={"Origin": SHOP})
    assert preflight.headers["Access-Control-Allow-Headers"].count("X-Fahad-Token") == 1
    refused_preflight = client.options(stream_token.PATH, headers={"Origin": "https://x.example"})
    assert refused_preflight.status_code == 403
    # Other routes get no CORS at all: the browser reaches them through WordPress.
    cart = client.options("/wp-json/fahad-ai/v1/cart", headers={"Origin": SHOP})
    assert "Access-Control-Allow-Origin" not in cart.headers


def test_an_origin_setting_must_be_an_origin(tmp_path):
    from bridge.settings import SettingsError

    with pytest.raises(SettingsError, match="FAHAD_STOREFRONT_ORIGINS"):
        Settings(data_dir=str(tmp_path), storefront_origins=("https://shop.example/path",))
