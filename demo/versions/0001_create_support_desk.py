"""create support desk tables

Revision ID: 0001
Revises:
Create Date: 2026-01-05 09:00:00.000000

"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(50), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
    )
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("email", sa.String),
        sa.column("name", sa.String),
    )
    op.bulk_insert(
        users,
        [
            {"id": 1, "email": "ada@example.com", "name": "Ada"},
            {"id": 2, "email": "linus@example.com", "name": "Linus"},
        ],
    )
    tickets = sa.table(
        "tickets",
        sa.column("id", sa.Integer),
        sa.column("user_id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("status", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("resolved_at", sa.DateTime),
    )
    op.bulk_insert(
        tickets,
        [
            {
                "id": 1, "user_id": 1, "title": "Cannot log in", "status": "resolved",
                "created_at": datetime(2026, 1, 5, 9, 0), "resolved_at": datetime(2026, 1, 5, 10, 30),
            },
            {
                "id": 2, "user_id": 2, "title": "Invoice missing", "status": "open",
                "created_at": datetime(2026, 1, 5, 11, 0), "resolved_at": None,
            },
        ],
    )


def downgrade() -> None:
    op.drop_table("tickets")
    op.drop_table("users")
