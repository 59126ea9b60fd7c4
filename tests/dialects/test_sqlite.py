"""SQLite specifics: what it cannot ALTER is rebuilt, and the log says so."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.operations.helpers import capture_logs, live_operations, render


def test_alter_nullable_rebuilds_and_logs(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    capture_logs(caplog)
    with live_operations(sqlite_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
        conn.exec_driver_sql("CREATE INDEX ix_a ON t (a)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 5)")
        op.alter_column("t", "a", nullable=False)
        col = sa.inspect(conn).get_columns("t")[1]
        assert col["nullable"] is False
        assert [i["name"] for i in sa.inspect(conn).get_indexes("t")] == ["ix_a"]
        assert conn.execute(sa.text("SELECT a FROM t")).scalar() == 5
    assert "recreating the table" in caplog.text


def test_rename_column_is_native() -> None:
    out = render("sqlite", lambda op: op.alter_column("t", "a", new_column_name="b"))
    assert out.strip() == "ALTER TABLE t RENAME COLUMN a TO b;"


def test_comments_are_skipped_online(sqlite_url: str) -> None:
    with live_operations(sqlite_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
        op.create_table_comment("t", "no comments in SQLite")
        op.alter_column("t", "a", comment="skipped")
        assert sa.inspect(conn).has_table("t")


def test_drop_indexed_column_rebuilds(sqlite_url: str) -> None:
    with live_operations(sqlite_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER)")
        conn.exec_driver_sql("CREATE INDEX ix_a ON t (a)")
        conn.exec_driver_sql("CREATE INDEX ix_b ON t (b)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 2, 3)")
        op.drop_column("t", "a")
        assert [c["name"] for c in sa.inspect(conn).get_columns("t")] == ["id", "b"]
        assert [i["name"] for i in sa.inspect(conn).get_indexes("t")] == ["ix_b"]
        assert conn.execute(sa.text("SELECT id, b FROM t")).one() == (1, 3)


def test_unknown_table_and_column_fail_with_hints(sqlite_url: str) -> None:
    from tidal.errors import OperationError

    with live_operations(sqlite_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE tickets (id INTEGER PRIMARY KEY, a INTEGER)")
        with pytest.raises(OperationError) as err:
            with op.batch_alter_table("ticket") as batch_op:
                batch_op.alter_column("a", nullable=False)
        assert "tickets" in err.value.hint
        with pytest.raises(OperationError) as err:
            with op.batch_alter_table("tickets") as batch_op:
                batch_op.alter_column("aa", nullable=False)
        assert "'a'" in err.value.hint
        assert [c["name"] for c in sa.inspect(conn).get_columns("tickets")] == ["id", "a"]


def test_seed_status_migration_runs_on_sqlite(sqlite_url: str) -> None:
    # The seeds' data migration: new column, backfill, NOT NULL, drop old, rename.
    with live_operations(sqlite_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE tickets (id INTEGER PRIMARY KEY, status VARCHAR(20))")
        conn.exec_driver_sql("CREATE INDEX ix_tickets_status ON tickets (status)")
        conn.exec_driver_sql("INSERT INTO tickets VALUES (1, 'open'), (2, 'closed')")
        op.add_column("tickets", sa.Column("status_new", sa.String(20), nullable=True))
        tickets = sa.table("tickets", sa.column("status"), sa.column("status_new"))
        for old, new in {"open": "OPEN", "closed": "CLOSED"}.items():
            op.get_bind().execute(
                tickets.update().where(tickets.c.status == old).values(status_new=new)
            )
        op.alter_column("tickets", "status_new", nullable=False)
        op.drop_column("tickets", "status")
        op.alter_column("tickets", "status_new", new_column_name="status")
        cols = {c["name"]: c for c in sa.inspect(conn).get_columns("tickets")}
        assert list(cols) == ["id", "status"] and cols["status"]["nullable"] is False
        rows = conn.execute(sa.text("SELECT id, status FROM tickets ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "OPEN"), (2, "CLOSED")]


def test_add_column_with_expression_default_rebuilds(sqlite_url: str) -> None:
    with live_operations(sqlite_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        op.add_column(
            "t", sa.Column("created", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP"))
        )
        op.add_column("t", sa.Column("n", sa.Integer, server_default=sa.text("0")))
        assert [c["name"] for c in sa.inspect(conn).get_columns("t")] == ["id", "created", "n"]
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 1
