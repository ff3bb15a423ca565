"""conversation: the choices last shown to each resident and a second request waiting

Revision ID: conversation_0001
Revises: core_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "conversation_0001"
down_revision = "core_0001"
branch_labels = ("conversation",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_memory",
        sa.Column("sender_id", sa.String(length=160), nullable=False),
        sa.Column("options", sa.JSON(), nullable=True),
        sa.Column("options_shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_text", sa.Text(), nullable=True),
        sa.Column("pending_intent", sa.String(length=40), nullable=True),
        sa.Column("pending_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_offered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_conversation_memory")),
    )


def downgrade() -> None:
    op.drop_table("conversation_memory")
