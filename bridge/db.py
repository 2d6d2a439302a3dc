"""The bridge's own database: the declarative ``Base``, the engine, and Alembic migrations.

``make_engine(settings)`` opens the configured database (the core makes its session factory
from it); ``upgrade(engine)`` and ``migrate(settings)`` bring the schema to head;
``insert(session, objects)`` writes new rows past the unit of work; ``insert_one`` one row
in a transaction of its own, on PostgreSQL in one autocommitted round trip.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored as naive UTC and read back timezone-aware, on every backend."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("timestamps must be timezone-aware")
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


def insert(session: Session, objects: Iterable[Base]) -> None:
    """Insert new mapped objects in the session's transaction, one INSERT per table and set
    of columns, in order, without the unit of work: they stay transient (their generated
    ids unread), so only for rows nothing reads back. A chat turn's save of its messages
    and analytics took twice the CPU through ``session.add_all`` and the flush."""
    batches: dict[tuple, list[dict]] = {}
    for obj in objects:
        state = obj.__dict__
        row = {column.key: state[key] for key, column in _columns(type(obj)) if key in state}
        batches.setdefault((obj.__table__, tuple(row)), []).append(row)
    for (table, _), rows in batches.items():
        session.execute(table.insert(), rows)


def insert_one(sessions: sessionmaker, table: sa.Table, row: dict) -> int:
    """Insert one row in a transaction of its own; its id. On PostgreSQL this is one
    autocommitted round trip (no BEGIN or COMMIT of its own), whose commit still waits for the
    disk: a WhatsApp delivery acknowledged to Meta is never redelivered, so it must survive a
    crash of the database server too. (Not waiting for the flush took 4.3 ms median against
    9.1 on a busy PostgreSQL, at the cost of up to three wal_writer_delays of such rows on a
    server crash; the team chose durability.)"""
    bind = sessions.kw.get("bind")
    if bind is None or bind.dialect.name != "postgresql":
        with sessions.begin() as session:
            return session.execute(table.insert().values(**row)).inserted_primary_key[0]
    values = sa.select(*(sa.literal(value, table.c[key].type) for key, value in row.items()))
    statement = table.insert().from_select(list(row), values)
    with bind.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        return connection.execute(statement.returning(table.c.id)).scalar_one()


@lru_cache(maxsize=None)
def _columns(mapped: type) -> tuple[tuple[str, sa.Column], ...]:
    """A mapped class's attribute names with their columns."""
    return tuple((attr.key, attr.columns[0]) for attr in sa.inspect(mapped).column_attrs)


def make_engine(settings: Settings) -> sa.Engine:
    """An engine for the configured database; SQLite gets WAL and a busy timeout."""
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        settings.data_path.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, not
    # tear them. FULL would add an fsync to every chat turn.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine) -> None:
    """Apply every migration not yet applied."""
    command.upgrade(alembic_config(engine), "head")


def migrate(settings: Settings) -> None:
    """Bring the configured database up to date, on an engine of its own."""
    engine = make_engine(settings)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
