"""Primary keys: a changed key on an existing table is migrated and undone (Alembic misses it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.autogenerate.project import diffs, make_project, run
from tests.autogenerate.roundtrip import round_trip

ROWS = ("INSERT INTO t (id, code, note) VALUES (1, 'a', 'x')",)


def _models(pk: tuple[str, ...]) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key="id" in pk, autoincrement=False),
        sa.Column("code", sa.String(10), primary_key="code" in pk, nullable="code" not in pk),
        sa.Column("note", sa.String(20)),
    )
    return md


CHANGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "widen": (("id",), ("id", "code")),
    "narrow": (("id", "code"), ("id",)),
    "move": (("id",), ("code",)),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_primary_key_change_round_trip(db_url: str, tmp_path: Path, change: str) -> None:
    before, after = CHANGES[change]
    script = round_trip(tmp_path / "p", db_url, _models(before), _models(after), rows=ROWS)
    upgrade = script.split("def downgrade", 1)[0]
    assert "create_primary_key(" in upgrade
    if not db_url.startswith("sqlite"):
        assert "type_='primary'" in upgrade


def test_unchanged_key_is_no_difference_but_its_order_is(db_url: str, tmp_path: Path) -> None:
    ini = make_project(tmp_path / "p", db_url)
    run(ini, "revision", _models(("id", "code")), message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert diffs(db_url, _models(("id", "code"))) == []
    reordered = _models(("id", "code"))
    table = reordered.tables["t"]
    table.primary_key = sa.PrimaryKeyConstraint(table.c.code, table.c.id)
    kinds = [d[0] for d in diffs(db_url, reordered)]
    assert kinds == (
        ["add_constraint"]
        if db_url.startswith("sqlite")
        else ["remove_constraint", "add_constraint"]
    )
