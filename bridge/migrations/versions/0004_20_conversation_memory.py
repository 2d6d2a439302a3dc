"""the conversation's memory on its row (issue 20)

Revision ID: 0004
Revises: 0003

Fills ``conversations.memory`` from the messages of the conversations that already exist,
as bridge.agent.history.recall used to read them, so no conversation forgets what it showed.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SEEN_MAX = 200  # bridge.agent.history.SEEN_MAX when this was written


def upgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('memory', sa.JSON(), nullable=True))
    connection = op.get_bind()
    conversations = sa.table('conversations', sa.column('id', sa.String),
                             sa.column('memory', sa.JSON))
    messages = sa.table('messages', sa.column('id', sa.Integer),
                        sa.column('conversation_id', sa.String), sa.column('role', sa.String),
                        sa.column('product_ids', sa.JSON), sa.column('focus_id', sa.Integer))
    rows = connection.execute(
        sa.select(messages.c.conversation_id, messages.c.product_ids, messages.c.focus_id)
        .where(messages.c.role == 'assistant')
        .order_by(messages.c.conversation_id, messages.c.id.desc()))
    memories: dict[str, dict] = {}
    for ref, ids, focus in rows:
        memory = memories.get(ref)
        if memory is None:  # the newest answer: what "the first two" and "it" point at
            memory = memories[ref] = {"shown": list(ids or []), "focus": focus, "seen": []}
        memory["seen"].extend(i for i in [*(ids or []), focus] if i)
    for ref, memory in memories.items():
        memory["seen"] = list(dict.fromkeys(memory["seen"]))[:SEEN_MAX]
        connection.execute(sa.update(conversations).where(conversations.c.id == ref)
                           .values(memory=memory))


def downgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('memory')
