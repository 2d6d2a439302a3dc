"""The inbox on WhatsApp (issue 17): the `human` keyword escalates the customer's
conversation, the customer's words wait for the person, the person's reply goes out through
the Graph API inside the 24-hour window (and is kept, unsent, outside it), and a hand back
from the inbox brings the assistant back."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bridge.db import utc_now
from bridge.routes import NAMESPACE
from channels.whatsapp.models import WhatsAppContact, WhatsAppInbound, WhatsAppOutbound
from conftest import make_app, wait_for, whatsapp_config
from fakes import meta as m
from fakes.meta import Meta

PHONE = "15551234567"
ADMIN = {"Authorization": "Bearer tok"}


def settled(app, count):
    def done():
        with app.extensions["fahad"].sessions() as session:
            rows = session.scalars(sa.select(WhatsAppInbound)
                                   .where(WhatsAppInbound.status.in_(("done", "failed")))).all()
        return rows if len(rows) >= count else None
    return wait_for(done, 15)


def start(settings, fake_graph):
    app = make_app(whatsapp_config(settings, fake_graph.url, admin_token="tok"), start=True)
    return app, Meta(app.test_client(), "wa-app-secret")


def stop(app):
    app.extensions["fahad"].stop()
    app.extensions["whatsapp"].stop()
    app.extensions["fahad"].engine.dispose()


def test_a_person_answers_a_whatsapp_customer_from_the_inbox(settings, fake_graph):
    app, meta = start(settings, fake_graph)
    client = app.test_client()
    try:
        meta.post(m.text(PHONE, "hoodies under $50"))
        meta.post(m.text(PHONE, "human"))
        meta.post(m.text(PHONE, "my parcel never came"))
        settled(app, 3)
        told = fake_graph.texts()[-1]
        listing = client.get(NAMESPACE + "/admin/conversations?channel=whatsapp&status=escalated",
                             headers=ADMIN).get_json()
        [found] = listing["conversations"]
        assert found["handoff_ref"] in told and found["customer"]["phone"] == PHONE
        view = client.get(NAMESPACE + f"/admin/conversation?id={found['id']}",
                          headers=ADMIN).get_json()
        assert view["messages"][-1]["content"] == "my parcel never came"  # kept for the person
        sent_before = len(fake_graph.sent)
        replied = client.post(NAMESPACE + "/admin/conversation/reply", headers=ADMIN,
                              json={"id": found["id"], "text": "Sorry! Checking it now."})
        assert replied.get_json()["delivery"] == "sent"
        assert fake_graph.texts()[-1] == "Sorry! Checking it now."
        assert len(fake_graph.sent) == sent_before + 1
        # Back to the assistant from the inbox: the customer is answered again.
        client.post(NAMESPACE + "/admin/conversation/hand-back", headers=ADMIN,
                    json={"id": found["id"]})
        meta.post(m.text(PHONE, "socks"))
        settled(app, 4)
        with app.extensions["fahad"].sessions() as session:
            assert session.get(WhatsAppContact, PHONE).handoff_at is None
            last = session.scalars(sa.select(WhatsAppInbound)
                                   .order_by(WhatsAppInbound.id)).all()[-1]
            assert last.outcome == "answered"
    finally:
        stop(app)


def test_outside_the_24_hour_window_the_reply_is_kept_and_not_sent(settings, fake_graph):
    app, meta = start(settings, fake_graph)
    client = app.test_client()
    try:
        meta.post(m.text(PHONE, "human"))
        settled(app, 1)
        with app.extensions["fahad"].sessions.begin() as session:
            for row in session.scalars(sa.select(WhatsAppInbound)):
                row.sent_at = utc_now() - timedelta(hours=25)
        conversation_id = client.get(NAMESPACE + "/admin/conversations",
                                     headers=ADMIN).get_json()["conversations"][0]["id"]
        sent_before = len(fake_graph.sent)
        replied = client.post(NAMESPACE + "/admin/conversation/reply", headers=ADMIN,
                              json={"id": conversation_id, "text": "Are you still there?"})
        assert replied.status_code == 200 and replied.get_json()["delivery"] == "window_closed"
        assert len(fake_graph.sent) == sent_before
        with app.extensions["fahad"].sessions() as session:
            kept = session.scalars(sa.select(WhatsAppOutbound)
                                   .where(WhatsAppOutbound.inbound_id.is_(None))).all()
            assert [r.status for r in kept] == ["skipped"]
    finally:
        stop(app)


def test_erasing_a_whatsapp_conversation_erases_the_customer_here(settings, fake_graph):
    from channels.whatsapp.models import WhatsAppStatus
    from channels.whatsapp.retention import delete_older
    app, meta = start(settings, fake_graph)
    client = app.test_client()
    try:
        meta.post(m.text("15550000001", "hoodies"))
        meta.post(m.text(PHONE, "hoodies under $50"))
        settled(app, 2)
        mine = client.get(NAMESPACE + "/admin/conversations", headers=ADMIN).get_json()
        [conversation_id] = [c["id"] for c in mine["conversations"]
                             if c["customer"].get("phone") == PHONE]
        assert client.post(NAMESPACE + "/admin/conversation/erase", headers=ADMIN,
                           json={"id": conversation_id}).get_json() == {"erased": True}
        sessions = app.extensions["fahad"].sessions
        with sessions() as session:
            for table, column in ((WhatsAppInbound, WhatsAppInbound.phone),
                                  (WhatsAppOutbound, WhatsAppOutbound.phone),
                                  (WhatsAppStatus, WhatsAppStatus.recipient)):
                assert not session.scalars(sa.select(table).where(column == PHONE)).all()
            assert session.get(WhatsAppContact, PHONE) is None
            assert session.get(WhatsAppContact, "15550000001") is not None  # the other stays
        # Retention: the other customer's answered messages, once old, go too.
        with sessions.begin() as session:
            for row in session.scalars(sa.select(WhatsAppInbound)):
                row.received_at = utc_now() - timedelta(days=40)
        assert delete_older(sessions, 30) > 0
        with sessions() as session:
            assert not session.scalars(sa.select(WhatsAppInbound)).all()
    finally:
        stop(app)
