"""conversation: the butler's last replies to each resident (再说一遍 / 没听清 repeats them)

Revision ID: conversation_0002
Revises: conversation_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "conversation_0002"
down_revision = "conversation_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_memory", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_replies", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("last_replies_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_memory", schema=None) as batch_op:
        batch_op.drop_column("last_replies_at")
        batch_op.drop_column("last_replies")
