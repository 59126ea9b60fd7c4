"""Table operations: --sql text per dialect, and real runs checked by reflection."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from tests.operations.helpers import assert_sql, live_operations

from tidal.operations import Operations
from tidal.operations.ops import CreateTableOp, DropTableOp, RenameTableOp


def _create(op: Operations) -> Any:
    return op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, comment="the name"),
        sa.Column("status", sa.Enum("a", "b", name="status_enum")),
        sa.Column("x", sa.Integer, index=True),
        sa.UniqueConstraint("name", name="uq_name"),
        comment="accounts",
        if_not_exists=True,
    )


def test_create_table_sql() -> None:
    assert_sql(
        _create,
        sqlite=[
            "CREATE TABLE IF NOT EXISTS account (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, "
            "status VARCHAR(1), x INTEGER, PRIMARY KEY (id), CONSTRAINT uq_name UNIQUE (name))",
            "CREATE INDEX ix_account_x ON account (x)",
        ],
        postgresql=[
            "CREATE TYPE status_enum AS ENUM ('a', 'b')",
            "CREATE TABLE IF NOT EXISTS account (id SERIAL NOT NULL, name VARCHAR(50) NOT NULL, "
            "status status_enum, x INTEGER, PRIMARY KEY (id), CONSTRAINT uq_name UNIQUE (name))",
            "CREATE INDEX ix_account_x ON account (x)",
            "COMMENT ON TABLE account IS 'accounts'",
            "COMMENT ON COLUMN account.name IS 'the name'",
        ],
        mysql=[
            "CREATE TABLE IF NOT EXISTS account (id INTEGER NOT NULL AUTO_INCREMENT, "
            "name VARCHAR(50) NOT NULL COMMENT 'the name', status ENUM('a','b'), x INTEGER, "
            "PRIMARY KEY (id), CONSTRAINT uq_name UNIQUE (name))COMMENT='accounts'",
            "CREATE INDEX ix_account_x ON account (x)",
        ],
    )


def test_create_table_schema_and_dialect_kwargs_sql() -> None:
    def fn(op: Operations) -> None:
        op.create_table(
            "t2", sa.Column("id", sa.Integer, primary_key=True), schema="s", mysql_engine="InnoDB"
        )

    assert_sql(
        fn,
        postgresql="CREATE TABLE s.t2 (id SERIAL NOT NULL, PRIMARY KEY (id))",
        mysql="CREATE TABLE s.t2 (id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id))"
        "ENGINE=InnoDB",
    )


def test_drop_and_rename_table_sql() -> None:
    def fn(op: Operations) -> None:
        op.drop_table("account", if_exists=True)
        op.drop_table("a2", schema="s")
        op.rename_table("a", "b", schema="s")

    common = ["DROP TABLE IF EXISTS account", "DROP TABLE s.a2"]
    assert_sql(
        fn,
        sqlite=[*common, "ALTER TABLE s.a RENAME TO b"],
        postgresql=[*common, "ALTER TABLE s.a RENAME TO b"],
        mysql=[*common, "ALTER TABLE s.a RENAME TO s.b"],
    )


def test_table_comment_sql() -> None:
    def fn(op: Operations) -> None:
        op.create_table_comment("t", "hi 'there'")
        op.drop_table_comment("t", existing_comment="hi")

    assert_sql(
        fn,
        postgresql=["COMMENT ON TABLE t IS 'hi ''there'''", "COMMENT ON TABLE t IS NULL"],
        mysql=["ALTER TABLE t COMMENT 'hi ''there'''", "ALTER TABLE t COMMENT ''"],
    )


def test_create_table_live_with_rows_and_reverse(db_url: str) -> None:
    with live_operations(db_url) as (op, conn):
        table = _create(op)
        op.bulk_insert(table, [{"id": 1, "name": "n1", "status": "a", "x": 3}])
        op.create_table_comment("account", "changed")
        op.rename_table("account", "acct")
        insp = sa.inspect(conn)
        assert insp.has_table("acct") and not insp.has_table("account")
        cols = {c["name"]: c for c in insp.get_columns("acct")}
        assert list(cols) == ["id", "name", "status", "x"]
        assert cols["name"]["nullable"] is False
        assert {i["name"] for i in insp.get_indexes("acct")} >= {"ix_account_x"}
        assert conn.execute(sa.text("SELECT name FROM acct")).scalar() == "n1"
        if conn.dialect.supports_comments:
            assert insp.get_table_comment("acct")["text"] == "changed"
            assert cols["name"]["comment"] == "the name"
        op.invoke(RenameTableOp("account", "acct").reverse())
        op.drop_table("account")
        op.drop_table("account", if_exists=True)
        assert not sa.inspect(conn).has_table("account")


def test_reverse_and_describe() -> None:
    create = CreateTableOp("t", [sa.Column("id", sa.Integer)])
    drop = create.reverse()
    assert isinstance(drop, DropTableOp) and drop.reverse() is create
    assert create.describe() == "create table t"
    assert RenameTableOp("a", "b").reverse().new_table_name == "a"
