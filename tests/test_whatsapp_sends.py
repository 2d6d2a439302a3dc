"""Each planned reply is sent at most once: the attempt is recorded ("sending") before the
Graph API call, so a worker killed mid-call, or an error after Meta took the message, never
makes another attempt send it again; its fate is "unknown" and logged instead."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import (SECRET, WA_ACCESS_TOKEN, WA_APP_SECRET, WA_VERIFY_TOKEN, make_app,
                      wait_for, whatsapp_config)
from fakes import meta as m
from fakes.meta import PHONE_ID, Meta
from bridge.db import utc_now
from channels.whatsapp.models import WhatsAppInbound, WhatsAppOutbound

ROOT = Path(__file__).resolve().parents[1]
PHONE = "15551234567"
CUSTOMERS = ("15551230001", "15551230002", "15551230003")


def outbound(app) -> list[WhatsAppOutbound]:
    with app.extensions["fahad"].sessions() as session:
        return list(session.scalars(sa.select(WhatsAppOutbound).order_by(WhatsAppOutbound.id)))


def inbound(app) -> list[WhatsAppInbound]:
    with app.extensions["fahad"].sessions() as session:
        return list(session.scalars(sa.select(WhatsAppInbound).order_by(WhatsAppInbound.id)))


def sent_key(body: dict) -> tuple[str, str]:
    """(recipient, text) of a Graph API send body."""
    if body["type"] == "text":
        return body["to"], body["text"]["body"]
    return body["to"], body["interactive"]["body"]["text"]


def sends_per_planned(app, graph) -> Counter:
    """How often the Graph API received each planned reply (1 each when all is well)."""
    sent = Counter(sent_key(b) for b in graph.sent)
    return Counter({(row.phone, row.body["text"]): sent[(row.phone, row.body["text"])]
                    for row in outbound(app)})


# -- an error after Meta took the message ---------------------------------------------------

def test_an_error_after_a_successful_send_never_sends_it_again(wa_app, meta, fake_graph,
                                                              caplog):
    fake_graph.garble(1)  # Meta takes the first reply; its answer can't be read
    with caplog.at_level(logging.WARNING, logger="channels.whatsapp"):
        meta.post(m.text(PHONE, "hoodies under $50"))
        [row] = wait_for(lambda: [r for r in inbound(wa_app) if r.status == "done"],
                         timeout=30)
    first, second = outbound(wa_app)
    assert (first.status, first.wamid) == ("unknown", None)
    assert second.status == "sent"
    assert sorted(sends_per_planned(wa_app, fake_graph).values()) == [1, 1]
    assert len(fake_graph.sent) == 2
    assert any(f"reply {first.id}" in r.getMessage() and "unknown" in r.getMessage()
               for r in caplog.records)


def test_a_send_whose_answer_never_came_is_unknown_and_not_retried(wa_app, meta, fake_graph):
    fake_graph.drop(1)  # Meta takes the first reply; the connection closes before its answer
    meta.post(m.text(PHONE, "hoodies under $50"))
    wait_for(lambda: [r for r in inbound(wa_app) if r.status == "done"], timeout=30)
    first, second = outbound(wa_app)
    assert (first.status, first.wamid) == ("unknown", None)
    assert first.error_title.startswith("Graph API call failed")
    assert second.status == "sent"
    assert len(fake_graph.sent) == 2


def test_a_refused_send_is_marked_failed_and_the_rest_still_go(wa_app, meta, fake_graph):
    from fakes.graph_api import GraphError

    fake_graph.fail(GraphError(131026, "Message undeliverable", 400))
    meta.post(m.text(PHONE, "hoodies under $50"))
    wait_for(lambda: [r for r in inbound(wa_app) if r.status == "done"], timeout=30)
    first, second = outbound(wa_app)
    assert (first.status, first.error_code) == ("failed", 131026)
    assert second.status == "sent" and second.wamid
    assert len(fake_graph.sent) == 2


def test_a_reply_left_sending_by_a_dead_worker_is_marked_unknown_not_sent(
        wa_app, meta, fake_graph):
    channel = wa_app.extensions["whatsapp"]
    channel.stop()
    meta.post(m.text(PHONE, "hoodies under $50"))
    [row] = inbound(wa_app)
    responder = channel.responder
    assert responder.process(row.id, "w1")
    first, second = outbound(wa_app)
    assert [first.status, second.status] == ["sent", "sent"]
    # Put the first reply back as a worker that died mid-call would have left it.
    with wa_app.extensions["fahad"].sessions.begin() as session:
        session.execute(sa.update(WhatsAppOutbound).where(WhatsAppOutbound.id == first.id)
                        .values(status="sending", wamid=None))
    responder.send_queued(row)
    assert outbound(wa_app)[0].status == "unknown"
    assert len(fake_graph.sent) == 2


# -- a worker process killed between send and mark ------------------------------------------

def worker_env(settings, graph_url: str, redis_url: str) -> dict:
    """The environment of a `fahad-bridge whatsapp worker` on the test's database."""
    return {**os.environ, "FAHAD_DATA_DIR": settings.data_dir, "FAHAD_BRIDGE_SECRET": SECRET,
            "FAHAD_PUBLIC_URL": settings.public_url, "FAHAD_PROVIDERS": "offline",
            "FAHAD_WHATSAPP_VERIFY_TOKEN": WA_VERIFY_TOKEN,
            "FAHAD_WHATSAPP_APP_SECRET": WA_APP_SECRET,
            "FAHAD_WHATSAPP_ACCESS_TOKEN": WA_ACCESS_TOKEN,
            "FAHAD_WHATSAPP_PHONE_NUMBER_ID": PHONE_ID, "FAHAD_WHATSAPP_API_BASE": graph_url,
            "FAHAD_WHATSAPP_RUNNER": "rq", "FAHAD_WHATSAPP_REDIS_URL": redis_url,
            "FAHAD_WHATSAPP_LEASE": "1", "PYTHONUNBUFFERED": "1"}


def worker_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from bridge.cli import main; main()", "whatsapp", "worker",
            *args]


@pytest.fixture
def rq_app(settings, fake_graph, redis_url):
    app = make_app(whatsapp_config(settings, fake_graph.url, whatsapp_runner="rq",
                                   whatsapp_redis_url=redis_url, whatsapp_lease=1))
    runner = app.extensions["whatsapp"].runner  # not started: the workers answer
    yield app
    runner.stop()
    app.extensions["fahad"].engine.dispose()


@pytest.mark.needs_redis
@pytest.mark.parametrize("killed_at", [1, 4])
def test_a_worker_killed_between_send_and_mark_leaves_exactly_one_send_per_reply(
        rq_app, settings, fake_graph, redis_url, killed_at):
    meta = Meta(rq_app.test_client(), WA_APP_SECRET)
    for phone in CUSTOMERS:
        assert meta.post(m.text(phone, "hoodies under $50")).status_code == 200
    env = worker_env(settings, fake_graph.url, redis_url)
    fake_graph.hold(killed_at)
    first = subprocess.Popen(worker_command(), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    try:
        if not fake_graph.held.wait(90):
            first.kill()
            pytest.fail("the worker never sent: " + first.communicate()[0].decode()[-2000:])
        first.send_signal(signal.SIGKILL)  # Meta has the message; the worker never hears
        first.wait(30)
    finally:
        first.kill()
        fake_graph.release()
    assert first.returncode == -signal.SIGKILL
    in_flight = len(fake_graph.sent)
    assert in_flight == killed_at

    # The dead worker's claim runs out, then a new worker answers what is left.
    wait_for(lambda: all(r.lease_until is None or r.lease_until < utc_now()
                         for r in inbound(rq_app)), timeout=10)
    time.sleep(0.1)
    second = subprocess.run(worker_command("--burst"), cwd=ROOT, env=env, timeout=120,
                            capture_output=True, text=True)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert [r.status for r in inbound(rq_app)] == ["done"] * len(CUSTOMERS)
    counts = sends_per_planned(rq_app, fake_graph)
    assert len(counts) == 2 * len(CUSTOMERS)  # a text and a product list each
    assert set(counts.values()) == {1}, counts
    assert len(fake_graph.sent) == len(counts)
    statuses = Counter(r.status for r in outbound(rq_app))
    assert statuses == {"sent": len(counts) - 1, "unknown": 1}
    unknown = next(r for r in outbound(rq_app) if r.status == "unknown")
    assert sent_key(fake_graph.sent[killed_at - 1]) == (unknown.phone, unknown.body["text"])
    assert f"reply {unknown.id}" in second.stdout + second.stderr
