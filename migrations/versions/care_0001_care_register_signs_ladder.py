"""care: the elder-care register, devices, signs of life, ladder steps and outbox (issue #14)

Revision ID: care_0001
Revises: core_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "care_0001"
down_revision = "core_0001"
branch_labels = ("care",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=256), nullable=False),
        sa.Column("sender_id", sa.String(length=160), nullable=True),
        sa.Column("grid_worker", sa.String(length=64), nullable=True),
        sa.Column("window_start", sa.String(length=5), nullable=False),
        sa.Column("window_end", sa.String(length=5), nullable=False),
        sa.Column("quiet_days", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("emergency_contacts", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_residents")),
    )
    with op.batch_alter_table("care_residents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_residents_sender_id"), ["sender_id"], unique=True)

    op.create_table(
        "care_devices",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("care_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["care_id"], ["care_residents.id"],
                                name=op.f("fk_care_devices_care_id_care_residents")),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_care_devices")),
    )
    with op.batch_alter_table("care_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_devices_care_id"), ["care_id"], unique=False)

    op.create_table(
        "care_signs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("care_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=True),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["care_id"], ["care_residents.id"],
                                name=op.f("fk_care_signs_care_id_care_residents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_signs")),
    )
    with op.batch_alter_table("care_signs", schema=None) as batch_op:
        batch_op.create_index("ix_care_signs_care_id_at", ["care_id", "at"], unique=False)

    op.create_table(
        "care_ladder_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("care_id", sa.Integer(), nullable=False),
        sa.Column("episode", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("ticket_id", sa.String(length=14), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["care_id"], ["care_residents.id"],
                                name=op.f("fk_care_ladder_steps_care_id_care_residents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_ladder_steps")),
        sa.UniqueConstraint("care_id", "episode", "step", name="uq_care_ladder_steps_episode_step"),
    )
    with op.batch_alter_table("care_ladder_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_ladder_steps_care_id"), ["care_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_ladder_steps_resolved_at"), ["resolved_at"], unique=False)

    op.create_table(
        "care_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("care_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=160), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["care_id"], ["care_residents.id"],
                                name=op.f("fk_care_outbox_care_id_care_residents")),
        sa.ForeignKeyConstraint(["step_id"], ["care_ladder_steps.id"],
                                name=op.f("fk_care_outbox_step_id_care_ladder_steps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_outbox")),
    )
    with op.batch_alter_table("care_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_outbox_care_id"), ["care_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_outbox_step_id"), ["step_id"], unique=False)


def downgrade() -> None:
    op.drop_table("care_outbox")
    op.drop_table("care_ladder_steps")
    op.drop_table("care_signs")
    op.drop_table("care_devices")
    op.drop_table("care_residents")
