"""SQLite specifics: what it cannot ALTER is rebuilt, and the log says so."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from tests.operations.helpers import live_operations, render


def test_alter_nullable_rebuilds_and_logs(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tidal.operations")
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
