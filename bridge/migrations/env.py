"""Alembic environment: runs migrations on the engine the bridge hands over."""
from alembic import context

from bridge import models  # noqa: F401  (registers the tables on Base.metadata)
from bridge.db import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
