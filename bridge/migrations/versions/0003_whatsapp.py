"""whatsapp channel: contacts, inbound jobs, outbound replies, delivery statuses

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import bridge.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('whatsapp_contacts',
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('conversation_ref', sa.String(length=40), nullable=True),
    sa.Column('cart_ref', sa.String(length=200), nullable=True),
    sa.Column('handoff_at', bridge.db.UTCDateTime(), nullable=True),
    sa.Column('last_turn_at', bridge.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', bridge.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('phone')
    )
    with op.batch_alter_table('whatsapp_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whatsapp_contacts_handoff_at'), ['handoff_at'], unique=False)

    op.create_table('whatsapp_inbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wamid', sa.String(length=255), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('reply_id', sa.String(length=256), nullable=True),
    sa.Column('media_id', sa.String(length=128), nullable=True),
    sa.Column('sent_at', bridge.db.UTCDateTime(), nullable=False),
    sa.Column('received_at', bridge.db.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=True),
    sa.Column('worker', sa.String(length=80), nullable=True),
    sa.Column('lease_until', bridge.db.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', bridge.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('wamid')
    )
    with op.batch_alter_table('whatsapp_inbound', schema=None) as batch_op:
        batch_op.create_index('ix_whatsapp_inbound_phone_received', ['phone', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_whatsapp_inbound_status'), ['status'], unique=False)

    op.create_table('whatsapp_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wamid', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('recipient', sa.String(length=64), nullable=True),
    sa.Column('error_code', sa.Integer(), nullable=True),
    sa.Column('error_title', sa.String(length=300), nullable=True),
    sa.Column('at', bridge.db.UTCDateTime(), nullable=False),
    sa.Column('received_at', bridge.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('wamid', 'status')
    )
    op.create_table('whatsapp_outbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inbound_id', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('wamid', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('error_code', sa.Integer(), nullable=True),
    sa.Column('error_title', sa.String(length=300), nullable=True),
    sa.Column('created_at', bridge.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bridge.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inbound_id'], ['whatsapp_inbound.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inbound_id', 'seq'),
    sa.UniqueConstraint('wamid')
    )
    with op.batch_alter_table('whatsapp_outbound', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whatsapp_outbound_inbound_id'), ['inbound_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('whatsapp_outbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whatsapp_outbound_inbound_id'))

    op.drop_table('whatsapp_outbound')
    op.drop_table('whatsapp_statuses')
    with op.batch_alter_table('whatsapp_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whatsapp_inbound_status'))
        batch_op.drop_index('ix_whatsapp_inbound_phone_received')

    op.drop_table('whatsapp_inbound')
    with op.batch_alter_table('whatsapp_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whatsapp_contacts_handoff_at'))

    op.drop_table('whatsapp_contacts')
