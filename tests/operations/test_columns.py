"""Column operations: --sql text per dialect, and real runs with rows kept."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.operations.helpers import assert_sql, capture_logs, live_operations

from tidal.errors import IrreversibleOperationError, OperationError
from tidal.operations import Operations
from tidal.operations.ops import AddColumnOp, AlterColumnOp, DropColumnOp


def test_add_column_sql() -> None:
    def fn(op: Operations) -> None:
        op.add_column("t", sa.Column("c", sa.String(10), server_default="x", nullable=False))
        op.add_column("t", sa.Column("d", sa.Integer, sa.ForeignKey("o.id")), if_not_exists=True)
        op.add_column("t", sa.Column("e", sa.Integer), schema="s")

    assert_sql(
        fn,
        sqlite=[
            "ALTER TABLE t ADD COLUMN c VARCHAR(10) DEFAULT 'x' NOT NULL",
            # Alembic refuses; SQLite accepts REFERENCES inline.
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS d INTEGER REFERENCES o (id)",
            "ALTER TABLE s.t ADD COLUMN e INTEGER",
        ],
        postgresql=[
            "ALTER TABLE t ADD COLUMN c VARCHAR(10) DEFAULT 'x' NOT NULL",
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS d INTEGER",
            "ALTER TABLE t ADD FOREIGN KEY(d) REFERENCES o (id)",
            "ALTER TABLE s.t ADD COLUMN e INTEGER",
        ],
        mysql=[
            "ALTER TABLE t ADD COLUMN c VARCHAR(10) NOT NULL DEFAULT 'x'",
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS d INTEGER",
            "ALTER TABLE t ADD FOREIGN KEY(d) REFERENCES o (id)",
            "ALTER TABLE s.t ADD COLUMN e INTEGER",
        ],
    )


def test_add_column_comment_sql() -> None:
    def fn(op: Operations) -> None:
        op.add_column("t", sa.Column("c", sa.Integer, comment="cc"))

    assert_sql(
        fn,
        postgresql=["ALTER TABLE t ADD COLUMN c INTEGER", "COMMENT ON COLUMN t.c IS 'cc'"],
        mysql="ALTER TABLE t ADD COLUMN c INTEGER COMMENT 'cc'",
    )


def test_drop_column_sql() -> None:
    def fn(op: Operations) -> None:
        op.drop_column("t", "c")
        op.drop_column("t", "c", schema="s", if_exists=True)

    want = ["ALTER TABLE t DROP COLUMN c", "ALTER TABLE s.t DROP COLUMN IF EXISTS c"]
    assert_sql(fn, sqlite=want, postgresql=want, mysql=want)


def _alters(op: Operations) -> None:
    op.alter_column("t", "c", nullable=False, existing_type=sa.String(10))
    op.alter_column(
        "t", "c", type_=sa.Integer, existing_type=sa.String(10), postgresql_using="c::integer"
    )
    op.alter_column("t", "c", server_default="5", existing_type=sa.Integer)
    op.alter_column(
        "t", "c", server_default=None, existing_type=sa.Integer, existing_server_default="5"
    )
    op.alter_column("t", "c", new_column_name="d", existing_type=sa.Integer)
    op.alter_column("t", "d", comment="hello", existing_type=sa.Integer)


def test_alter_column_sql() -> None:
    assert_sql(
        _alters,
        postgresql=[
            "ALTER TABLE t ALTER COLUMN c SET NOT NULL",
            "ALTER TABLE t ALTER COLUMN c TYPE INTEGER USING c::integer",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT '5'",
            "ALTER TABLE t ALTER COLUMN c DROP DEFAULT",
            "ALTER TABLE t RENAME c TO d",
            "COMMENT ON COLUMN t.d IS 'hello'",
        ],
        mysql=[
            "ALTER TABLE t MODIFY c VARCHAR(10) NOT NULL",
            "ALTER TABLE t MODIFY c INTEGER NULL",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT '5'",
            "ALTER TABLE t ALTER COLUMN c DROP DEFAULT",
            "ALTER TABLE t CHANGE c d INTEGER NULL",
            "ALTER TABLE t MODIFY d INTEGER NULL COMMENT 'hello'",
        ],
    )


def test_alter_column_combined_sql() -> None:
    def fn(op: Operations) -> None:
        op.alter_column(
            "t",
            "c",
            nullable=False,
            server_default="1",
            type_=sa.Integer,
            new_column_name="d",
            comment="cm",
            existing_type=sa.String(5),
            schema="s",
        )

    assert_sql(
        fn,
        postgresql=[
            "ALTER TABLE s.t ALTER COLUMN c TYPE INTEGER",
            "ALTER TABLE s.t ALTER COLUMN c SET NOT NULL",
            "ALTER TABLE s.t ALTER COLUMN c SET DEFAULT '1'",
            "COMMENT ON COLUMN s.t.c IS 'cm'",
            "ALTER TABLE s.t RENAME c TO d",
        ],
        mysql="ALTER TABLE s.t CHANGE c d INTEGER NOT NULL DEFAULT '1' COMMENT 'cm'",
    )


def test_mysql_autoincrement_and_existing_values_sql() -> None:
    def fn(op: Operations) -> None:
        op.alter_column(
            "t", "c", autoincrement=True, existing_type=sa.Integer, existing_nullable=False
        )
        op.alter_column(
            "t",
            "c",
            type_=sa.String(20),
            existing_type=sa.String(10),
            existing_server_default="x",
            existing_comment="cm",
        )

    assert_sql(
        fn,
        mysql=[
            "ALTER TABLE t MODIFY c INTEGER NOT NULL AUTO_INCREMENT",
            "ALTER TABLE t MODIFY c VARCHAR(20) NULL DEFAULT 'x' COMMENT 'cm'",
        ],
    )


def test_mysql_alter_without_existing_type_fails_before_running() -> None:
    from tests.operations.helpers import render

    with pytest.raises(OperationError) as err:
        render("mysql", lambda op: op.alter_column("t", "c", nullable=False))
    assert "existing_type" in err.value.hint and "mysql" in err.value.message


@pytest.fixture
def seeded(db_url: str) -> str:
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, c VARCHAR(10) NOT NULL, n INTEGER)"
        )
        conn.exec_driver_sql("INSERT INTO t (id, c, n) VALUES (1, 'a', 10), (2, 'b', NULL)")
    engine.dispose()
    return db_url


def _rows(conn: sa.Connection, cols: str = "id, c") -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(sa.text(f"SELECT {cols} FROM t ORDER BY id"))]


def test_add_drop_column_live(seeded: str) -> None:
    with live_operations(seeded) as (op, conn):
        add = AddColumnOp("t", sa.Column("z", sa.String(5), server_default="q"))
        op.invoke(add)
        assert _rows(conn, "id, z") == [(1, "q"), (2, "q")]
        op.invoke(add.reverse())
        assert "z" not in {c["name"] for c in sa.inspect(conn).get_columns("t")}
        op.drop_column("t", "z", if_exists=True) if conn.dialect.name != "sqlite" else None
        assert _rows(conn) == [(1, "a"), (2, "b")]
    with pytest.raises(IrreversibleOperationError):
        DropColumnOp("t", "z").reverse()


def test_alter_column_live(seeded: str, caplog: pytest.LogCaptureFixture) -> None:
    capture_logs(caplog)
    with live_operations(seeded) as (op, conn):
        op.alter_column("t", "c", nullable=True, existing_type=sa.String(10))
        op.alter_column("t", "n", existing_type=sa.Integer, server_default="0")
        op.alter_column("t", "c", type_=sa.String(30), existing_type=sa.String(10))
        op.alter_column("t", "c", new_column_name="c2", existing_type=sa.String(30))
        cols = {c["name"]: c for c in sa.inspect(conn).get_columns("t")}
        assert set(cols) == {"id", "c2", "n"}
        assert cols["c2"]["nullable"] is True
        assert "0" in str(cols["n"]["default"])
        assert getattr(cols["c2"]["type"], "length", None) == 30
        assert _rows(conn, "id, c2, n") == [(1, "a", 10), (2, "b", None)]
        back = AlterColumnOp(
            "t", "c", modify_name="c2", existing_type=sa.String(30)
        )  # c -> c2 done above; reverse renames back
        op.invoke(back.reverse())
        assert _rows(conn) == [(1, "a"), (2, "b")]
    if seeded.startswith("sqlite"):
        assert "recreating the table" in caplog.text
