"""residents: the speech profile per sender (elderly, speech rate)

Revision ID: residents_0002
Revises: residents_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "residents_0002"
down_revision = "residents_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resident_profile",
        sa.Column("sender_id", sa.String(length=160), nullable=False),
        sa.Column("elderly", sa.Boolean(), nullable=False),
        sa.Column("rate_factor", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_resident_profile")),
    )


def downgrade() -> None:
    op.drop_table("resident_profile")
