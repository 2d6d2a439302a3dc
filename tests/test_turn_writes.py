"""A turn's one write: the conversation's memory lives on its row, read once and written by
the turn's save; the daily cap is counted (a write of its own) only while a cap is set."""
import json

import pytest
import sqlalchemy as sa
from alembic import command

from bridge import db
from bridge.agent import history
from bridge.models import Conversation, DailyUsage, Message
from bridge.settings import Settings
from conftest import SECRET, Shopper, make_app


def commits(app):
    """Count the database commits (write transactions) made while the test runs."""
    engine = app.extensions["fahad"].engine
    counted = []
    sa.event.listen(engine, "commit", lambda connection: counted.append(1))
    return counted


def exchange(shopper, *texts):
    ref, transcript, bodies = None, [], []
    for text in texts:
        body = shopper.say(text, list(transcript), ref).get_json()
        transcript += [{"role": "user", "content": text},
                       {"role": "assistant", "content": body["message"]}]
        ref = body["conversation_ref"]
        bodies.append(body)
    return ref, bodies


def test_a_turn_without_a_cap_writes_once_and_counts_nothing(app, shopper):
    ref, _ = exchange(shopper, "hoodies under $50")
    counted = commits(app)
    exchange_ref = shopper.say("compare the first two", conversation_ref=ref).get_json()
    assert exchange_ref["conversation_ref"] == ref
    assert len(counted) == 1
    with app.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DailyUsage)) == 0


def test_with_a_cap_the_reservation_is_the_only_other_write(settings):
    app = make_app(settings.replace(daily_cap=5))
    shopper = Shopper(app.test_client())
    ref, _ = exchange(shopper, "hoodies")
    counted = commits(app)
    shopper.say("socks", conversation_ref=ref)
    assert len(counted) == 2
    with app.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(DailyUsage.turns)) == 2


def test_the_memory_is_kept_on_the_conversation_row(app, shopper):
    ref, (first, second) = exchange(shopper, "hoodies under $50", "tell me about the second one")
    shown = [c["id"] for c in first["cards"]]
    with app.extensions["fahad"].sessions() as session:
        memory = session.get(Conversation, ref).memory
    assert memory["shown"] == shown
    assert memory["focus"] == shown[1] == second["cards"][0]["id"]
    assert memory["seen"] == shown  # the focus was one of them: each id once, newest first


def test_a_turn_reads_the_memory_from_the_row_not_the_messages(app, shopper):
    ref, (first,) = exchange(shopper, "hoodies under $50")
    shown = [c["id"] for c in first["cards"]]
    with app.extensions["fahad"].sessions.begin() as session:
        # Messages that say otherwise are not read: the row is the memory.
        session.execute(sa.update(Message).values(product_ids=[], focus_id=None))
        session.get(Conversation, ref).memory = {"shown": shown[::-1], "focus": None,
                                                 "seen": shown[::-1]}
    second = shopper.say("compare the first two", conversation_ref=ref).get_json()
    assert [c["id"] for c in second["cards"]] == shown[::-1][:2]


@pytest.mark.parametrize("stored", [None, [], "x", {"shown": "1", "focus": "2", "seen": [1, "a", True]}])
def test_a_missing_or_malformed_memory_counts_as_empty(app, shopper, stored):
    ref, _ = exchange(shopper, "hi")
    with app.extensions["fahad"].sessions.begin() as session:
        session.get(Conversation, ref).memory = stored
    body = shopper.say("compare the first two", conversation_ref=ref)
    assert body.status_code == 200 and body.get_json()["conversation_ref"] == ref
    assert history.remembered(stored)["shown"] == []
    assert history.remembered(stored)["focus"] is None


def test_seen_keeps_the_newest_products_and_each_once():
    memory = {"seen": list(range(1, history.SEEN_MAX + 1))}
    after = history.updated(memory, [500, 3], 7)
    assert after["shown"] == [500, 3] and after["focus"] == 7
    assert after["seen"][:4] == [500, 3, 7, 1]
    assert len(after["seen"]) == history.SEEN_MAX and len(set(after["seen"])) == history.SEEN_MAX


def test_a_conversation_deleted_while_its_turn_ran_is_saved_again(app, shopper, monkeypatch):
    ref, _ = exchange(shopper, "hoodies")
    agent = app.extensions["fahad"].agent
    recall = agent._recall

    def recall_then_delete(given):
        found = recall(given)
        with agent.sessions.begin() as session:
            session.delete(session.get(Conversation, ref))
        return found
    monkeypatch.setattr(agent, "_recall", recall_then_delete)
    assert shopper.say("socks", conversation_ref=ref).get_json()["conversation_ref"] == ref
    with agent.sessions() as session:
        assert [m.content for m in session.get(Conversation, ref).messages][0] == "socks"


def test_the_migration_fills_the_memory_from_existing_messages(tmp_path):
    settings = Settings(data_dir=str(tmp_path), bridge_secret=SECRET)
    engine = db.make_engine(settings)
    config = db.alembic_config(engine)
    command.upgrade(config, "0003")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO conversations (id, channel, created_at, updated_at) VALUES "
            "('cv_a', 'storefront', '2026-01-01', '2026-01-01'), "
            "('cv_b', 'storefront', '2026-01-01', '2026-01-01')"))
        for i, (role, ids, focus) in enumerate([("user", "[]", None), ("assistant", "[1, 2]", None),
                                                ("assistant", "[3, 1]", 2)]):
            connection.execute(sa.text(
                "INSERT INTO messages (ref, conversation_id, role, content, product_ids, "
                "focus_id, created_at) VALUES (:ref, 'cv_a', :role, 'x', :ids, :focus, "
                "'2026-01-01')"), {"ref": f"msg_{i}", "role": role, "ids": ids, "focus": focus})
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = dict(connection.execute(sa.text("SELECT id, memory FROM conversations")).all())
    engine.dispose()
    assert rows["cv_b"] is None
    assert history.remembered(json.loads(rows["cv_a"])) == {
        "shown": [3, 1], "focus": 2, "seen": [3, 1, 2]}
