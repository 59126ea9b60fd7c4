"""Computed and identity columns: no false difference when unchanged; changes round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.autogenerate.project import diffs, make_project, run
from tests.autogenerate.roundtrip import round_trip

ROWS = ("INSERT INTO t (id, n) VALUES (1, 5)", "INSERT INTO t (id, n) VALUES (2, 6)")


def _computed(expr: str = "n * 2", extra: bool = False, stored: bool = True) -> sa.MetaData:
    persisted = True if stored else None
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer),
        sa.Column("g", sa.Integer, sa.Computed(expr, persisted=persisted)),
        *([sa.Column("h", sa.Integer, sa.Computed("n - 1", persisted=persisted))] if extra else []),
    )
    return md


def test_unchanged_generated_columns_are_no_difference(db_url: str, tmp_path: Path) -> None:
    pg = db_url.startswith("postgresql")
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("n", sa.Integer),
        sa.Column("g", sa.Integer, sa.Computed("n * 2 + 1", persisted=True)),
        sa.Column("v", sa.Integer, sa.Computed("(n + 1) * 3", persisted=pg or None)),
        sa.Column("s", sa.String(20)),
        sa.Column("l", sa.Integer, sa.Computed("length(s)", persisted=pg or None)),
    )
    if pg:
        sa.Table(
            "u",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("seq", sa.BigInteger, sa.Identity(start=10, increment=5, always=True)),
        )
    ini = make_project(tmp_path / "p", db_url)
    run(ini, "revision", md, message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert diffs(db_url, md) == []
    assert "No new upgrade operations detected." in run(ini, "check", md)


CHANGES = {
    "expression": ({}, {"expr": "n * 3"}),
    "added": ({}, {"extra": True}),
    "dropped": ({"extra": True}, {}),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_computed_round_trip(db_url: str, tmp_path: Path, change: str) -> None:
    # SQLite cannot ADD a STORED column, and Tidal's SQLite add_column does not rebuild
    # for one yet (test_stored_on_sqlite); its VIRTUAL ones are tested here.
    stored = not db_url.startswith("sqlite")
    before, after = (_computed(**kw, stored=stored) for kw in CHANGES[change])
    script = round_trip(tmp_path / "p", db_url, before, after, rows=ROWS)
    assert "holds data" not in script  # a computed column's values come back from its expression
    if change == "expression":
        upgrade = script.split("def downgrade", 1)[0]
        assert upgrade.index("op.drop_column('t', 'g')") < upgrade.index("op.add_column('t'")
        assert "sa.Computed('n * 3'" in upgrade


def test_stored_on_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    round_trip(tmp_path / "p", sqlite_url, _computed(), _computed("n * 3"), rows=ROWS)


def _identity(identity: sa.Identity | None) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "u",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, *([identity] if identity else []), nullable=False),
    )
    return md


IDENTITY = {
    "increment": (sa.Identity(start=10, increment=5), sa.Identity(start=10, increment=7)),
    "always": (sa.Identity(start=3), sa.Identity(start=3, always=True)),
    "added": (None, sa.Identity(start=100)),
    "dropped": (sa.Identity(start=100), None),
}


@pytest.mark.postgresql
@pytest.mark.parametrize("change", sorted(IDENTITY))
def test_identity_round_trip(pg_url: str, tmp_path: Path, change: str) -> None:
    before, after = IDENTITY[change]
    rows = ("INSERT INTO u (id, seq) OVERRIDING SYSTEM VALUE VALUES (1, 1)",)
    if before is None:
        rows = ("INSERT INTO u (id, seq) VALUES (1, 1)",)
    script = round_trip(tmp_path / "p", pg_url, _identity(before), _identity(after), rows=rows)
    assert "op.execute('ALTER TABLE u ALTER COLUMN seq " in script
