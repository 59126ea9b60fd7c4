"""Constraint operations: --sql text per dialect, live runs, SQLite rebuilds."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.operations.helpers import assert_sql, capture_logs, live_operations, render

from tidal.errors import IrreversibleOperationError, OperationError
from tidal.operations import Operations
from tidal.operations.ops import CreateUniqueConstraintOp, DropConstraintOp


def _adds(op: Operations) -> None:
    op.create_primary_key("pk_t", "t", ["id"])
    op.create_unique_constraint("uq_t", "t", ["a", "b"])
    op.create_foreign_key(
        "fk_t",
        "t",
        "o",
        ["oid"],
        ["id"],
        ondelete="CASCADE",
        onupdate="SET NULL",
        source_schema="s",
        referent_schema="r",
    )
    op.create_check_constraint("ck_t", "t", "a > 5")


def test_add_constraints_sql() -> None:
    want = [
        "ALTER TABLE t ADD CONSTRAINT pk_t PRIMARY KEY (id)",
        "ALTER TABLE t ADD CONSTRAINT uq_t UNIQUE (a, b)",
        "ALTER TABLE s.t ADD CONSTRAINT fk_t FOREIGN KEY(oid) REFERENCES r.o (id) "
        "ON DELETE CASCADE ON UPDATE SET NULL",
        "ALTER TABLE t ADD CONSTRAINT ck_t CHECK (a > 5)",
    ]
    assert_sql(_adds, postgresql=want, mysql=want)


def test_foreign_key_options_sql() -> None:
    def fn(op: Operations) -> None:
        op.create_foreign_key(
            "fk", "t", "o", ["oid"], ["id"], deferrable=True, initially="DEFERRED", match="FULL"
        )
        op.create_foreign_key(None, "t", "o", ["oid"], ["id"])

    assert_sql(
        fn,
        postgresql=[
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY(oid) REFERENCES o (id) MATCH FULL "
            "DEFERRABLE INITIALLY DEFERRED",
            "ALTER TABLE t ADD FOREIGN KEY(oid) REFERENCES o (id)",
        ],
    )


def test_drop_constraints_sql() -> None:
    def fn(op: Operations) -> None:
        for name, kind in (("fk_t", "foreignkey"), ("uq_t", "unique"), ("pk_t", "primary")):
            op.drop_constraint(name, "t", type_=kind)
        op.drop_constraint("ck_t", "t", type_="check", if_exists=True)

    assert_sql(
        fn,
        postgresql=[
            "ALTER TABLE t DROP CONSTRAINT fk_t",
            "ALTER TABLE t DROP CONSTRAINT uq_t",
            "ALTER TABLE t DROP CONSTRAINT pk_t",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS ck_t",
        ],
        mysql=[
            "ALTER TABLE t DROP FOREIGN KEY fk_t",
            "ALTER TABLE t DROP INDEX uq_t",
            "ALTER TABLE t DROP PRIMARY KEY",
            "ALTER TABLE t DROP CHECK ck_t",  # SQLAlchemy renders no IF EXISTS here
        ],
    )


def test_naming_convention_names_unnamed_constraints() -> None:
    metadata = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})

    def fn(op: Operations) -> None:
        op.create_unique_constraint(None, "t", ["a"])
        op.create_unique_constraint(op.f("exact_name"), "t", ["a"])

    out = render("postgresql", fn, target_metadata=metadata)
    assert "ADD CONSTRAINT uq_t_a UNIQUE (a)" in out
    assert "ADD CONSTRAINT exact_name UNIQUE (a)" in out


def test_exclude_constraint_sql() -> None:
    def fn(op: Operations) -> None:
        op.create_exclude_constraint(
            "ex1", "t", ("period", "&&"), ("room", "="), where="room > 5", using="gist"
        )

    assert_sql(
        fn,
        postgresql="ALTER TABLE t ADD CONSTRAINT ex1 EXCLUDE USING gist "
        "(period WITH &&, room WITH =) WHERE (room > 5)",
    )
    with pytest.raises(OperationError):
        render("mysql", fn)


def test_bad_arguments_fail_with_hint() -> None:
    with pytest.raises(OperationError) as err:
        render("mysql", lambda op: op.drop_constraint("x", "t"))
    assert "type_" in err.value.hint
    with pytest.raises(OperationError) as err:
        render("postgresql", lambda op: op.drop_constraint(None, "t"))  # type: ignore[arg-type]
    assert "name" in err.value.message
    with pytest.raises(OperationError) as err:
        render("sqlite", lambda op: op.create_unique_constraint("u", "t", ["a"]))
    assert "copy_from" in err.value.hint
    with pytest.raises(IrreversibleOperationError):
        DropConstraintOp("x", "t").reverse()


@pytest.fixture
def seeded(db_url: str) -> str:
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE o (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER NOT NULL, a INTEGER, oid INTEGER)")
        conn.exec_driver_sql("INSERT INTO o (id) VALUES (1), (2)")
        conn.exec_driver_sql("INSERT INTO t (id, a, oid) VALUES (1, 10, 1), (2, 20, 2)")
    engine.dispose()
    return db_url


def test_constraints_live(seeded: str, caplog: pytest.LogCaptureFixture) -> None:
    capture_logs(caplog)
    with live_operations(seeded) as (op, conn):
        op.create_primary_key("pk_t", "t", ["id"])
        uq = CreateUniqueConstraintOp("uq_t_a", "t", ["a"])
        op.invoke(uq)
        op.create_foreign_key("fk_t_o", "t", "o", ["oid"], ["id"], ondelete="CASCADE")
        op.create_check_constraint("ck_t_a", "t", "a > 5")
        insp = sa.inspect(conn)
        assert insp.get_pk_constraint("t")["constrained_columns"] == ["id"]
        uniques = {u["name"] for u in insp.get_unique_constraints("t")}
        uniques |= {i["name"] for i in insp.get_indexes("t") if i["unique"]}
        assert "uq_t_a" in uniques
        fks = insp.get_foreign_keys("t")
        assert [f["name"] for f in fks] == ["fk_t_o"]
        assert fks[0]["options"].get("ondelete") == "CASCADE"
        assert "ck_t_a" in {c["name"] for c in insp.get_check_constraints("t")}
        op.invoke(uq.reverse())
        op.drop_constraint("fk_t_o", "t", type_="foreignkey")
        op.drop_constraint("ck_t_a", "t", type_="check")
        insp = sa.inspect(conn)
        assert not insp.get_foreign_keys("t")
        assert "ck_t_a" not in {c["name"] for c in insp.get_check_constraints("t")}
        rows = conn.execute(sa.text("SELECT id, a, oid FROM t ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 10, 1), (2, 20, 2)]
    if seeded.startswith("sqlite"):
        assert "recreating table t" in caplog.text
