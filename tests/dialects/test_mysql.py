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
