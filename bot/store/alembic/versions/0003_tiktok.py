"""TikTok Shop connection: webhook events, auto replies, shop settings, agent presence

Revision ID: 0003_tiktok
Revises: 0002_workspace
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_tiktok'
down_revision = '0002_workspace'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shop_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('webhook_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('notification_id', sa.String(length=128), nullable=False),
    sa.Column('type', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('notification_id')
    )
    op.create_index(op.f('ix_webhook_events_status'), 'webhook_events', ['status'], unique=False)
    op.create_table('auto_replies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('policy', sa.JSON(), nullable=True),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
    sa.ForeignKeyConstraint(['draft_id'], ['drafts.id'], ),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_auto_replies_conversation_id'), 'auto_replies', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_auto_replies_due_at'), 'auto_replies', ['due_at'], unique=False)
    op.create_index(op.f('ix_auto_replies_status'), 'auto_replies', ['status'], unique=False)
    op.add_column('conversations', sa.Column('agent_active_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('messages', sa.Column('auto', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('messages', 'auto')
    op.drop_column('conversations', 'agent_active_until')
    op.drop_index(op.f('ix_auto_replies_status'), table_name='auto_replies')
    op.drop_index(op.f('ix_auto_replies_due_at'), table_name='auto_replies')
    op.drop_index(op.f('ix_auto_replies_conversation_id'), table_name='auto_replies')
    op.drop_table('auto_replies')
    op.drop_index(op.f('ix_webhook_events_status'), table_name='webhook_events')
    op.drop_table('webhook_events')
    op.drop_table('shop_settings')
