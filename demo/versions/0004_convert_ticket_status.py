"""convert ticket status to new values

Revision ID: 0004
Revises: 0003
Create Date: 2026-01-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import column, table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MAPPING = {
    "open": "OPEN",
    "in_progress": "IN_PROGRESS",
    "pending": "WAITING_ON_CUSTOMER",
    "resolved": "RESOLVED",
    "closed": "CLOSED",
}

tickets = table("tickets", column("status", sa.String))


def _remap(mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(
            tickets.update()
            .where(tickets.c.status == op.inline_literal(old))
            .values(status=op.inline_literal(new))
        )


def upgrade() -> None:
    _remap(MAPPING)


def downgrade() -> None:
    _remap({new: old for old, new in MAPPING.items()})
