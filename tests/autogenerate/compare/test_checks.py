"""Named check constraints: compared only with ``compare_check_constraints=True``."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.autogenerate.models import rich_metadata
from tests.autogenerate.project import diffs, make_project, run
from tests.autogenerate.roundtrip import round_trip

OPTS = {"compare_check_constraints": True}
ROWS = ("INSERT INTO t (id, n, flag) VALUES (1, 5, NULL)",)


def _models(*checks: tuple[str, str]) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer),
        sa.Column("flag", sa.Boolean(create_constraint=True)),
        *(sa.CheckConstraint(text, name=name) for name, text in checks),
    )
    return md


CHANGES = {
    "add": ((), (("ck_t_n", "n > 0"),)),
    "drop": ((("ck_t_n", "n > 0"),), ()),
    "change": ((("ck_t_n", "n > 0"),), (("ck_t_n", "n >= 0 AND n < 100"),)),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_check_round_trip(db_url: str, tmp_path: Path, change: str) -> None:
    before, after = CHANGES[change]
    script = round_trip(
        tmp_path / "p", db_url, _models(*before), _models(*after), configure=OPTS, rows=ROWS
    )
    upgrade = script.split("def downgrade", 1)[0]
    if change != "drop":
        assert "create_check_constraint('ck_t_n', 't'" in upgrade
    if change != "add":
        assert "drop_constraint('ck_t_n', 't', type_='check')" in upgrade


def test_off_by_default_as_in_alembic(db_url: str, tmp_path: Path) -> None:
    ini = make_project(tmp_path / "p", db_url)
    run(ini, "revision", _models(("ck_t_n", "n > 0")), message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert diffs(db_url, _models()) == []
    assert diffs(db_url, _models(("ck_t_n", "n > 1"), ("ck_t_x", "n < 9"))) == []
    assert [d[0] for d in diffs(db_url, _models(), **OPTS)] == ["remove_constraint"]


def test_no_false_difference_on_the_rich_models(db_url: str, tmp_path: Path) -> None:
    name = sa.make_url(db_url).get_dialect().name
    md = rich_metadata(name)
    md.tables["child"].append_constraint(sa.CheckConstraint("n IN (1, 2, 3)", name="ck_child_n"))
    md.tables["parent"].append_constraint(
        sa.CheckConstraint("name <> '' AND (big IS NULL OR big > 0)", name="ck_parent_x")
    )
    ini = make_project(tmp_path / "p", db_url)
    run(ini, "revision", md, message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert diffs(db_url, md, **OPTS) == []
