"""SQLite expression indexes, which SQLAlchemy's inspector skips, read from sqlite_master."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tidal.dialects.autogen.sqlite import RULES, parse_create_index


@pytest.mark.parametrize(
    ("sql", "columns", "expressions", "unique", "where"),
    [
        ("CREATE INDEX ix ON t (lower(name))", [None], ["lower(name)"], False, None),
        (
            'CREATE UNIQUE INDEX "ix" ON "t" ("a", substr(b, 1, 2), `c`)',
            ["a", None, "c"],
            ["a", "substr(b, 1, 2)", "c"],
            True,
            None,
        ),
        (
            "create index if not exists ix on t(coalesce(a, ','), b) where b is not null",
            [None, "b"],
            ["coalesce(a, ',')", "b"],
            False,
            "b is not null",
        ),
    ],
)
def test_parse(
    sql: str, columns: list[str | None], expressions: list[str], unique: bool, where: str | None
) -> None:
    found = parse_create_index("ix", sql)
    assert found is not None
    assert found["column_names"] == columns and found["expressions"] == expressions
    assert found["unique"] is unique
    assert found["dialect_options"].get("sqlite_where") == where


@pytest.mark.parametrize("sql", ["CREATE INDEX ix ON t (a, b)", "CREATE INDEX ix ON t (a", "x"])
def test_plain_or_unreadable_is_left_to_the_inspector(sql: str) -> None:
    assert parse_create_index("ix", sql) is None


def test_reads_the_live_database(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.exec_driver_sql("CREATE TABLE other (a INTEGER)")
        conn.exec_driver_sql("CREATE INDEX ix_plain ON t (a)")
        conn.exec_driver_sql("CREATE INDEX ix_expr ON t (lower(b)) WHERE a > 1")
        conn.exec_driver_sql("CREATE INDEX ix_other ON other (abs(a))")
        found = RULES.unreflected_indexes(conn, None, ["t"])
    engine.dispose()
    assert list(found) == ["t"]
    assert [(ix["name"], ix["expressions"]) for ix in found["t"]] == [("ix_expr", ["lower(b)"])]
    assert found["t"][0]["dialect_options"] == {"sqlite_where": "a > 1"}
