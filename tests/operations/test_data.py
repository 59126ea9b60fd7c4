"""Data operations: execute and bulk_insert, online and offline."""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from tests.operations.helpers import assert_sql, live_operations, render

from tidal.operations import Operations

T = sa.table(
    "t", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("d", sa.Date)
)


def test_bulk_insert_offline_has_literal_values() -> None:
    def fn(op: Operations) -> None:
        op.bulk_insert(
            T,
            [
                {"id": 1, "name": "a'b:c", "d": datetime.date(2020, 1, 2)},
                {"id": 2, "name": None, "d": None},
            ],
        )
        op.bulk_insert(T, [{"id": 3, "name": "z"}], multiinsert=False)

    want = [
        "INSERT INTO t (id, name, d) VALUES (1, 'a''b:c', '2020-01-02')",
        "INSERT INTO t (id, name, d) VALUES (2, NULL, NULL)",
        "INSERT INTO t (id, name) VALUES (3, 'z')",
    ]
    assert_sql(fn, sqlite=want, postgresql=want, mysql=want)


def test_execute_sql() -> None:
    def fn(op: Operations) -> None:
        op.execute("UPDATE t SET a=1")
        op.execute(
            T.update().where(T.c.id == op.inline_literal(3)).values(name=op.inline_literal("z"))
        )
        op.execute(sa.text("DELETE FROM t WHERE id = 4"), execution_options={"x": 1})

    want = [
        "UPDATE t SET a=1",
        "UPDATE t SET name='z' WHERE t.id = 3",
        "DELETE FROM t WHERE id = 4",
    ]
    assert_sql(fn, sqlite=want, postgresql=want, mysql=want)


def test_literal_binds_option_inlines_parameters() -> None:
    out = render("sqlite", lambda op: op.execute(T.delete().where(T.c.id == 4)), literal_binds=True)
    assert "= 4;" in out and "?" not in out


def test_data_live(db_url: str) -> None:
    with live_operations(db_url) as (op, conn):
        table = op.create_table(
            "t",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(20)),
            sa.Column("d", sa.Date),
        )
        op.bulk_insert(table, [{"id": i, "name": f"n{i}", "d": None} for i in range(1, 101)])
        op.bulk_insert(table, [{"id": 101, "name": "x"}], multiinsert=False)
        op.execute(T.update().where(T.c.id == op.inline_literal(1)).values(name="first"))
        result = op.execute(sa.text("SELECT count(*) FROM t"))
        assert result.scalar() == 101
        assert conn.execute(sa.text("SELECT name FROM t WHERE id = 1")).scalar() == "first"
        assert op.get_bind() is conn
