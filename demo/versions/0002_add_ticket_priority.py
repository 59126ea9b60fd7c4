"""add ticket priority column

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tickets",
        sa.Column("priority", sa.String(20), nullable=True, server_default="normal"),
    )
    op.create_index("ix_tickets_priority", "tickets", ["priority"])


def downgrade() -> None:
    op.drop_index("ix_tickets_priority", "tickets")
    op.drop_column("tickets", "priority")
