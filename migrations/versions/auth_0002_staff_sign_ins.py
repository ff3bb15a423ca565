"""auth: the audit of staff sign-ins (and the lock-out it decides)

Revision ID: auth_0002
Revises: auth_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "auth_0002"
down_revision = "auth_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client_ip", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sign_ins")),
    )
    with op.batch_alter_table("staff_sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sign_ins_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_sign_ins_username"), ["username"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_sign_ins_client_ip"), ["client_ip"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("staff_sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sign_ins_client_ip"))
        batch_op.drop_index(batch_op.f("ix_staff_sign_ins_username"))
        batch_op.drop_index(batch_op.f("ix_staff_sign_ins_at"))
    op.drop_table("staff_sign_ins")
