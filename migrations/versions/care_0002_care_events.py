"""care: the register's audit trail (care_events)

Revision ID: care_0002
Revises: care_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "care_0002"
down_revision = "care_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("care_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=160), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["care_id"], ["care_residents.id"],
                                name=op.f("fk_care_events_care_id_care_residents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_events")),
    )
    with op.batch_alter_table("care_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_events_care_id"), ["care_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("care_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_events_care_id"))
    op.drop_table("care_events")
