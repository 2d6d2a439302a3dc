"""POST/GET /whatsapp at the gate: Meta's handshake, the signature over the raw body, and
what a delivery stores (messages once, statuses once), answered 200 at once."""
from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from conftest import WA_ACCESS_TOKEN, WA_APP_SECRET, WA_VERIFY_TOKEN, wait_for
from fakes import meta as m
from bridge.models import WhatsAppInbound, WhatsAppOutbound, WhatsAppStatus

PHONE = "15551234567"


def rows(app, model, *where):
    with app.extensions["fahad"].sessions() as session:
        return list(session.scalars(sa.select(model).where(*where)))


def handshake(client, **params):
    query = {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN,
             "hub.challenge": "1158201444", **params}
    return client.get(m.URL, query_string={k: v for k, v in query.items() if v is not None})


# -- GET: the handshake -----------------------------------------------------------------

def test_handshake_echoes_the_challenge_as_plain_text(wa_app):
    response = handshake(wa_app.test_client())
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "1158201444"


@pytest.mark.parametrize("params", [
    {"hub.verify_token": "wrong-token"},
    {"hub.verify_token": WA_VERIFY_TOKEN + "x"},
    {"hub.verify_token": None},
    {"hub.mode": "unsubscribe"},
    {"hub.mode": None},
    {"hub.challenge": None},
])
def test_a_bad_handshake_is_403_and_echoes_nothing(wa_app, params):
    response = handshake(wa_app.test_client(), **params)
    assert response.status_code == 403
    body = response.get_json()
    assert body["data"]["status"] == 403
    assert "1158201444" not in response.get_data(as_text=True)


def test_without_whatsapp_settings_both_routes_refuse(client):
    response = client.get(m.URL, query_string={"hub.mode": "subscribe",
                                               "hub.verify_token": "", "hub.challenge": "1"})
    assert response.status_code == 403
    body = json.dumps(m.text(PHONE, "hi")).encode()
    response = client.post(m.URL, data=body, content_type="application/json",
                           headers={"X-Hub-Signature-256": m.signature(body, "")})
    assert response.status_code == 403


# -- POST: the signature ------------------------------------------------------------------

def test_a_signed_delivery_is_acknowledged_and_stored(wa_app, meta):
    response = meta.post(m.text(PHONE, "hello", id="wamid.A1"))
    assert response.status_code == 200
    assert response.get_json() == {"received": True}
    [row] = rows(wa_app, WhatsAppInbound)
    assert (row.wamid, row.phone, row.kind, row.text, row.name) == (
        "wamid.A1", PHONE, "text", "hello", "Sara")


@pytest.mark.parametrize("header", [
    None,  # missing
    "",  # empty
    "sha256=" + "0" * 64,  # forged
    "sha1=abc",  # another scheme
    "sha256=",  # no digest
])
def test_missing_or_forged_signatures_are_403_and_nothing_is_processed(wa_app, meta, fake_graph,
                                                                       header):
    payload = m.text(PHONE, "hello")
    if header is None:
        response = meta.post(payload, secret="")
    else:
        response = meta.post(payload, signature_header=header)
    assert response.status_code == 403
    assert response.get_json()["code"] == "fahad_ai_invalid_signature"
    assert rows(wa_app, WhatsAppInbound) == []
    assert fake_graph.sent == []


def test_a_signature_with_another_secret_is_403(wa_app, meta):
    response = meta.post(m.text(PHONE, "hello"), secret="not-the-app-secret")
    assert response.status_code == 403
    assert rows(wa_app, WhatsAppInbound) == []


def test_the_raw_body_is_what_is_signed(wa_app, meta):
    payload = m.text(PHONE, "hello")
    signed = json.dumps(payload).encode()
    # The same JSON with other whitespace is another body: its signature doesn't carry over.
    reformatted = json.dumps(payload, indent=2).encode()
    response = meta.post(None, raw=reformatted, signature_header=m.signature(signed, WA_APP_SECRET))
    assert response.status_code == 403
    response = meta.post(None, raw=reformatted,
                         signature_header=m.signature(reformatted, WA_APP_SECRET))
    assert response.status_code == 200
    assert len(rows(wa_app, WhatsAppInbound)) == 1


def test_a_tampered_body_fails_its_signature(wa_app, meta):
    body = json.dumps(m.text(PHONE, "hello")).encode()
    header = m.signature(body, WA_APP_SECRET)
    response = meta.post(None, raw=body.replace(b"hello", b"HELLO"), signature_header=header)
    assert response.status_code == 403


def test_signed_bodies_that_are_not_updates_are_acknowledged_and_ignored(wa_app, meta):
    for raw in (b"not json", b"[]", b"{}", b'{"entry": "x"}',
                json.dumps({"entry": [{"changes": [{"field": "messages", "value": 3}]}]}).encode(),
                json.dumps(m.delivery({"messages": [{"type": "text"}]})).encode()):
        response = meta.post(None, raw=raw)
        assert response.status_code == 200, raw
    assert rows(wa_app, WhatsAppInbound) == []


def test_messages_for_another_phone_number_are_ignored(wa_app, meta):
    meta.post(m.text(PHONE, "hello", phone_id="999999"))
    assert rows(wa_app, WhatsAppInbound) == []


def test_a_batched_delivery_stores_every_message(wa_app, meta):
    first, second = m.text(PHONE, "one"), m.text("447700900123", "two", name="Ali")
    first["entry"].append(second["entry"][0])
    first["entry"][0]["changes"][0]["value"]["messages"].append(
        {"from": PHONE, "id": "wamid.B3", "timestamp": "1763900000", "type": "text",
         "text": {"body": "three"}})
    assert meta.post(first).status_code == 200
    stored = sorted((r.phone, r.text) for r in rows(wa_app, WhatsAppInbound))
    assert stored == [("15551234567", "one"), ("15551234567", "three"), ("447700900123", "two")]


def test_taps_and_photos_are_read_with_their_ids(wa_app, meta):
    meta.post(m.button(PHONE, "add:113", "Add to cart", id="wamid.T1"))
    meta.post(m.list_reply(PHONE, "p:110", "Organic Cotton Hoodie", id="wamid.T2"))
    meta.post(m.message(PHONE, "button", {"button": {"payload": "checkout", "text": "Checkout"}},
                        id="wamid.T3"))  # a template's quick-reply button
    meta.post(m.image(PHONE, "MEDIA9", id="wamid.T4"))
    found = {r.wamid: (r.kind, r.reply_id, r.text, r.media_id) for r in rows(wa_app, WhatsAppInbound)}
    assert found == {"wamid.T1": ("button", "add:113", "Add to cart", None),
                     "wamid.T2": ("list", "p:110", "Organic Cotton Hoodie", None),
                     "wamid.T3": ("button", "checkout", "Checkout", None),
                     "wamid.T4": ("image", None, None, "MEDIA9")}


def test_a_message_pywa_cannot_read_is_still_stored(wa_app, meta):
    payload = m.text(PHONE, "old shape")
    del payload["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"]
    assert meta.post(payload).status_code == 200
    [row] = rows(wa_app, WhatsAppInbound)
    assert (row.phone, row.text) == (PHONE, "old shape")


def test_a_too_large_body_is_413(wa_app, meta):
    response = meta.post(None, raw=b"{" + b" " * (1024 * 1024 + 10) + b"}")
    assert response.status_code == 413


# -- statuses -------------------------------------------------------------------------------

def test_statuses_are_recorded_once_and_move_the_reply_forward(wa_app, meta, fake_graph):
    meta.post(m.text(PHONE, "hi"))
    wamid = wait_for(lambda: [r.wamid for r in rows(wa_app, WhatsAppOutbound)
                              if r.status == "sent"])[0]
    for state in ("sent", "delivered", "delivered", "read"):
        assert meta.post(m.status(wamid, state, PHONE)).status_code == 200
    recorded = [(s.wamid, s.status) for s in rows(wa_app, WhatsAppStatus)]
    assert recorded == [(wamid, "sent"), (wamid, "delivered"), (wamid, "read")]
    [reply] = rows(wa_app, WhatsAppOutbound, WhatsAppOutbound.wamid == wamid)
    assert reply.status == "read"
    # A late "delivered" doesn't take a read message back.
    meta.post(m.status(wamid, "delivered", PHONE))
    [reply] = rows(wa_app, WhatsAppOutbound, WhatsAppOutbound.wamid == wamid)
    assert reply.status == "read"


def test_a_window_failure_is_recorded_logged_and_not_retried(wa_app, meta, fake_graph, caplog):
    meta.post(m.text(PHONE, "hi"))
    wamid = wait_for(lambda: [r.wamid for r in rows(wa_app, WhatsAppOutbound)
                              if r.status == "sent"])[0]
    sends = len(fake_graph.sent)
    with caplog.at_level(logging.WARNING):
        response = meta.post(m.status(wamid, "failed", PHONE, error=m.WINDOW_ERROR))
    assert response.status_code == 200
    [status] = rows(wa_app, WhatsAppStatus)
    assert (status.status, status.error_code, status.error_title) == (
        "failed", 131047, "Re-engagement message")
    [reply] = rows(wa_app, WhatsAppOutbound, WhatsAppOutbound.wamid == wamid)
    assert (reply.status, reply.error_code) == ("failed", 131047)
    assert "131047" in caplog.text
    import time
    time.sleep(0.5)  # a worker's poll comes and goes: still nothing resent
    assert len(fake_graph.sent) == sends


def test_secrets_never_appear_in_answers_or_logs(wa_app, meta, caplog):
    client = wa_app.test_client()
    with caplog.at_level(logging.DEBUG):
        answers = [handshake(client, **{"hub.verify_token": "guess"}),
                   meta.post(m.text(PHONE, "hi"), secret="wrong"),
                   meta.post(m.text(PHONE, "hi"))]
        wait_for(lambda: rows(wa_app, WhatsAppOutbound))
    text = caplog.text + "".join(a.get_data(as_text=True) for a in answers)
    for secret in (WA_APP_SECRET, WA_VERIFY_TOKEN, WA_ACCESS_TOKEN):
        assert secret not in text
    assert WA_APP_SECRET not in repr(wa_app.extensions["fahad"].settings)
