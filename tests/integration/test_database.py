"""The schema and the state on both databases the bridge supports: SQLite and PostgreSQL."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import sessionmaker

from bridge import db, models
from bridge.settings import Settings
from bridge.usage import reserve_turn
from conftest import SECRET, Shopper, make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bridge.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url, tmp_path):
    engine = db.make_engine(Settings(data_dir=str(tmp_path), database_url=database_url))
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_the_migrations_build_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, db.Base.metadata) == []


def test_upgrading_twice_changes_nothing_and_lands_on_the_head(engine):
    from alembic.script import ScriptDirectory
    db.upgrade(engine)
    with engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert version == ScriptDirectory.from_config(db.alembic_config(engine)).get_current_head()


def test_timestamps_come_back_timezone_aware_in_utc(engine):
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        session.add(models.Feedback(id="fb_1", rating="up"))
    with sessions() as session:
        row = session.get(models.Feedback, "fb_1")
        assert row.created_at.tzinfo is not None and row.created_at.utcoffset().total_seconds() == 0


def test_deleting_a_conversation_deletes_its_messages(engine):
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        conversation = models.Conversation(id="cv_1", channel="storefront")
        conversation.messages.append(models.Message(ref="msg_1", role="user", content="hi",
                                                    product_ids=[1, 2]))
        session.add(conversation)
    with sessions.begin() as session:
        session.delete(session.get(models.Conversation, "cv_1"))
    with sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(models.Message)) == 0


def test_racing_workers_never_pass_the_daily_cap(engine):
    sessions = sessionmaker(engine)

    def reserve(_):
        with sessions() as session:
            return reserve_turn(session, cap=10)
    with ThreadPoolExecutor(8) as pool:
        granted = list(pool.map(reserve, range(40)))
    assert granted.count(True) == 10
    with sessions() as session:
        assert session.scalar(sa.select(models.DailyUsage.turns)) == 10


def test_the_storefront_works_on_this_database(database_url, tmp_path):
    app = make_app(Settings(data_dir=str(tmp_path), bridge_secret=SECRET,
                            database_url=database_url, public_url="http://shop.test"))
    try:
        shopper = Shopper(app.test_client())
        first = shopper.say("hoodies under $50").get_json()
        history = [{"role": "user", "content": "hoodies under $50"},
                   {"role": "assistant", "content": first["message"]}]
        second = shopper.say("compare the first two", history,
                             first["conversation_ref"]).get_json()
        assert len(second["comparison"]) > 0
        product = next(p for p in app.extensions["fahad"].store.products().items
                       if p.type == "simple" and p.in_stock)
        assert shopper.cart("add", product_id=product.id).get_json()["item_count"] == 1
        assert shopper.post("/feedback", {"rating": "up"}).status_code == 200
    finally:
        app.extensions["fahad"].engine.dispose()


def test_concurrent_adds_to_one_cart_all_count(database_url, tmp_path):
    from bridge.store.demo import DemoStore
    engine = db.make_engine(Settings(data_dir=str(tmp_path), database_url=database_url))
    db.upgrade(engine)
    store = DemoStore("http://shop.test", sessionmaker(engine, expire_on_commit=False))
    product = next(p for p in store.products().items if p.type == "simple" and p.in_stock
                   and (p.stock_quantity is None or p.stock_quantity >= 30))
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda _: store.add_to_cart("shared", product.id, 1), range(30)))
    assert store.cart("shared").item_count == 30
    engine.dispose()
