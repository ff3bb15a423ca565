"""tickets: residents' ratings of handled tickets, and how often residents reopened one

Revision ID: tickets_0002
Revises: tickets_0001
Create Date: 2026-12-05 05:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'tickets_0002'
down_revision = 'tickets_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.String(length=14), nullable=False),
    sa.Column('sender_id', sa.String(length=160), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reopened', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_ratings_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_ratings'))
    )
    op.create_index(op.f('ix_ticket_ratings_ticket_id'), 'ticket_ratings', ['ticket_id'], unique=False)
    op.create_index(op.f('ix_ticket_ratings_sender_id'), 'ticket_ratings', ['sender_id'], unique=False)
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('reopen_count')
    op.drop_index(op.f('ix_ticket_ratings_sender_id'), table_name='ticket_ratings')
    op.drop_index(op.f('ix_ticket_ratings_ticket_id'), table_name='ticket_ratings')
    op.drop_table('ticket_ratings')
