"""add customer satisfaction

Revision ID: 0003
Revises: 0002
Create Date: 2026-01-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_satisfaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_satisfaction_ticket_id", "customer_satisfaction", ["ticket_id"])
    op.create_index("ix_satisfaction_created_at", "customer_satisfaction", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_satisfaction_created_at", "customer_satisfaction")
    op.drop_index("ix_satisfaction_ticket_id", "customer_satisfaction")
    op.drop_table("customer_satisfaction")
