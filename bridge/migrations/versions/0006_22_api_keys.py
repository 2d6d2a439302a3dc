"""issue 22 api keys: hashed keys and app users linked to customers

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import bridge.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('mode', sa.String(length=4), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('rate_limit', sa.Integer(), nullable=False),
    sa.Column('rate_window', sa.Integer(), nullable=False),
    sa.Column('created_at', bridge.db.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', bridge.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', bridge.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('digest')
    )
    op.create_table('api_key_customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('app_user', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', bridge.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['api_keys.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_id', 'app_user')
    )


def downgrade() -> None:
    op.drop_table('api_key_customers')
    op.drop_table('api_keys')
