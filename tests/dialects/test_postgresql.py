"""PostgreSQL specifics on the real server: enums, USING, transactional DDL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.operations.helpers import live_operations

from tidal.operations.ops import CreateTableOp, DropTableOp

pytestmark = pytest.mark.postgresql


def _enum_names(conn: sa.Connection) -> set[str]:
    return {e["name"] for e in sa.inspect(conn).get_enums()}  # type: ignore[attr-defined]


def test_enum_created_before_and_dropped_after_table(pg_url: str) -> None:
    with live_operations(pg_url) as (op, conn):
        table = op.create_table(
            "ticket",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("status", sa.Enum("open", "closed", name="ticket_status")),
        )
        op.bulk_insert(table, [{"id": 1, "status": "open"}])
        assert "ticket_status" in _enum_names(conn)
        op.invoke(CreateTableOp.from_table(table).reverse())
        assert not sa.inspect(conn).has_table("ticket")
        assert "ticket_status" not in _enum_names(conn)


def test_drop_table_from_table_drops_its_enum(pg_url: str) -> None:
    metadata = sa.MetaData()
    table = sa.Table(
        "t", metadata, sa.Column("id", sa.Integer), sa.Column("k", sa.Enum("a", name="k_enum"))
    )
    with live_operations(pg_url) as (op, conn):
        op.invoke(CreateTableOp.from_table(table))
        op.invoke(DropTableOp.from_table(table))
        assert "k_enum" not in _enum_names(conn)


def test_alter_type_using_keeps_rows(pg_url: str) -> None:
    with live_operations(pg_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, c VARCHAR(10))")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, '12'), (2, '30')")
        op.alter_column(
            "t", "c", type_=sa.Integer, existing_type=sa.String(10), postgresql_using="c::integer"
        )
        rows = conn.execute(sa.text("SELECT c FROM t ORDER BY id")).scalars().all()
        assert rows == [12, 30]


def test_failed_op_leaves_database_as_it_was(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        from tests.operations.helpers import FakeMigrationContext

        from tidal.operations import Operations

        ctx = FakeMigrationContext(conn.dialect, connection=conn)
        with Operations.context(ctx) as op:
            op.create_table("t", sa.Column("id", sa.Integer))
            with pytest.raises(sa.exc.ProgrammingError):
                op.alter_column("missing", "c", nullable=False)
        conn.rollback()
        assert not sa.inspect(conn).has_table("t")
    engine.dispose()
