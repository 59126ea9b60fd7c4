"""Named enum types on PostgreSQL: created, given values, dropped; downgrades restore them."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.autogenerate.project import diffs, make_project, run, versions
from tests.autogenerate.roundtrip import with_configure

pytestmark = pytest.mark.postgresql


def _md(*columns: tuple[str, tuple[str, ...]], table: str = "t") -> sa.MetaData:
    md = sa.MetaData()
    cols = [sa.Column(name, sa.Enum(*values, name=f"{name}_enum")) for name, values in columns]
    sa.Table(table, md, sa.Column("id", sa.Integer, primary_key=True), *cols)
    return md


def _types(url: str, schema: str = "public") -> dict[str, list[str]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
            "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = %(s)s "
            "ORDER BY t.typname, e.enumsortorder",
            {"s": schema},
        ).all()
    engine.dispose()
    out: dict[str, list[str]] = {}
    for name, label in rows:
        out.setdefault(name, []).append(label)
    return out


def _step(ini: Path, url: str, before: sa.MetaData, after: sa.MetaData, message: str) -> str:
    run(ini, "revision", after, message=message, autogenerate=True)
    text = versions(ini)[-1].read_text()
    run(ini, "upgrade", None, "head")
    assert "No new upgrade operations detected." in run(ini, "check", after)
    assert diffs(url, after) == []
    return text


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (_md(("k", ("a", "b")), ("k2", ("x", "y"))), {"k_enum": ["a", "b"], "k2_enum": ["x", "y"]}),
        (_md(("k", ("a", "b", "c"))), {"k_enum": ["a", "b", "c"]}),
        (_md(("k", ("b", "a"))), {"k_enum": ["b", "a"]}),
        (_md(("k", ("a",))), {"k_enum": ["a"]}),
        (_md(), {}),
    ],
    ids=["new-type-on-add-column", "add-value", "reorder", "remove-value", "drop-unused"],
)
def test_enum_change_round_trip(
    pg_url: str, tmp_path: Path, after: sa.MetaData, expected: dict[str, list[str]]
) -> None:
    ini = make_project(tmp_path / "p", pg_url)
    before = _md(("k", ("a", "b")))
    _step(ini, pg_url, sa.MetaData(), before, "base")
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (id, k) VALUES (1, 'a')")
    engine.dispose()
    text = _step(ini, pg_url, before, after, "change")
    assert "op.execute(" in text
    assert _types(pg_url) == expected
    run(ini, "downgrade", None, "-1")
    assert _types(pg_url) == {"k_enum": ["a", "b"]}
    assert diffs(pg_url, before) == []
    run(ini, "downgrade", None, "base")
    assert _types(pg_url) == {}


def test_dropped_table_takes_its_type_and_downgrade_brings_both_back(
    pg_url: str, tmp_path: Path
) -> None:
    ini = make_project(tmp_path / "p", pg_url)
    before = _md(("k", ("a", "b")))
    _step(ini, pg_url, sa.MetaData(), before, "base")
    _step(ini, pg_url, before, sa.MetaData(), "drop")
    assert _types(pg_url) == {}
    run(ini, "downgrade", None, "-1")
    assert _types(pg_url) == {"k_enum": ["a", "b"]}
    assert diffs(pg_url, before) == []


def _with_use(values: tuple[str, ...]) -> sa.MetaData:
    md = sa.MetaData()
    table = sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("k", sa.Enum(*values, name="k_enum")),
    )
    where = " AND ".join(f"k <> '{v}'" for v in values[2:]) or "k IS NOT NULL"
    sa.Index("ix_t_k_open", table.c.id, postgresql_where=sa.text(where))
    return md


def test_added_value_is_usable_in_the_same_migration(pg_url: str, tmp_path: Path) -> None:
    # ADD VALUE's value cannot be used in its own transaction ("unsafe use of new value"):
    # the partial index's new WHERE uses it, so the value is committed first.
    ini = make_project(tmp_path / "p", pg_url)
    before = _with_use(("a", "b"))
    _step(ini, pg_url, sa.MetaData(), before, "base")
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (id, k) VALUES (1, 'b')")
    after = _with_use(("a", "b", "closed"))
    text = _step(ini, pg_url, before, after, "add closed")
    assert "autocommit_block()" in text
    assert "ADD VALUE IF NOT EXISTS 'closed'" in text
    assert _types(pg_url) == {"k_enum": ["a", "b", "closed"]}
    with engine.connect() as conn:
        index = conn.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_t_k_open'"
        ).scalar_one()
        assert "'closed'" in index
        assert conn.exec_driver_sql("SELECT k FROM t").scalars().all() == ["b"]
    engine.dispose()
    run(ini, "downgrade", None, "-1")
    assert _types(pg_url) == {"k_enum": ["a", "b"]}
    assert diffs(pg_url, before) == []


def test_a_failed_migration_after_an_added_value_reruns(pg_url: str, tmp_path: Path) -> None:
    ini = make_project(tmp_path / "p", pg_url)
    before = _md(("k", ("a", "b")))
    _step(ini, pg_url, sa.MetaData(), before, "base")
    after = _md(("k", ("a", "b", "c")))
    run(ini, "revision", after, message="add c", autogenerate=True)
    script = versions(ini)[-1]
    good = script.read_text()
    script.write_text(good.replace("# ### end Alembic commands ###", "raise RuntimeError('x')", 1))
    with pytest.raises(Exception, match="failed"):
        run(ini, "upgrade", None, "head")
    assert _types(pg_url) == {"k_enum": ["a", "b", "c"]}  # committed before the failure
    script.write_text(good)
    run(ini, "upgrade", None, "head")  # IF NOT EXISTS: the re-run does not trip on it
    assert diffs(pg_url, after) == []


def _guarded(values: tuple[str, ...]) -> sa.MetaData:
    md = sa.MetaData()
    table = sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("k", sa.Enum(*values, name="k_enum"), server_default="a", nullable=False),
    )
    sa.Index("ix_t_k_a", table.c.id, postgresql_where=sa.text("k = 'a'"))
    sa.Index("ix_t_is_b", table.c.id, sa.text("(k = 'b')"))
    return md


@pytest.mark.parametrize(
    ("before", "after"),
    [(("a", "b", "c"), ("a", "b")), (("a", "b"), ("b", "a")), (("a", "b"), ("a", "b", "c"))],
    ids=["remove-value", "reorder", "add-value-then-downgrade"],
)
def test_recreated_type_keeps_defaults_and_dependent_indexes(
    pg_url: str, tmp_path: Path, before: tuple[str, ...], after: tuple[str, ...]
) -> None:
    # Re-typing a column fails while its default or a partial/expression index compares it
    # with the old type: the DO block moves both out of the way and back.
    ini = make_project(tmp_path / "p", pg_url)
    _step(ini, pg_url, sa.MetaData(), _guarded(before), "base")
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (id, k) VALUES (1, 'b'), (2, 'a')")
    _step(ini, pg_url, _guarded(before), _guarded(after), "change")
    assert _types(pg_url) == {"k_enum": list(after)}
    run(ini, "downgrade", None, "-1")
    assert _types(pg_url) == {"k_enum": list(before)}
    assert diffs(pg_url, _guarded(before)) == []
    with engine.connect() as conn:
        indexes = conn.exec_driver_sql(
            "SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY indexname"
        ).scalars().all()
        assert indexes == ["ix_t_is_b", "ix_t_k_a", "t_pkey"]
        assert conn.exec_driver_sql("SELECT k FROM t ORDER BY id").scalars().all() == ["b", "a"]
        conn.exec_driver_sql("INSERT INTO t (id) VALUES (3)")
        assert conn.exec_driver_sql("SELECT k FROM t WHERE id = 3").scalar_one() == "a"
        conn.rollback()
    engine.dispose()


def _billing(values: tuple[str, ...]) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "invoices",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Enum(*values, name="inv_kind", schema="billing"), server_default="a"),
        schema="billing",
    )
    return md


@pytest.mark.parametrize("after", [("a", "b", "c"), ("b", "a")], ids=["add-value", "reorder"])
def test_enum_in_another_schema(pg_url: str, tmp_path: Path, after: tuple[str, ...]) -> None:
    # The type lives in schema billing, off the search path: it is compared and changed
    # there, not created anew in the default schema.
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA billing")
    engine.dispose()
    ini = make_project(tmp_path / "p", pg_url)
    with_configure(ini, "include_schemas=True")
    before = _billing(("a", "b"))
    run(ini, "revision", before, message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert diffs(pg_url, before, include_schemas=True) == []
    run(ini, "revision", _billing(after), message="change", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert diffs(pg_url, _billing(after), include_schemas=True) == []
    assert _types(pg_url, "billing") == {"inv_kind": list(after)}
    assert _types(pg_url) == {}
    run(ini, "downgrade", None, "-1")
    assert _types(pg_url, "billing") == {"inv_kind": ["a", "b"]}
    assert diffs(pg_url, before, include_schemas=True) == []
