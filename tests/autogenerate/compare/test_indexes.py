"""Expression and partial indexes: added, dropped, changed ones round-trip; unchanged are clean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.autogenerate.project import diffs, make_project, run
from tests.autogenerate.roundtrip import round_trip

ROWS = ("INSERT INTO t (id, name, n) VALUES (1, 'A', 7)",)

Index = Callable[[sa.Table], sa.Index]


def _models(*indexes: Index) -> sa.MetaData:
    md = sa.MetaData()
    table = sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(30)),
        sa.Column("n", sa.Integer),
    )
    for make in indexes:
        make(table)
    return md


def lower(t: sa.Table) -> sa.Index:
    return sa.Index("ix_t_expr", sa.func.lower(t.c.name), t.c.n)


def upper(t: sa.Table) -> sa.Index:
    return sa.Index("ix_t_expr", sa.func.upper(t.c.name), t.c.n)


def partial(t: sa.Table) -> sa.Index:
    where = sa.text("n > 5 AND name IS NOT NULL")
    return sa.Index("ix_t_part", t.c.name, postgresql_where=where, sqlite_where=where)


def partial_wider(t: sa.Table) -> sa.Index:
    where = sa.text("n > 0 AND name IS NOT NULL")
    return sa.Index("ix_t_part", t.c.name, postgresql_where=where, sqlite_where=where)


def unique_partial(t: sa.Table) -> sa.Index:
    where = t.c.n >= 10
    return sa.Index("ix_t_upart", t.c.n, unique=True, postgresql_where=where, sqlite_where=where)


CHANGES: dict[str, tuple[tuple[Index, ...], tuple[Index, ...]]] = {
    "add_expression": ((), (lower,)),
    "drop_expression": ((lower,), ()),
    "change_expression": ((lower,), (upper,)),
    "add_partial": ((), (partial, unique_partial)),
    "drop_partial": ((partial,), ()),
    "change_where": ((partial,), (partial_wider,)),
    "partial_to_full": ((partial,), (lambda t: sa.Index("ix_t_part", t.c.name),)),
}

DATABASES = ["postgresql", "sqlite"]


@pytest.fixture(params=DATABASES)
def url(request: pytest.FixtureRequest) -> str:
    fixture = {"sqlite": "sqlite_url", "postgresql": "pg_url"}[request.param]
    return str(request.getfixturevalue(fixture))


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_index_round_trip(url: str, tmp_path: Path, change: str) -> None:
    before, after = CHANGES[change]
    script = round_trip(tmp_path / "p", url, _models(*before), _models(*after), rows=ROWS)
    upgrade = script.split("def downgrade", 1)[0]
    assert "create_index" in upgrade or "drop_index" in upgrade


def test_unchanged_expression_and_partial_indexes(url: str, tmp_path: Path) -> None:
    md = _models(lower, partial, unique_partial)
    ini = make_project(tmp_path / "p", url)
    run(ini, "revision", md, message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert diffs(url, md) == []
    assert "No new upgrade operations detected." in run(ini, "check", md)
