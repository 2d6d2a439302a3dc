"""Exactly once across workers, hosts and restarts: the inbound row is the job, claimed by
one conditional UPDATE; leases hand a dead worker's message to another; planned replies are
sent, not re-planned. PostgreSQL and Redis tests use this machine's servers."""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conftest import make_app, wait_for, whatsapp_config
from fakes import meta as m
from fakes.meta import Meta
from bridge.db import utc_now
from bridge.models import Message
from channels.whatsapp import ledger, runner as runners
from channels.whatsapp.models import WhatsAppInbound, WhatsAppOutbound

PHONE = "15551234567"


@pytest.fixture
def apps():
    built = []
    yield built
    for app in built:
        app.extensions["fahad"].stop()
        app.extensions["whatsapp"].stop()
        app.extensions["fahad"].engine.dispose()


def start(apps, settings, graph, background=True, **changes):
    app = make_app(whatsapp_config(settings, graph.url, **changes), start=background)
    apps.append(app)
    return app, Meta(app.test_client(), "wa-app-secret")


def inbound(app):
    with app.extensions["fahad"].sessions() as session:
        return list(session.scalars(sa.select(WhatsAppInbound).order_by(WhatsAppInbound.id)))


def all_done(app, count):
    return wait_for(lambda: len([r for r in inbound(app) if r.status == "done"]) == count
                    and inbound(app), timeout=30)


def replies_per_message(app) -> Counter:
    with app.extensions["fahad"].sessions() as session:
        return Counter(session.scalars(sa.select(WhatsAppOutbound.inbound_id)
                                       .where(WhatsAppOutbound.status == "sent")))


# -- restarts ------------------------------------------------------------------------------------

def test_a_message_stored_before_a_crash_is_answered_after_restart(apps, settings, fake_graph):
    first, meta = start(apps, settings, fake_graph)
    first.extensions["whatsapp"].stop()  # the process dies right after the 200
    assert meta.post(m.text(PHONE, "hoodies under $50")).status_code == 200
    time.sleep(0.3)
    assert fake_graph.sent == [] and inbound(first)[0].status == "pending"

    second, _ = start(apps, settings, fake_graph)  # the restart
    [row] = all_done(second, 1)
    assert row.outcome == "answered"
    assert len(fake_graph.sent) == 2


def test_a_dead_workers_message_is_taken_over_when_its_lease_runs_out(apps, settings, fake_graph):
    app, _ = start(apps, settings, fake_graph)
    app.extensions["whatsapp"].stop()
    sessions = app.extensions["fahad"].sessions
    now = utc_now()
    with sessions.begin() as session:
        session.add_all([
            WhatsAppInbound(wamid="wamid.DEAD", phone=PHONE, kind="text", text="hi",
                            sent_at=now, status="working", worker="host:1:dead",
                            lease_until=now - timedelta(seconds=1), attempts=1),
            WhatsAppInbound(wamid="wamid.BUSY", phone="447700900123", kind="text",
                            text="hi", sent_at=now, status="working", worker="host:2:alive",
                            lease_until=now + timedelta(seconds=300), attempts=1)])
    restarted, _ = start(apps, settings, fake_graph)
    wait_for(lambda: inbound(restarted)[0].status == "done")
    time.sleep(0.5)
    dead, busy = inbound(restarted)
    assert (dead.outcome, dead.attempts) == ("answered", 2)
    assert busy.status == "working"  # its worker still holds it
    assert {b["to"] for b in fake_graph.sent} == {PHONE}


def test_replies_planned_before_a_crash_are_sent_without_answering_again(apps, settings,
                                                                       fake_graph):
    app, meta = start(apps, settings, fake_graph)
    channel = app.extensions["whatsapp"]
    channel.stop()
    meta.post(m.text(PHONE, "hoodies under $50"))
    [row] = inbound(app)
    responder = channel.responder
    # Plan and store the answer, then "crash" before sending anything.
    assert ledger.claim(responder.sessions, row.id, "crashing", 300)
    outcome, planned = channel.policy.plan(row)
    ledger.queue_replies(responder.sessions, row, outcome, planned)
    with app.extensions["fahad"].sessions.begin() as session:
        session.execute(sa.update(WhatsAppInbound).values(lease_until=utc_now()))
        turns = session.scalar(sa.select(sa.func.count()).select_from(Message))
    assert fake_graph.sent == [] and len(planned) == 2

    restarted, _ = start(apps, settings, fake_graph)
    all_done(restarted, 1)
    assert [b["type"] for b in fake_graph.sent] == ["text", "interactive"]
    assert fake_graph.sent[0]["text"]["body"] == planned[0].text
    with restarted.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Message)) == turns


def test_a_customers_messages_are_answered_in_order(apps, settings, fake_graph):
    app, meta = start(apps, settings, fake_graph, whatsapp_workers=4)
    app.extensions["whatsapp"].stop()
    for n in range(6):
        meta.post(m.text(PHONE, f"message {n}"))
    responder = app.extensions["whatsapp"].responder
    ids = [r.id for r in inbound(app)]
    # A later message can't be claimed while an earlier one of the same customer waits.
    assert not ledger.claim(responder.sessions, ids[1], "w", 300)
    assert ledger.claim(responder.sessions, ids[0], "w", 300)
    assert not ledger.claim(responder.sessions, ids[1], "w2", 300)


# -- two workers, two hosts: PostgreSQL ----------------------------------------------------

@pytest.mark.needs_postgres
def test_two_workers_racing_on_one_delivery_send_one_reply(apps, settings, fake_graph,
                                                          postgres_url):
    first, meta = start(apps, settings, fake_graph, database_url=postgres_url)
    second, _ = start(apps, settings, fake_graph, database_url=postgres_url)
    for app in (first, second):
        app.extensions["whatsapp"].stop()
    for n in range(12):
        meta.post(m.text(f"1555000{n:04d}", "hoodies under $50"))
    ids = [r.id for r in inbound(first)]
    responders = [a.extensions["whatsapp"].responder for a in (first, second)]
    barrier = threading.Barrier(4)
    claimed = Counter()

    def race(responder, name):
        barrier.wait()
        for inbound_id in ids:
            if responder.process(inbound_id, name):
                claimed[name] += 1

    threads = [threading.Thread(target=race, args=(r, f"{i}-{n}"))
               for i, r in enumerate(responders) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(claimed.values()) == 12
    assert all(r.status == "done" and r.attempts == 1 for r in inbound(first))
    assert sorted(replies_per_message(first).values()) == [2] * 12
    assert len(fake_graph.sent) == 24


@pytest.mark.needs_postgres
def test_two_hosts_with_live_workers_answer_every_retry_once(apps, settings, fake_graph,
                                                            postgres_url):
    first, meta_a = start(apps, settings, fake_graph, database_url=postgres_url)
    second, meta_b = start(apps, settings, fake_graph, database_url=postgres_url)
    payloads = [m.text(f"1555100{n:04d}", "socks", id=f"wamid.H{n}") for n in range(10)]
    payloads += [m.text("15559990000", f"and hoodies {n}", id=f"wamid.S{n}") for n in range(3)]
    deliveries = [(meta, p) for p in payloads for meta in (meta_a, meta_b, meta_a)]
    threads = [threading.Thread(target=meta.post, args=(p,)) for meta, p in deliveries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    all_done(first, 13)
    time.sleep(0.5)
    counts = replies_per_message(first)
    assert len(inbound(first)) == 13 and len(counts) == 13  # every message answered
    assert len(fake_graph.sent) == sum(counts.values())  # and nothing sent beyond its plan
    texts = Counter(b["to"] for b in fake_graph.sent if b["type"] == "text")
    assert texts["15559990000"] == 3  # its three messages, one text answer each
    assert all(texts[f"1555100{n:04d}"] == 1 for n in range(10))
    assert all(r.attempts == 1 for r in inbound(first))


# -- the Redis queue (RQ) ---------------------------------------------------------------------

@pytest.mark.needs_redis
def test_the_rq_runner_answers_queued_messages_once(apps, settings, fake_graph, redis_url):
    from rq import SimpleWorker

    # No background sweep: this test queues by hand.
    app, meta = start(apps, settings, fake_graph, background=False, whatsapp_runner="rq",
                      whatsapp_redis_url=redis_url)
    channel = app.extensions["whatsapp"]
    payload = m.text(PHONE, "hoodies under $50")
    for _ in range(3):
        meta.post(payload)  # Meta's retries: stored once, queued once
    meta.post(m.text("447700900123", "socks"))
    assert channel.runner.queue.count == 2
    assert channel.runner.recover() == 2  # a restart queues both again
    assert fake_graph.sent == []  # nothing runs in the web process

    runners.CURRENT.update(responder=channel.responder, name="rq-test")
    SimpleWorker([channel.runner.queue], connection=channel.runner.connection).work(burst=True)
    assert [r.status for r in inbound(app)] == ["done", "done"]
    assert Counter(b["to"] for b in fake_graph.sent) == {PHONE: 2, "447700900123": 2}


@pytest.mark.needs_redis
def test_a_message_whose_job_could_not_be_queued_is_swept_up(apps, settings, fake_graph,
                                                            redis_url, monkeypatch):
    import redis
    from rq import SimpleWorker

    app, meta = start(apps, settings, fake_graph, background=False, whatsapp_runner="rq",
                      whatsapp_redis_url=redis_url)
    runner = app.extensions["whatsapp"].runner

    def redis_down(*args, **kwargs):
        raise redis.ConnectionError("Redis is restarting")

    with monkeypatch.context() as patch:
        patch.setattr(runner.queue, "enqueue", redis_down)
        assert meta.post(m.text(PHONE, "hoodies")).status_code == 200  # stored all the same
    assert runner.queue.count == 0 and inbound(app)[0].status == "pending"
    assert runner.recover(older_than=runner.SWEEP_AFTER) == 0  # too recent for the sweep
    assert runner.recover(older_than=0) == 1
    runners.CURRENT.update(responder=app.extensions["whatsapp"].responder, name="rq-test")
    SimpleWorker([runner.queue], connection=runner.connection).work(burst=True)
    assert inbound(app)[0].status == "done" and len(fake_graph.sent) >= 1


@pytest.mark.needs_redis
def test_with_rq_a_customers_later_message_is_queued_again_when_its_turn_comes(
        apps, settings, fake_graph, redis_url):
    from rq import SimpleWorker

    app, meta = start(apps, settings, fake_graph, background=False, whatsapp_runner="rq",
                      whatsapp_redis_url=redis_url)
    channel = app.extensions["whatsapp"]
    meta.post(m.text(PHONE, "hoodies"))
    meta.post(m.text(PHONE, "socks"))
    first, second = inbound(app)
    # The second message's job runs first (another worker holds the first): nothing to do.
    assert ledger.claim(channel.responder.sessions, first.id, "elsewhere", 300)
    runners.CURRENT.update(responder=channel.responder, runner=channel.runner, name="rq-test")
    assert runners.answer(second.id) is False
    ledger.release_claim(channel.responder.sessions, first.id, "elsewhere")
    channel.runner.queue.empty()
    channel.runner.submit(first.id)
    SimpleWorker([channel.runner.queue], connection=channel.runner.connection).work(burst=True)
    assert [r.status for r in inbound(app)] == ["done", "done"]
