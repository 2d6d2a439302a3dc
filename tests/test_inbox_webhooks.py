"""Telling the store (issue 17): signed outbound webhooks, verified by a receiver in the test,
retried with backoff, with a delivery log in the inbox; and retention."""
from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bridge.db import utc_now
from bridge.inbox.retention import delete_idle
from bridge.models import Conversation, Message, WebhookDelivery
from bridge.notify import signature, verify
from bridge.notify.worker import WebhookWorker
from bridge.routes import NAMESPACE
from bridge.settings import SettingsError
from conftest import Shopper, make_app, wait_for

SECRET_A = "receiver-a-secret-0123"
SECRET_B = "receiver-b-secret-4567"
ADMIN = {"Authorization": "Bearer tok"}


class Receiver:
    """A loopback webhook endpoint that checks each delivery's signature as a store would."""

    def __init__(self, secret: str):
        self.secret = secret
        self.received: list[dict] = []
        self.statuses: list[int] = []  # answers to give, in order; then 200
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @Request.application
    def _app(self, request: Request) -> Response:
        body = request.get_data()
        self.received.append({"body": json.loads(body), "headers": dict(request.headers),
                              "valid": verify(self.secret, body,
                                              request.headers.get("Fahad-Signature", ""))})
        return Response("ok", status=self.statuses.pop(0) if self.statuses else 200)

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def receivers():
    made = [Receiver(SECRET_A), Receiver(SECRET_B)]
    yield made
    for receiver in made:
        receiver.stop()


@pytest.fixture
def hooked(settings, receivers):
    a, b = receivers
    app = make_app(settings.replace(admin_token="tok", providers=("offline",),
                                    webhook_poll_interval=0.05, webhooks={
        "crm": {"url": a.url, "secret": SECRET_A},
        "pager": {"url": b.url, "secret": SECRET_B, "events": ["conversation.escalated"]}}),
        start=True)
    yield app
    app.extensions["fahad"].stop()
    app.extensions["fahad"].engine.dispose()


def test_each_event_reaches_its_endpoints_signed_with_their_own_secret(hooked, receivers):
    a, b = receivers
    client = hooked.test_client()
    shopper = Shopper(client)
    shopper.say("talk to a human please", conversation_ref="hook-ref-01")
    shopper.post("/feedback", {"rating": "down", "reason": "slow"})
    listing = client.get(NAMESPACE + "/admin/conversations", headers=ADMIN).get_json()
    conversation_id = listing["conversations"][0]["id"]
    client.post(NAMESPACE + "/admin/conversation/resolve", headers=ADMIN,
                json={"id": conversation_id, "summary": "sorted", "csat": 4})
    shopper.cart("add", product_id=101, quantity=1)
    wait_for(lambda: len(a.received) >= 4 and len(b.received) >= 1)
    assert all(r["valid"] for r in a.received + b.received)
    kinds = sorted(r["body"]["type"] for r in a.received)
    assert kinds == ["cart.updated", "conversation.escalated", "conversation.resolved",
                     "feedback.created"]
    assert [r["body"]["type"] for r in b.received] == ["conversation.escalated"]
    escalated = next(r for r in a.received if r["body"]["type"] == "conversation.escalated")
    assert escalated["body"]["data"]["conversation_id"] == conversation_id
    assert escalated["body"]["data"]["handoff_ref"].startswith("H-")
    assert escalated["headers"]["Fahad-Event"] == "conversation.escalated"
    # One event, one id, whichever endpoint it went to.
    assert escalated["body"]["id"] == b.received[0]["body"]["id"]
    # The other endpoint's secret doesn't verify it: secrets are per endpoint.
    raw = json.dumps(escalated["body"], separators=(",", ":")).encode()
    assert not verify(SECRET_B, raw, escalated["headers"]["Fahad-Signature"])
    def delivered():  # the receiver answered; the worker records it just after
        log = client.get(NAMESPACE + "/admin/webhook-deliveries?status=delivered",
                         headers=ADMIN).get_json()
        return log if log["total"] == 5 else None
    log = wait_for(delivered)
    assert {d["endpoint"] for d in log["deliveries"]} == {"crm", "pager"}


def test_the_signature_is_the_documented_hmac_and_refuses_replays():
    body = b'{"id":"evt_1"}'
    header = signature("s" * 16, body, timestamp=1_700_000_000)
    import hashlib
    import hmac
    expected = hmac.new(b"s" * 16, b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert verify("s" * 16, body, header, now=1_700_000_100)
    assert not verify("s" * 16, body, header, now=1_700_001_000)  # too old
    assert not verify("s" * 16, body + b" ", header, now=1_700_000_100)
    assert not verify("s" * 16, body, "t=x,v1=00", now=1_700_000_100)


def test_a_failing_endpoint_is_retried_with_backoff_then_marked_failed(settings, receivers):
    a, _ = receivers
    a.statuses = [500, 503]  # two failures, then it answers 200
    app = make_app(settings.replace(webhooks={"crm": {"url": a.url, "secret": SECRET_A}}))
    core = app.extensions["fahad"]
    try:
        Shopper(app.test_client()).post("/feedback", {"rating": "up"})
        worker = WebhookWorker(core.sessions, core.settings, backoff=(60, 60))
        assert worker.drain() == 1  # 500: the next attempt waits its backoff
        assert worker.drain() == 0
        with core.sessions.begin() as session:
            row = session.scalar(sa.select(WebhookDelivery))
            assert row.status == "pending" and row.attempts == 1 and row.response_status == 500
            assert row.next_attempt_at > utc_now() + timedelta(seconds=50)
            row.next_attempt_at = utc_now()  # as if the minute had passed
        assert worker.drain() == 1
        with core.sessions.begin() as session:
            session.scalar(sa.select(WebhookDelivery)).next_attempt_at = utc_now()
        assert worker.drain() == 1
        with core.sessions() as session:
            row = session.scalar(sa.select(WebhookDelivery))
            assert row.status == "delivered" and row.attempts == 3 and row.delivered_at
        a.statuses = [500] * 3
        Shopper(app.test_client()).post("/feedback", {"rating": "down"})
        quick = WebhookWorker(core.sessions, core.settings, backoff=(0, 0))
        for _ in range(3):
            quick.drain()
        with core.sessions() as session:
            last = session.scalars(sa.select(WebhookDelivery)
                                   .order_by(WebhookDelivery.id)).all()[-1]
            assert last.status == "failed" and last.attempts == 3 and last.error == "HTTP 500"
    finally:
        core.engine.dispose()


def test_an_unreachable_endpoint_is_logged_not_raised(settings):
    app = make_app(settings.replace(webhooks={"gone": {"url": "http://127.0.0.1:9/x",
                                                       "secret": SECRET_A}}))
    core = app.extensions["fahad"]
    try:
        Shopper(app.test_client()).post("/feedback", {"rating": "up"})
        WebhookWorker(core.sessions, core.settings).drain()
        with core.sessions() as session:
            row = session.scalar(sa.select(WebhookDelivery))
            assert row.status == "pending" and row.error == "ConnectionError"
    finally:
        core.engine.dispose()


@pytest.mark.parametrize("webhooks", [
    {"a": {"url": "ftp://x", "secret": SECRET_A}},
    {"a": {"url": "https://x", "secret": "short"}},
    {"a": {"url": "https://x", "secret": SECRET_A, "events": ["order.created"]}},
    {"bad name!": {"url": "https://x", "secret": SECRET_A}},
])
def test_bad_webhook_settings_are_refused(settings, webhooks):
    with pytest.raises(SettingsError):
        settings.replace(webhooks=webhooks)


def test_webhook_secrets_stay_out_of_repr_and_logs(settings):
    from bridge.redact import secrets_of
    configured = settings.replace(webhooks={"a": {"url": "https://x", "secret": SECRET_A}})
    assert SECRET_A not in repr(configured)
    assert SECRET_A in secrets_of(configured)


def test_idle_conversations_are_deleted_with_their_messages(app):
    core = app.extensions["fahad"]
    Shopper(app.test_client()).say("socks", conversation_ref="old-ref-0001")
    Shopper(app.test_client()).say("hats", conversation_ref="new-ref-0001")
    with core.sessions.begin() as session:
        old = session.scalar(sa.select(Conversation)
                             .where(Conversation.client_ref == "old-ref-0001"))
        old.updated_at = utc_now() - timedelta(days=31)
        old_id = old.id
    assert delete_idle(core.sessions, 30) == 1
    with core.sessions() as session:
        assert session.get(Conversation, old_id) is None
        assert not session.scalars(sa.select(Message)
                                   .where(Message.conversation_id == old_id)).all()
        assert session.scalar(sa.select(sa.func.count()).select_from(Conversation)) == 1
    assert delete_idle(core.sessions, 30) == 0


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def test_two_workers_send_each_delivery_once(settings, receivers, shared_url, tmp_path):
    """Two bridge processes' webhook workers drain one queue at once: every event reaches
    the endpoint exactly once."""
    a, _ = receivers
    hooks = {"crm": {"url": a.url, "secret": SECRET_A, "events": ["feedback.created"]}}
    apps = [make_app(settings.replace(database_url=shared_url, webhooks=hooks,
                                      rate_limit=1000, data_dir=str(tmp_path / f"w{n}")))
            for n in range(2)]
    try:
        shopper = Shopper(apps[0].test_client())
        for n in range(30):
            shopper.post("/feedback", {"rating": "up", "reason": f"r{n}"})
        cores = [app.extensions["fahad"] for app in apps]
        workers = [WebhookWorker(core.sessions, core.settings) for core in cores]
        threads = [threading.Thread(target=w.drain) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        reasons = sorted(r["body"]["data"]["reason"] for r in a.received)
        assert reasons == sorted(f"r{n}" for n in range(30))  # none twice, none lost
        with apps[1].extensions["fahad"].sessions() as session:
            rows = session.scalars(sa.select(WebhookDelivery)).all()
            assert {r.status for r in rows} == {"delivered"} and {r.attempts for r in rows} == {1}
    finally:
        for app in apps:
            app.extensions["fahad"].engine.dispose()
