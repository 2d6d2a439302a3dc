"""POST/GET /whatsapp at the gate: Meta's handshake, the signature over the raw body, and
what a delivery stores (messages once, statuses once), answered 200 at once."""
from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from conftest import WA_ACCESS_TOKEN, WA_APP_SECRET, WA_VERIFY_TOKEN, wait_for
from fakes import meta as m
from channels.whatsapp.models import WhatsAppInbound, WhatsAppOutbound, WhatsAppStatus

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


# -- signed bodies that can't be stored: a 200 all the same, the rest of the batch kept ------

@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request, settings, fake_graph):
    """The WhatsApp channel on SQLite, then on PostgreSQL (which refuses NUL in text)."""
    from conftest import make_app, whatsapp_config

    changes = {}
    if request.param == "postgresql":
        changes["database_url"] = request.getfixturevalue("postgres_url")
    app = make_app(whatsapp_config(settings.replace(**changes), fake_graph.url))
    yield app
    app.extensions["whatsapp"].stop()
    app.extensions["fahad"].engine.dispose()


def batch(*deliveries) -> dict:
    """One delivery holding every message and status of ``deliveries``, in order."""
    first = json.loads(json.dumps(deliveries[0]))
    value = first["entry"][0]["changes"][0]["value"]
    for extra in deliveries[1:]:
        more = extra["entry"][0]["changes"][0]["value"]
        for key in ("contacts", "messages", "statuses"):
            value.setdefault(key, []).extend(more.get(key, []))
    return first


def with_fields(delivery: dict, **fields) -> dict:
    delivery["entry"][0]["changes"][0]["value"]["messages"][0].update(fields)
    return delivery


HOSTILE = "HOSTILE-PAYLOAD"
# Each of these was a 500 on SQLite or PostgreSQL, or both: Meta retried it for days.
UNSTORABLE_MESSAGES = {
    "surrogate in the text": m.text(PHONE, f"{HOSTILE} \ud800"),
    "NUL in the text": m.text(PHONE, f"{HOSTILE} \x00 end"),
    "surrogate in the name": m.text("447700900999", HOSTILE, name="\udfff"),
    "surrogate in the sender": m.text("\ud800", HOSTILE),
    "NUL in the id": with_fields(m.text(PHONE, HOSTILE), id="wamid.\x00" + HOSTILE),
    "a text that is an object": with_fields(m.text(PHONE, HOSTILE), text={"body": {"x": 1}}),
    "a text that is a string": with_fields(m.text(PHONE, HOSTILE), text=HOSTILE),
    "an interactive that is a string": with_fields(m.text(PHONE, HOSTILE), type="interactive",
                                                   interactive=HOSTILE),
}


def test_a_batch_keeps_what_can_be_stored_and_drops_the_rest(any_db_app, caplog):
    meta = m.Meta(any_db_app.test_client(), WA_APP_SECRET)
    good = [m.text(PHONE, "first good", id="wamid.G1"),
            with_fields(m.text(PHONE, "huge id"), id="w" * 100_000),  # kept, id cut to 255
            with_fields(m.text(PHONE, "far future"), timestamp=10**30),  # kept, stamped now
            with_fields(m.text(PHONE, "sender as a number"), **{"from": 15551234568}),
            m.text(PHONE, "last good \ud83d\ude00", id="wamid.G2")]
    delivery = batch(good[0], *UNSTORABLE_MESSAGES.values(), *good[1:])
    with caplog.at_level(logging.WARNING):
        response = meta.post(delivery)
    assert response.status_code == 200 and response.get_json() == {"received": True}
    stored = sorted(r.text for r in rows(any_db_app, WhatsAppInbound))
    assert stored == sorted(["first good", "huge id", "far future", "sender as a number",
                             "last good \U0001F600"])
    assert caplog.text.count("WhatsApp message dropped") == len(UNSTORABLE_MESSAGES)
    assert HOSTILE not in caplog.text  # the log names the field, never the content


def test_statuses_that_cannot_be_stored_are_dropped_and_the_rest_recorded(any_db_app, caplog):
    meta = m.Meta(any_db_app.test_client(), WA_APP_SECRET)
    delivery = batch(
        m.status("wamid.S0", "delivered", PHONE),
        m.status("wamid.S1", "failed", PHONE, error={"code": 10**20, "title": "huge code"}),
        m.status("wamid.S2", "failed", PHONE, error={"code": 1, "title": f"{HOSTILE}\ud800"}),
        m.status("wamid.\x00S3", "read", PHONE),
        m.status("wamid.S4", "failed", PHONE, error=HOSTILE),
        m.status("wamid.S6", "read", PHONE))
    with caplog.at_level(logging.WARNING):
        assert meta.post(delivery).status_code == 200
        # Alone, so its recipient is not read from another status's contact.
        assert meta.post(m.status("wamid.S5", "read", "\ud800")).status_code == 200
    assert sorted(r.wamid for r in rows(any_db_app, WhatsAppStatus)) == ["wamid.S0", "wamid.S6"]
    assert caplog.text.count("WhatsApp status dropped") == 5
    assert HOSTILE not in caplog.text


@pytest.mark.parametrize("raw", [
    b'{"object": "whatsapp_business_account", "entry": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"entry": ' + b"[" * 70 + b"]" * 70 + b"}",
    b'{"entry": NaN}',
    b'{"entry": [{"changes": [{"field": "messages", "value": {"metadata": "x"}}]}]}',
    b'{"object": "\xed\xa0\x80"}',
], ids=["deep", "past 64", "NaN", "metadata of another type", "not UTF-8"])
def test_a_signed_body_the_bridge_cannot_read_is_acknowledged_and_logged(any_db_app, raw,
                                                                         caplog):
    meta = m.Meta(any_db_app.test_client(), WA_APP_SECRET)
    with caplog.at_level(logging.WARNING):
        response = meta.post(None, raw=raw)
    assert response.status_code == 200 and response.get_json() == {"received": True}
    assert rows(any_db_app, WhatsAppInbound) == []


def test_what_the_checks_miss_the_database_refusal_still_drops(any_db_app, monkeypatch,
                                                               caplog):
    from channels.whatsapp import inbound

    monkeypatch.setattr(inbound, "unstorable", lambda record: None)  # no checks before storing
    meta = m.Meta(any_db_app.test_client(), WA_APP_SECRET)
    bad = [m.text(PHONE, "\ud800")]
    if any_db_app.extensions["fahad"].engine.dialect.name == "postgresql":
        bad.append(m.text(PHONE, "nul \x00"))
    with caplog.at_level(logging.WARNING):
        response = meta.post(batch(*bad, m.text(PHONE, "kept")))
    assert response.status_code == 200
    assert [r.text for r in rows(any_db_app, WhatsAppInbound)] == ["kept"]
    assert caplog.text.count("the database refused it") == len(bad)
