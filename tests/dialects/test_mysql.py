"""MySQL/MariaDB specifics on the real server: MODIFY keeps what existing_* says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.operations.helpers import live_operations

pytestmark = pytest.mark.mariadb


def test_modify_keeps_existing_default_and_comment(mariadb_url: str) -> None:
    with live_operations(mariadb_url) as (op, conn):
        conn.exec_driver_sql(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, c VARCHAR(10) DEFAULT 'x' COMMENT 'cm')"
        )
        conn.exec_driver_sql("INSERT INTO t (id) VALUES (1)")
        op.alter_column(
            "t",
            "c",
            type_=sa.String(40),
            nullable=False,
            existing_type=sa.String(10),
            existing_server_default="x",
            existing_comment="cm",
        )
        col = {c["name"]: c for c in sa.inspect(conn).get_columns("t")}["c"]
        assert col["type"].length == 40 and col["nullable"] is False
        assert "x" in str(col["default"]) and col["comment"] == "cm"
        op.alter_column("t", "c", new_column_name="d", existing_type=sa.String(40))
        assert conn.execute(sa.text("SELECT d FROM t")).scalar() == "x"
        op.alter_column("t", "d", server_default=None, existing_type=sa.String(40))
        col = {c["name"]: c for c in sa.inspect(conn).get_columns("t")}["d"]
        assert col["default"] is None


def test_batch_checks_every_alter_before_running_any(mariadb_url: str) -> None:
    from tidal.errors import OperationError

    with live_operations(mariadb_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE settings (id INTEGER PRIMARY KEY, old_flag INTEGER)")
        with pytest.raises(OperationError) as err:
            with op.batch_alter_table("settings") as batch_op:
                batch_op.add_column(sa.Column("new_flag", sa.Boolean))
                batch_op.alter_column("new_flag", new_column_name="flag")
        assert "alter_column('settings', 'new_flag')" in err.value.message
        assert [c["name"] for c in sa.inspect(conn).get_columns("settings")] == ["id", "old_flag"]


def _column(conn: sa.Connection, table: str, name: str) -> dict[str, object]:
    return dict({c["name"]: c for c in sa.inspect(conn).get_columns(table)}[name])


def test_rename_without_existing_type_restates_the_live_column(mariadb_url: str) -> None:
    with live_operations(mariadb_url) as (op, conn):
        conn.exec_driver_sql(
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTO_INCREMENT,"
            " c VARCHAR(12) NOT NULL DEFAULT 'x' COMMENT 'cm')"
        )
        conn.exec_driver_sql("INSERT INTO t (c) VALUES ('kept')")
        op.alter_column("t", "c", new_column_name="d")
        op.alter_column("t", "id", new_column_name="pk")
        col = _column(conn, "t", "d")
        assert isinstance(col["type"], sa.String) and col["type"].length == 12
        assert col["nullable"] is False and col["comment"] == "cm"
        assert "x" in str(col["default"])
        assert _column(conn, "t", "pk")["autoincrement"] is True
        assert conn.execute(sa.text("SELECT d FROM t")).scalar() == "kept"


def test_nullable_change_without_existing_type_keeps_type_and_default(mariadb_url: str) -> None:
    with live_operations(mariadb_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT DEFAULT 7)")
        op.alter_column("t", "n", nullable=False)
        col = _column(conn, "t", "n")
        assert isinstance(col["type"], sa.BigInteger) and col["nullable"] is False
        assert "7" in str(col["default"])


def test_seed_staged_type_change_in_batch_works_as_printed(mariadb_url: str) -> None:
    with live_operations(mariadb_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE settings (id INTEGER PRIMARY KEY, is_active INTEGER)")
        conn.exec_driver_sql("INSERT INTO settings VALUES (1, 0), (2, 3)")
        with op.batch_alter_table("settings") as batch_op:
            batch_op.add_column(sa.Column("is_active_new", sa.Boolean))
            batch_op.execute("UPDATE settings SET is_active_new = (is_active != 0)")
            batch_op.drop_column("is_active")
            batch_op.alter_column("is_active_new", new_column_name="is_active")
        rows = conn.execute(sa.text("SELECT id, is_active FROM settings ORDER BY id")).all()
        assert [(r[0], bool(r[1])) for r in rows] == [(1, False), (2, True)]
        assert [c["name"] for c in sa.inspect(conn).get_columns("settings")] == ["id", "is_active"]


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [("t", "nme", "did you mean 'name'?"), ("tt", "name", "did you mean 't'?")],
)
def test_unknown_table_or_column_says_did_you_mean(
    mariadb_url: str, table: str, column: str, expected: str
) -> None:
    from tidal.errors import OperationError

    with live_operations(mariadb_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(5))")
        with pytest.raises(OperationError) as err:
            op.alter_column(table, column, new_column_name="label")
        assert expected in err.value.message and "\n" not in err.value.message
        assert [c["name"] for c in sa.inspect(conn).get_columns("t")] == ["id", "name"]


def test_offline_rename_still_asks_for_existing_type() -> None:
    from tests.operations.helpers import render

    from tidal.errors import OperationError

    with pytest.raises(OperationError) as err:
        render("mysql", lambda op: op.alter_column("t", "c", new_column_name="d"))
    assert "existing type" in err.value.message and "existing_type=" in err.value.hint
