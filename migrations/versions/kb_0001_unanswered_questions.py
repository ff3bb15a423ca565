"""kb: questions left for staff that the knowledge base could not answer

Revision ID: kb_0001
Revises: core_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "kb_0001"
down_revision = "core_0001"
branch_labels = ("kb",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_unanswered_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=160), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("best_guess", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("staff_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_unanswered_questions")),
    )
    with op.batch_alter_table("kb_unanswered_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_unanswered_questions_sender_id"), ["sender_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kb_unanswered_questions_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_unanswered_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_unanswered_questions_status"))
        batch_op.drop_index(batch_op.f("ix_kb_unanswered_questions_sender_id"))
    op.drop_table("kb_unanswered_questions")
