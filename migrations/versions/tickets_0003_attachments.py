"""tickets: photos residents sent, stored by the butler (ticket_attachments)

Revision ID: tickets_0003
Revises: tickets_0002
Create Date: 2026-12-05 16:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'tickets_0003'
down_revision = 'tickets_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.String(length=14), nullable=True),
    sa.Column('sender_id', sa.String(length=160), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_attachments_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_attachments')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_ticket_attachments_storage_name'))
    )
    op.create_index(op.f('ix_ticket_attachments_ticket_id'), 'ticket_attachments', ['ticket_id'], unique=False)
    op.create_index(op.f('ix_ticket_attachments_sender_id'), 'ticket_attachments', ['sender_id'], unique=False)
    op.create_index(op.f('ix_ticket_attachments_created_at'), 'ticket_attachments', ['created_at'], unique=False)
    op.create_index(op.f('ix_ticket_attachments_sha256'), 'ticket_attachments', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ticket_attachments_sha256'), table_name='ticket_attachments')
    op.drop_index(op.f('ix_ticket_attachments_created_at'), table_name='ticket_attachments')
    op.drop_index(op.f('ix_ticket_attachments_sender_id'), table_name='ticket_attachments')
    op.drop_index(op.f('ix_ticket_attachments_ticket_id'), table_name='ticket_attachments')
    op.drop_table('ticket_attachments')
