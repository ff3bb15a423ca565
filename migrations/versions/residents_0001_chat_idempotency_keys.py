"""residents: chat answers kept per (identity, Idempotency-Key) for retries

Revision ID: residents_0001
Revises: core_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "residents_0001"
down_revision = "core_0001"
branch_labels = ("residents",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=160), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_idempotency_keys")),
        sa.UniqueConstraint("identity", "key", name=op.f("uq_chat_idempotency_keys_identity")),
    )
    with op.batch_alter_table("chat_idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_idempotency_keys_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_idempotency_keys_expires_at"))
    op.drop_table("chat_idempotency_keys")
