"""inbox: every resident message recorded before it is acknowledged (degraded mode, replay)

Revision ID: inbox_0001
Revises: core_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "inbox_0001"
down_revision = "core_0001"
branch_labels = ("inbox",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=160), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("ticket_id", sa.String(length=32), nullable=True),
        sa.Column("reply", sa.JSON(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replay_reply", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_inbox")),
        sa.UniqueConstraint("sender_id", "idempotency_key", name=op.f("uq_chat_inbox_sender_id")),
    )
    with op.batch_alter_table("chat_inbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_inbox_sender_id"), ["sender_id"], unique=False)
        batch_op.create_index("ix_chat_inbox_state_id", ["state", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_inbox_state_id")
        batch_op.drop_index(batch_op.f("ix_chat_inbox_sender_id"))
    op.drop_table("chat_inbox")
