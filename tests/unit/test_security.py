import base64
import json
import time

import pytest

from bridge.errors import BridgeError
from bridge.security import (check_cart_id, check_nonce, issue_cart_id, issue_nonce,
                             read_context, sign_context)

SECRET = "k" * 32
PATH = "/wp-json/fahad-ai/v1/message?x=1"


def context(**overrides):
    return {"uid": 7, "caps": ["read"], "ip": "203.0.113.7", "iat": int(time.time()),
            **overrides}


def test_a_fresh_nonce_passes():
    check_nonce(SECRET, issue_nonce(SECRET), max_age=60)


@pytest.mark.parametrize("nonce", [None, "", "abc", "a.b.c"])
def test_a_missing_or_garbled_nonce_is_refused(nonce):
    with pytest.raises(BridgeError) as error:
        check_nonce(SECRET, nonce, max_age=60)
    assert (error.value.status, error.value.code) == (403, "fahad_ai_invalid_nonce")


def test_a_nonce_from_another_secret_is_refused():
    with pytest.raises(BridgeError):
        check_nonce(SECRET, issue_nonce("other" * 8), max_age=60)


def test_an_expired_nonce_is_refused(monkeypatch):
    nonce = issue_nonce(SECRET)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 120)
    with pytest.raises(BridgeError) as error:
        check_nonce(SECRET, nonce, max_age=60)
    assert error.value.status == 403


def test_a_signed_context_round_trips():
    value, signature = sign_context(SECRET, context(cart_token="tok",
                                                    rate_limit={"limit": 40, "window": 30}),
                                    "POST", PATH, b'{"a":1}')
    assert "=" not in value  # base64url without padding
    ctx = read_context(SECRET, value, signature, "POST", PATH, b'{"a":1}')
    assert (ctx.uid, ctx.caps, ctx.ip, ctx.cart_token, ctx.rate_limit) == \
        (7, ("read",), "203.0.113.7", "tok", (40, 30))


@pytest.mark.parametrize("change", ["method", "path", "body", "secret", "signature"])
def test_a_context_signed_for_something_else_is_refused(change):
    value, signature = sign_context(SECRET, context(), "POST", PATH, b"{}")
    args = {"method": "POST", "path": PATH, "body": b"{}", "secret": SECRET,
            "signature": signature}
    args[change] = {"method": "GET", "path": PATH + "&y=2", "body": b'{"x":1}',
                    "secret": "z" * 32, "signature": "v1=" + "0" * 64}[change]
    with pytest.raises(BridgeError) as error:
        read_context(args["secret"], value, args["signature"], args["method"], args["path"],
                     args["body"])
    assert (error.value.status, error.value.code) == (403, "fahad_ai_invalid_signature")


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_stale_or_future_context_is_refused(skew):
    value, signature = sign_context(SECRET, context(iat=int(time.time()) + skew), "GET", PATH, b"")
    with pytest.raises(BridgeError):
        read_context(SECRET, value, signature, "GET", PATH, b"")


@pytest.mark.parametrize("payload", [
    {"uid": -1}, {"uid": "7"}, {"uid": True}, {"caps": "manage_woocommerce"}, {"ip": "nope"},
    {"iat": "now"}, {"cart_token": 5}, {"rate_limit": {"limit": 0, "window": 10}},
    {"rate_limit": [40, 30]},
])
def test_a_signed_but_malformed_context_is_refused(payload):
    value, signature = sign_context(SECRET, context(**payload), "GET", PATH, b"")
    with pytest.raises(BridgeError) as error:
        read_context(SECRET, value, signature, "GET", PATH, b"")
    assert error.value.status == 403


def test_a_context_that_is_not_an_object_is_refused():
    import hashlib
    import hmac
    value = base64.urlsafe_b64encode(json.dumps([1, 2]).encode()).decode().rstrip("=")
    from bridge.security import signing_input
    sig = "v1=" + hmac.new(SECRET.encode(), signing_input(value, "GET", PATH, b""),
                           hashlib.sha256).hexdigest()
    with pytest.raises(BridgeError):
        read_context(SECRET, value, sig, "GET", PATH, b"")


def test_only_cart_ids_this_bridge_issued_are_accepted():
    cart_id = issue_cart_id(SECRET)
    assert check_cart_id(SECRET, cart_id) == cart_id
    assert check_cart_id(SECRET, cart_id + "x") is None
    assert check_cart_id("other" * 8, cart_id) is None
    assert check_cart_id(SECRET, "chosen-by-client") is None
    assert check_cart_id(SECRET, None) is None


def test_webhook_signatures_are_checked_over_the_exact_body():
    import hashlib
    import hmac

    from bridge.security import meta_signed, woocommerce_signed

    body = b'{"id": 14}'
    digest = hmac.new(b"wh-secret", body, hashlib.sha256)
    woo = base64.b64encode(digest.digest()).decode()
    assert woocommerce_signed("wh-secret", body, woo)
    assert woocommerce_signed("wh-secret", body, f" {woo}\n")  # header whitespace
    for secret, signed, signature in (("other", body, woo), ("wh-secret", body + b" ", woo),
                                      ("wh-secret", body, None), ("wh-secret", body, "")):
        assert not woocommerce_signed(secret, signed, signature)
    meta = "sha256=" + digest.hexdigest()
    assert meta_signed("wh-secret", body, meta)
    assert meta_signed("wh-secret", body, "sha256=" + digest.hexdigest().upper())  # hex case
    for secret, signed, header in (("other", body, meta), ("wh-secret", b"{}", meta),
                                   ("wh-secret", body, digest.hexdigest()),
                                   ("wh-secret", body, "")):
        assert not meta_signed(secret, signed, header)


def test_a_token_matches_only_the_configured_one_and_never_when_none_is_set():
    from bridge.security import same_secret

    assert same_secret("verify-me", "verify-me")
    assert not same_secret("verify-me", "verify-mE") and not same_secret("verify-me", "")
    assert not same_secret("", "") and not same_secret("", "anything")
