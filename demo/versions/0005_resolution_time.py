"""backfill ticket resolution time in batches

Revision ID: 0005
Revises: 0004
Create Date: 2026-01-09 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import column, select, table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH_SIZE = 1000


def upgrade() -> None:
    op.add_column("tickets", sa.Column("resolution_time_seconds", sa.Integer(), nullable=True))
    if op.get_context().as_sql:
        return  # offline: the backfill needs the rows; run it online
    tickets = table(
        "tickets",
        column("id", sa.Integer),
        column("created_at", sa.DateTime),
        column("resolved_at", sa.DateTime),
        column("resolution_time_seconds", sa.Integer),
    )
    connection = op.get_bind()
    last_id = 0
    while True:  # keyset pagination: updated rows never shift the window
        batch = connection.execute(
            select(tickets.c.id, tickets.c.created_at, tickets.c.resolved_at)
            .where(tickets.c.id > last_id, tickets.c.resolved_at.isnot(None))
            .order_by(tickets.c.id)
            .limit(BATCH_SIZE)
        ).fetchall()
        if not batch:
            break
        for row in batch:
            seconds = int((row.resolved_at - row.created_at).total_seconds())
            connection.execute(
                tickets.update()
                .where(tickets.c.id == row.id)
                .values(resolution_time_seconds=seconds)
            )
        last_id = batch[-1].id


def downgrade() -> None:
    op.drop_column("tickets", "resolution_time_seconds")
