"""Batch mode: SQLite's copy-and-move (online and --sql), plain ALTERs elsewhere."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa
from tests.operations.helpers import (
    FakeMigrationContext,
    assert_sql,
    live_operations,
    normalize,
    render,
)

from tidal.errors import OperationError
from tidal.operations import Operations


def _source() -> sa.Table:
    return sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.String(10)),
        sa.Column("b", sa.Integer, nullable=False),
        sa.Column("o_id", sa.Integer, sa.ForeignKey("o.id", name="fk_o")),
        sa.UniqueConstraint("a", name="uq_a"),
        sa.CheckConstraint("b > 0", name="ck_b"),
        sa.Index("ix_b", "b"),
        sa.Index("ix_a", "a"),
    )


def _batch(op: Operations) -> None:
    with op.batch_alter_table("t", copy_from=_source()) as batch_op:
        batch_op.alter_column("a", type_=sa.String(20), nullable=False, existing_type=sa.String(10))
        batch_op.drop_column("b")
        batch_op.add_column(sa.Column("z", sa.Integer))
        batch_op.alter_column("o_id", new_column_name="other_id", existing_type=sa.Integer)


def test_sqlite_batch_sql_is_alembic_move_and_copy() -> None:
    # As Alembic, except that the CHECK and index on the dropped column go with it.
    assert_sql(
        _batch,
        sqlite=[
            "CREATE TABLE _alembic_tmp_t (id INTEGER NOT NULL, a VARCHAR(20) NOT NULL, "
            "other_id INTEGER, z INTEGER, PRIMARY KEY (id), CONSTRAINT uq_a UNIQUE (a), "
            "CONSTRAINT fk_o FOREIGN KEY(other_id) REFERENCES o (id))",
            "INSERT INTO _alembic_tmp_t (id, a, other_id) SELECT t.id, t.a, t.o_id FROM t",
            "DROP TABLE t",
            "ALTER TABLE _alembic_tmp_t RENAME TO t",
            "CREATE INDEX ix_a ON t (a)",
        ],
        postgresql=[
            "ALTER TABLE t ALTER COLUMN a TYPE VARCHAR(20)",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
            "ALTER TABLE t DROP COLUMN b",
            "ALTER TABLE t ADD COLUMN z INTEGER",
            "ALTER TABLE t RENAME o_id TO other_id",
        ],
        mysql=[
            "ALTER TABLE t MODIFY a VARCHAR(20) NOT NULL",
            "ALTER TABLE t DROP COLUMN b",
            "ALTER TABLE t ADD COLUMN z INTEGER",
            "ALTER TABLE t CHANGE o_id other_id INTEGER NULL",
        ],
    )


def test_type_change_across_affinity_casts() -> None:
    def fn(op: Operations) -> None:
        with op.batch_alter_table("t", copy_from=_source()) as batch_op:
            batch_op.alter_column("b", type_=sa.String(5))

    out = render("sqlite", fn)
    assert "CAST(t.b AS VARCHAR(5)) AS b" in out


def test_offline_without_copy_from_says_why() -> None:
    def fn(op: Operations) -> None:
        with op.batch_alter_table("t") as batch_op:
            batch_op.alter_column("a", nullable=False)

    with pytest.raises(OperationError) as err:
        render("sqlite", fn)
    assert "copy_from" in err.value.hint


def test_insert_before_needs_recreate() -> None:
    def plain(op: Operations) -> None:
        with op.batch_alter_table("t", copy_from=_source(), recreate="never") as batch_op:
            batch_op.add_column(sa.Column("z", sa.Integer), insert_before="a")

    with pytest.raises(OperationError):
        render("sqlite", plain)

    def always(op: Operations) -> None:
        with op.batch_alter_table("t", copy_from=_source(), recreate="always") as batch_op:
            batch_op.add_column(sa.Column("z", sa.Integer), insert_before="a")
            batch_op.add_column(sa.Column("y", sa.Integer), insert_after="id")

    out = render("postgresql", always)
    assert "(id SERIAL NOT NULL, y INTEGER, z INTEGER, a VARCHAR(10)," in normalize(out)


def test_partial_reordering_and_table_kwargs() -> None:
    def fn(op: Operations) -> None:
        with op.batch_alter_table(
            "t",
            copy_from=_source(),
            partial_reordering=[("b", "a")],
            table_kwargs={"sqlite_autoincrement": True},
        ) as batch_op:
            batch_op.alter_column("a", server_default="q")

    flat = normalize(render("sqlite", fn))
    assert "(id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, b INTEGER NOT NULL, a VARCHAR(10)" in (
        flat
    )


def test_execute_runs_in_order_splitting_the_batch() -> None:
    def fn(op: Operations) -> None:
        with op.batch_alter_table("t", copy_from=_source()) as batch_op:
            batch_op.alter_column("a", new_column_name="c")
            batch_op.execute("UPDATE t SET c = 'x'")
            batch_op.drop_column("b")

    stmts = [s.split()[0] for s in render("sqlite", fn).split(";\n") if s.strip()]
    assert stmts[:5] == ["CREATE", "INSERT", "DROP", "ALTER", "CREATE"]
    assert stmts[stmts.index("UPDATE") + 1] == "CREATE"
    assert stmts.count("INSERT") == 2


def _seed_big(url: str, rows: int) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, code VARCHAR(20) NOT NULL, "
            "qty INTEGER, price INTEGER NOT NULL, note VARCHAR(50), "
            "parent_id INTEGER, "
            "CONSTRAINT uq_code UNIQUE (code), CONSTRAINT ck_price CHECK (price >= 0), "
            "CONSTRAINT fk_parent FOREIGN KEY(parent_id) REFERENCES parent (id))"
        )
        conn.exec_driver_sql("CREATE INDEX ix_qty ON t (qty)")
        conn.exec_driver_sql("CREATE INDEX ix_price ON t (price)")
        conn.exec_driver_sql("CREATE INDEX ix_parent ON t (parent_id)")
        conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, t_id INTEGER, "
            "CONSTRAINT fk_child_t FOREIGN KEY(t_id) REFERENCES t (id))"
        )
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
            "INSERT INTO parent (id) SELECT i FROM n"
        )
        conn.exec_driver_sql(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) "
            "INSERT INTO t (id, code, qty, price, note, parent_id) "
            "SELECT i, 'c' || i, i % 7, i % 1000, 'note', (i % 100) + 1 FROM n"
        )
        conn.exec_driver_sql("INSERT INTO child (id, t_id) SELECT id, id FROM t WHERE id % 10 = 0")
    engine.dispose()


def test_sqlite_batch_keeps_100k_rows_and_every_constraint(sqlite_url: str) -> None:
    rows = 100_000
    _seed_big(sqlite_url, rows)
    started = time.monotonic()
    with live_operations(sqlite_url) as (op, conn):
        with op.batch_alter_table("t") as batch_op:
            batch_op.alter_column("qty", type_=sa.BigInteger, nullable=False)
            batch_op.alter_column("code", type_=sa.String(40))
            batch_op.drop_column("note")
            batch_op.alter_column("price", new_column_name="unit_price")
    assert time.monotonic() - started < 20
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        cols = {c["name"]: c for c in insp.get_columns("t")}
        assert list(cols) == ["id", "code", "qty", "unit_price", "parent_id"]
        assert cols["qty"]["nullable"] is False and isinstance(cols["qty"]["type"], sa.BigInteger)
        assert {i["name"] for i in insp.get_indexes("t")} == {"ix_qty", "ix_price", "ix_parent"}
        price_ix = [i for i in insp.get_indexes("t") if i["name"] == "ix_price"][0]
        assert price_ix["column_names"] == ["unit_price"]
        assert [u["name"] for u in insp.get_unique_constraints("t")] == ["uq_code"]
        checks = insp.get_check_constraints("t")
        assert [(c["name"], c["sqltext"]) for c in checks] == [("ck_price", "unit_price >= 0")]
        fks = insp.get_foreign_keys("t")
        assert [(f["name"], f["referred_table"]) for f in fks] == [("fk_parent", "parent")]
        assert insp.get_foreign_keys("child")[0]["referred_table"] == "t"
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == rows
        assert conn.execute(sa.text("SELECT sum(unit_price), sum(qty) FROM t")).one() == (
            sum(i % 1000 for i in range(1, rows + 1)),
            sum(i % 7 for i in range(1, rows + 1)),
        )
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        with pytest.raises(sa.exc.IntegrityError):
            conn.exec_driver_sql("INSERT INTO t (id, code, qty, unit_price) VALUES (0, 'c1', 1, 1)")
    engine.dispose()


def test_naming_convention_finds_unnamed_constraint(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, UNIQUE (a))")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 1)")
    engine.dispose()
    with live_operations(sqlite_url) as (op, conn):
        with op.batch_alter_table(
            "t", naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}
        ) as batch_op:
            batch_op.drop_constraint("uq_t_a", type_="unique")
        assert not sa.inspect(conn).get_unique_constraints("t")
        conn.exec_driver_sql("INSERT INTO t VALUES (2, 1)")


def test_batch_live_on_every_database(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a VARCHAR(10), b INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 'x', 1), (2, 'y', NULL)")
    engine.dispose()
    with live_operations(db_url) as (op, conn):
        with op.batch_alter_table("t") as batch_op:
            batch_op.add_column(sa.Column("c", sa.Integer, server_default="7"))
            batch_op.alter_column(
                "a", nullable=False, existing_type=sa.String(10), type_=sa.String(30)
            )
            batch_op.create_index("ix_t_c", ["c"])
            batch_op.create_unique_constraint("uq_t_a", ["a"])
            batch_op.drop_column("b")
        insp = sa.inspect(conn)
        cols = {c["name"]: c for c in insp.get_columns("t")}
        assert set(cols) == {"id", "a", "c"} and cols["a"]["nullable"] is False
        assert "ix_t_c" in {i["name"] for i in insp.get_indexes("t")}
        rows = conn.execute(sa.text("SELECT id, a, c FROM t ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "x", 7), (2, "y", 7)]


def test_sqlite_move_with_foreign_keys_on_keeps_child_rows(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url)

    @sa.event.listens_for(engine, "connect")
    def _fk_on(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
        conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, "
            "t_id INTEGER REFERENCES t (id) ON DELETE CASCADE)"
        )
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 1)")
        conn.exec_driver_sql("INSERT INTO child VALUES (1, 1)")
    with engine.connect() as conn:
        ctx = FakeMigrationContext(conn.dialect, connection=conn)
        with Operations.context(ctx) as op:
            with op.batch_alter_table("t") as batch_op:
                batch_op.alter_column("a", nullable=False)
        conn.commit()
        assert conn.exec_driver_sql("SELECT * FROM child").all() == [(1, 1)]
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert sa.inspect(conn).get_columns("t")[1]["nullable"] is False
    engine.dispose()


def test_seed_pattern_add_execute_drop_rename(db_url: str) -> None:
    # From the seeds: a staged type change inside one batch, with an UPDATE in the middle.
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE settings (id INTEGER PRIMARY KEY, old_flag INTEGER)")
        conn.exec_driver_sql("INSERT INTO settings VALUES (1, 0), (2, 5)")
    engine.dispose()
    with live_operations(db_url) as (op, conn):
        with op.batch_alter_table("settings") as batch_op:
            batch_op.add_column(sa.Column("new_flag", sa.Boolean))
            batch_op.execute("UPDATE settings SET new_flag = (old_flag != 0)")
            batch_op.drop_column("old_flag")
            batch_op.alter_column("new_flag", new_column_name="flag", existing_type=sa.Boolean)
        cols = [c["name"] for c in sa.inspect(conn).get_columns("settings")]
        assert cols == ["id", "flag"]
        rows = conn.execute(sa.text("SELECT id, flag FROM settings ORDER BY id")).all()
        assert [(r[0], bool(r[1])) for r in rows] == [(1, False), (2, True)]


def test_table_args_override_reflected_columns(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 2)")
    engine.dispose()
    with live_operations(sqlite_url) as (op, conn):
        with op.batch_alter_table(
            "t",
            recreate="always",
            table_args=(
                sa.Column("a", sa.Integer, server_default="9"),
                sa.CheckConstraint("a > 0", name="ck_a"),
            ),
        ) as batch_op:
            batch_op.add_column(sa.Column("b", sa.Integer))
        insp = sa.inspect(conn)
        assert "9" in str(insp.get_columns("t")[1]["default"])
        assert [c["name"] for c in insp.get_check_constraints("t")] == ["ck_a"]
        assert conn.execute(sa.text("SELECT a FROM t")).scalar() == 2


def test_column_level_index_and_unique_are_not_duplicated() -> None:
    source = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.Integer, index=True),
        sa.Column("y", sa.Integer, unique=True),
    )

    def fn(op: Operations) -> None:
        with op.batch_alter_table("t", copy_from=source) as batch_op:
            batch_op.alter_column("x", nullable=False)
            batch_op.add_column(sa.Column("o_id", sa.Integer, sa.ForeignKey("o.id"), index=True))

    out = normalize(render("sqlite", fn))
    assert out.count("UNIQUE (y)") == 1
    assert out.count("CREATE INDEX ix_t_x ON t (x)") == 1
    assert "CREATE INDEX ix_t_o_id ON t (o_id)" in out
    assert "FOREIGN KEY(o_id) REFERENCES o (id)" in out
