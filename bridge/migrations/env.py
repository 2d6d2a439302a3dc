"""Alembic environment: runs migrations on the engine the bridge hands over."""
from alembic import context

from bridge import app  # noqa: F401  (the composition root imports every table: the
#                       bridge's and each channel's register on Base.metadata)
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
