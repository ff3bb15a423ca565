"""residents: one record for "a resident needs a person" — unanswered policy
questions fold into the hand-off requests (reason ``unanswered_question``)

The knowledge base's ``kb_unanswered_questions`` rows move into ``handoff_requests``
(a resident is made for a sender never seen before; ``answered`` becomes ``done``,
``answered_at`` ``closed_at``), and that table is dropped: nothing writes to it any
more. Hand-offs gain who closed them, when, a staff note, and the best guess of an
unanswered question. The downgrade moves the questions back.

Revision ID: residents_0003
Revises: residents_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "residents_0003"
down_revision = "residents_0002"
branch_labels = None
# The table it empties and drops is the kb branch's.
depends_on = ("kb_0001",)


def upgrade() -> None:
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("best_guess", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("staff_note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_handoff_requests_status"), ["status"], unique=False)
    op.execute(
        "INSERT INTO residents (sender_id, created_at) "
        "SELECT q.sender_id, MIN(q.created_at) FROM kb_unanswered_questions q "
        "WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.sender_id = q.sender_id) "
        "GROUP BY q.sender_id")
    op.execute(
        "INSERT INTO handoff_requests (resident_id, reason, last_message, best_guess, status, created_at, "
        "closed_at, staff_note) "
        "SELECT r.id, 'unanswered_question', q.question, q.best_guess, "
        "CASE WHEN q.status = 'open' THEN 'open' ELSE 'done' END, q.created_at, q.answered_at, q.staff_note "
        "FROM kb_unanswered_questions q JOIN residents r ON r.sender_id = q.sender_id ORDER BY q.id")
    with op.batch_alter_table("kb_unanswered_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_unanswered_questions_status"))
        batch_op.drop_index(batch_op.f("ix_kb_unanswered_questions_sender_id"))
    op.drop_table("kb_unanswered_questions")


def downgrade() -> None:
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
    op.execute(
        "INSERT INTO kb_unanswered_questions (sender_id, question, best_guess, status, staff_note, created_at, "
        "answered_at) "
        "SELECT r.sender_id, COALESCE(h.last_message, ''), h.best_guess, "
        "CASE WHEN h.status = 'open' THEN 'open' ELSE 'answered' END, h.staff_note, h.created_at, h.closed_at "
        "FROM handoff_requests h JOIN residents r ON r.id = h.resident_id "
        "WHERE h.reason = 'unanswered_question' ORDER BY h.id")
    op.execute("DELETE FROM handoff_requests WHERE reason = 'unanswered_question'")
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_requests_status"))
        batch_op.drop_column("staff_note")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("best_guess")
