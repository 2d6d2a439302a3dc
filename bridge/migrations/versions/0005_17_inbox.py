"""issue 17 inbox: handoff state, client-owned refs, intent and sentiment, webhook deliveries

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import bridge.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('client_ref', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=12), server_default='open', nullable=False))
        batch_op.add_column(sa.Column('handoff_ref', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', bridge.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', bridge.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('assignee', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('csat', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('intent', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('sentiment', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('message_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('customer', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_conversations_client_key'), ['client_key', 'client_ref'])
        batch_op.create_unique_constraint(batch_op.f('uq_conversations_handoff_ref'), ['handoff_ref'])
        batch_op.create_index('ix_conversations_status_updated', ['status', 'updated_at'], unique=False)
        batch_op.create_index('ix_conversations_intent_updated', ['intent', 'updated_at'], unique=False)
        batch_op.create_index('ix_conversations_channel_updated', ['channel', 'updated_at'], unique=False)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_conversation_latest', ['conversation_id', 'id'], unique=False)
        batch_op.add_column(sa.Column('author', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('intent', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('sentiment', sa.String(length=12), nullable=True))

    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=64), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('conversation_id', sa.String(length=40), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', bridge.db.UTCDateTime(), nullable=False),
    sa.Column('lease_until', bridge.db.UTCDateTime(), nullable=True),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', bridge.db.UTCDateTime(), nullable=False),
    sa.Column('delivered_at', bridge.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_event'), ['event'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_conversation_latest')
        batch_op.drop_column('sentiment')
        batch_op.drop_column('intent')
        batch_op.drop_column('author')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_conversations_channel_updated')
        batch_op.drop_index('ix_conversations_intent_updated')
        batch_op.drop_index('ix_conversations_status_updated')
        batch_op.drop_constraint(batch_op.f('uq_conversations_handoff_ref'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_conversations_client_key'), type_='unique')
        for name in ('customer', 'message_count', 'sentiment', 'intent', 'csat', 'summary',
                     'assignee', 'resolved_at', 'escalated_at', 'handoff_ref', 'status',
                     'client_ref', 'client_key'):
            batch_op.drop_column(name)
