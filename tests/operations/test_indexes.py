"""Index operations: --sql text per dialect, live runs, CONCURRENTLY outside the transaction."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from tests.operations.helpers import assert_sql, live_operations, render

from tidal.errors import IrreversibleOperationError
from tidal.operations import Operations
from tidal.operations.ops import CreateIndexOp, DropIndexOp


def _indexes(op: Operations) -> None:
    op.create_index("ix_a", "t", ["a", "b"], unique=True)
    op.create_index("ix_b", "t", [sa.text("lower(a)")], if_not_exists=True)
    op.create_index(
        "ix_c",
        "t",
        ["a"],
        postgresql_where=sa.text("a > 5"),
        postgresql_using="gin",
        postgresql_include=["b"],
    )
    op.create_index("ix_d", "t", ["a"], mysql_length={"a": 10}, schema="s")
    op.drop_index("ix_a", table_name="t")
    op.drop_index("ix_d", table_name="t", schema="s", if_exists=True)


def test_index_sql() -> None:
    assert_sql(
        _indexes,
        sqlite=[
            "CREATE UNIQUE INDEX ix_a ON t (a, b)",
            "CREATE INDEX IF NOT EXISTS ix_b ON t (lower(a))",
            "CREATE INDEX ix_c ON t (a)",
            "CREATE INDEX s.ix_d ON t (a)",
            "DROP INDEX ix_a",
            "DROP INDEX IF EXISTS s.ix_d",
        ],
        postgresql=[
            "CREATE UNIQUE INDEX ix_a ON t (a, b)",
            "CREATE INDEX IF NOT EXISTS ix_b ON t (lower(a))",
            "CREATE INDEX ix_c ON t USING gin (a) INCLUDE (b) WHERE a > 5",
            "CREATE INDEX ix_d ON s.t (a)",
            "DROP INDEX ix_a",
            "DROP INDEX IF EXISTS s.ix_d",
        ],
        mysql=[
            "CREATE UNIQUE INDEX ix_a ON t (a, b)",
            "CREATE INDEX IF NOT EXISTS ix_b ON t (lower(a))",
            "CREATE INDEX ix_c ON t (a)",
            "CREATE INDEX ix_d ON s.t (a(10))",
            "DROP INDEX ix_a ON t",
            "DROP INDEX IF EXISTS ix_d ON s.t",
        ],
    )


def test_concurrently_offline_leaves_the_transaction() -> None:
    def fn(op: Operations) -> None:
        op.create_index("ix_c", "t", ["a"], postgresql_concurrently=True)
        op.drop_index("ix_c", "t", postgresql_concurrently=True)

    assert render("postgresql", fn).split() == (
        "COMMIT; CREATE INDEX CONCURRENTLY ix_c ON t (a); BEGIN; "
        "COMMIT; DROP INDEX CONCURRENTLY ix_c; BEGIN;".split()
    )
    assert_sql(fn, sqlite=["CREATE INDEX ix_c ON t (a)", "DROP INDEX ix_c"])


@pytest.mark.postgresql
def test_concurrently_live_inside_a_transaction(pg_url: str) -> None:
    with live_operations(pg_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 1)")
        assert conn.in_transaction()
        op.create_index("ix_c", "t", ["a"], postgresql_concurrently=True)
        assert op.get_context().autocommit_blocks == 1
        assert "ix_c" in {i["name"] for i in sa.inspect(conn).get_indexes("t")}
        op.drop_index("ix_c", "t", postgresql_concurrently=True)
        assert not sa.inspect(conn).get_indexes("t")


def test_indexes_live(db_url: str) -> None:
    with live_operations(db_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a VARCHAR(20), b INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 'x', 1), (2, 'y', 2)")
        create = CreateIndexOp("ix_ab", "t", ["a", "b"], unique=True)
        op.invoke(create)
        op.create_index("ix_b", "t", ["b"], if_not_exists=True)
        idx = {i["name"]: i for i in sa.inspect(conn).get_indexes("t")}
        assert idx["ix_ab"]["unique"] and idx["ix_ab"]["column_names"] == ["a", "b"]
        op.invoke(create.reverse())
        op.drop_index("ix_b", "t")
        assert not [i for i in sa.inspect(conn).get_indexes("t") if i["name"] in ("ix_ab", "ix_b")]
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 2
    with pytest.raises(IrreversibleOperationError):
        DropIndexOp("ix").reverse()


_ENV = """
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connectable = engine_from_config(
    config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with connectable.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
"""

_SCRIPT = """
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer))
    op.create_index("ix_a", "t", ["a"], postgresql_concurrently=True)
    op.add_column("t", sa.Column("b", sa.Integer))


def downgrade():
    op.drop_table("t")
"""


@pytest.mark.postgresql
def test_concurrently_in_a_real_run_updates_the_version_once(pg_url: str, tmp_path: Any) -> None:
    from tidal import command
    from tidal.config import Config

    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text(_ENV)
    (tmp_path / "migrations" / "versions" / "0001_init.py").write_text(_SCRIPT)
    ini = tmp_path / "alembic.ini"
    ini.write_text(
        f"[alembic]\nscript_location = {tmp_path / 'migrations'}\nsqlalchemy.url = {pg_url}\n"
    )
    command.upgrade(Config(str(ini)), "head")
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [("0001",)]
        assert [i["name"] for i in sa.inspect(conn).get_indexes("t")] == ["ix_a"]
        assert [c["name"] for c in sa.inspect(conn).get_columns("t")] == ["id", "a", "b"]
    engine.dispose()


@pytest.mark.postgresql
def test_concurrently_inside_a_user_autocommit_block_does_not_nest(pg_url: str) -> None:
    with live_operations(pg_url) as (op, conn):
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
        ctx = op.get_context()
        with ctx.autocommit_block():
            op.create_index("ix_c", "t", ["a"], postgresql_concurrently=True)
        assert ctx.autocommit_blocks == 1
        assert "ix_c" in {i["name"] for i in sa.inspect(conn).get_indexes("t")}
