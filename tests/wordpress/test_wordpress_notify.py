"""The plugin's side of issue 17: the signed webhook that becomes a wp_mail on escalation,
and the chat client id that proves a guest's conversations are theirs."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
import requests

from conftest import SECRET


def signed(body: bytes, secret: str = SECRET, t: int | None = None) -> str:
    t = int(time.time()) if t is None else t
    return f"t={t},v1=" + hmac.new(secret.encode(), f"{t}.".encode() + body,
                                    hashlib.sha256).hexdigest()


def event(kind: str = "conversation.escalated", **data) -> bytes:
    data = {"conversation_id": "cv_test", "channel": "storefront", "handoff_ref": "H-7KQ2M9XA",
            "reason": "My parcel is late", **data}
    return json.dumps({"id": "evt_1", "type": kind, "created": int(time.time()),
                       "data": data}).encode()


def mails(site) -> list[dict]:
    return requests.get(site.url + "/wp-json/fahad-test/v1/mail", timeout=30).json()


def notify(site, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Fahad-Signature"] = signature
    return requests.post(site.rest + "/notify", data=body, headers=headers, timeout=30)


def test_an_escalation_signed_by_the_bridge_mails_the_store(site):
    site.set_option("fahad_test_mail", None)
    body = event()
    response = notify(site, body, signed(body))
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True, "mailed": True}
    [mail] = mails(site)
    assert mail["to"] == "admin@example.com"
    assert "H-7KQ2M9XA" in mail["subject"] and "asked for a person" in mail["subject"]
    assert "My parcel is late" in mail["message"] and "storefront" in mail["message"]
    assert "page=fahad-ai-copilot#inbox" in mail["message"]


@pytest.mark.parametrize("signature", [
    None, "", "t=1,v1=00", "v1=abc",
    "forged",  # placeholder: replaced by a signature with the wrong secret below
    "stale",   # a right signature, 10 minutes old
])
def test_an_unsigned_forged_or_stale_notification_mails_nothing(site, signature):
    site.set_option("fahad_test_mail", None)
    body = event()
    if signature == "forged":
        signature = signed(body, secret="not-the-secret")
    elif signature == "stale":
        signature = signed(body, t=int(time.time()) - 600)
    response = notify(site, body, signature)
    assert response.status_code == 403
    assert response.json()["code"] == "fahad_ai_invalid_signature"
    assert mails(site) == []


def test_a_signature_covers_the_body(site):
    site.set_option("fahad_test_mail", None)
    signature = signed(event())
    response = notify(site, event(handoff_ref="H-OTHER000"), signature)
    assert response.status_code == 403 and mails(site) == []


def test_other_events_and_bad_bodies_mail_nothing(site):
    site.set_option("fahad_test_mail", None)
    body = event("feedback.created")
    assert notify(site, body, signed(body)).json() == {"ok": True, "mailed": False}
    for junk, code in ((b"[1, 2]", "fahad_ai_invalid_event"),
                       (b"not json", "rest_invalid_json")):  # WordPress refuses it first
        response = notify(site, junk, signed(junk))
        assert response.status_code == 400 and response.json()["code"] == code
    assert mails(site) == []


def context_of(bridge_request) -> dict:
    value = bridge_request.headers["X-Fahad-Context"]
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def test_a_guest_gets_a_chat_client_id_that_the_signed_context_carries(site, bridge):
    """The plugin mints the id once (a cookie), and vouches for it in every storefront context."""
    seen = []
    bridge.app.before_request_funcs.setdefault(None, []).append(
        lambda: seen.append(context_of(__import__("flask").request)) if
        __import__("flask").request.headers.get("X-Fahad-Context") else None)
    try:
        session, config = site.guest()
        headers = {"X-WP-Nonce": config["nonce"]}
        first = session.post(site.rest + "/cart", json={"action": "view"}, headers=headers,
                             timeout=30)
        assert first.status_code == 200
        cookie = session.cookies.get("fahad_ai_client")
        assert cookie and len(cookie) >= 22
        session.post(site.rest + "/cart", json={"action": "view"}, headers=headers, timeout=30)
        other, other_config = site.guest()
        other.post(site.rest + "/cart", json={"action": "view"},
                   headers={"X-WP-Nonce": other_config["nonce"]}, timeout=30)
    finally:
        bridge.app.before_request_funcs[None].pop()
    clients = [c.get("client") for c in seen]
    assert clients[0] == clients[1] == cookie  # the same shopper, the same id
    assert clients[2] and clients[2] != cookie  # another shopper, another id


def test_a_shopper_asking_for_a_person_reaches_the_store_as_an_email(site, wp_tmp):
    """End to end: the bridge's webhook worker signs the escalation, WordPress mails it."""
    from bridge.routes import NAMESPACE
    from bridge.security import issue_nonce

    from .conftest import bridge_settings, serve_bridge

    tmp = wp_tmp / "notify-bridge"
    tmp.mkdir()
    hooks = {"wordpress": {"url": site.rest + "/notify", "secret": SECRET,
                           "events": ["conversation.escalated"]}}
    server = serve_bridge(bridge_settings(tmp, providers=("offline",), webhooks=hooks,
                                          webhook_poll_interval=0.2))
    try:
        site.set_option("fahad_test_mail", None)
        asked = requests.post(server.url + NAMESPACE + "/handoff",
                              json={"conversation_ref": "notify-e2e-1", "reason": "Lost parcel"},
                              headers={"X-WP-Nonce": issue_nonce(SECRET)}, timeout=30)
        assert asked.status_code == 200, asked.text
        ref = asked.json()["handoff_ref"]
        deadline = time.monotonic() + 60
        while not mails(site) and time.monotonic() < deadline:
            time.sleep(0.5)
        [mail] = mails(site)
        assert ref in mail["subject"] and "Lost parcel" in mail["message"]
    finally:
        server.stop()
