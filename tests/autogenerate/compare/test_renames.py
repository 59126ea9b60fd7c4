"""Renames: the decider (the CLI's prompt) and ``--rename`` hints, end to end on real databases."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.autogenerate.models import RENAMES, rich_metadata
from tests.autogenerate.project import diffs, make_multidb_project, make_project, run, versions

from tidal.autogenerate.compare.renames import RenameCandidate, RenameHint, parse_rename_hint
from tidal.errors import UsageError


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("users:people", RenameHint("users", "people", None, "users:people")),
        ("users.name:full_name", RenameHint("name", "full_name", "users", "users.name:full_name")),
        ("users.name:users.nm", RenameHint("name", "nm", "users", "users.name:users.nm")),
    ],
)
def test_hint_grammar(text: str, hint: RenameHint) -> None:
    assert parse_rename_hint(text) == hint


@pytest.mark.parametrize("text", ["users", "a:b:c", "a.b:c.d", "a:b.c", ":b", "a.:b", "a.b.c:d"])
def test_malformed_hint(text: str) -> None:
    with pytest.raises(UsageError, match="not a rename") as caught:
        parse_rename_hint(text)
    assert "TABLE.OLD:NEW" in caught.value.hint


def _base(tmp_path: Path, url: str) -> tuple[Path, str, sa.Engine]:
    ini = make_project(tmp_path / "proj", url)
    name = sa.make_url(url).get_dialect().name
    run(ini, "revision", rich_metadata(name), message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO parent (id, name, body) VALUES (1, 'p', 'text')"))
        conn.execute(sa.text("INSERT INTO child (id, parent_id, code) VALUES (5, 1, 'c')"))
    return ini, name, engine


class Decider:
    """A fake prompt: records each question, answers from a fixed dict (default yes)."""

    def __init__(self, answers: dict[str, bool] | None = None) -> None:
        self.asked: list[RenameCandidate] = []
        self.answers = answers or {}

    def __call__(self, candidate: RenameCandidate) -> bool:
        self.asked.append(candidate)
        return self.answers.get(candidate.new, True)


def test_decider_is_asked_and_yes_renames(sqlite_url: str, tmp_path: Path) -> None:
    ini, name, engine = _base(tmp_path, sqlite_url)
    changed = rich_metadata(name)
    RENAMES["rename_column"](changed)
    RENAMES["rename_table"](changed)
    decider = Decider()
    run(ini, "revision", changed, message="r", autogenerate=True, rename_decider=decider)
    assert decider.asked == [
        RenameCandidate("table", "child", "kid"),
        RenameCandidate("column", "body", "content", table="parent"),
    ]
    text = versions(ini)[-1].read_text()
    assert text.count("# detected as rename; check it") == 2
    engine.dispose()


def test_decider_no_gives_drop_and_add_with_warning(db_url: str, tmp_path: Path) -> None:
    ini, name, engine = _base(tmp_path, db_url)
    changed = rich_metadata(name)
    RENAMES["rename_column"](changed)
    RENAMES["rename_table"](changed)
    # MySQL's constraint names are per schema: kid is created while child still exists.
    next(iter(changed.tables["kid"].foreign_key_constraints)).name = "fk_kid_parent"
    decider = Decider({"content": False, "kid": False})
    run(ini, "revision", changed, message="r", autogenerate=True, rename_decider=decider)
    assert len(decider.asked) == 2
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert "detected as rename" not in upgrade
    assert "# WARNING: column parent.body holds data; this drops it" in upgrade
    assert "# WARNING: table child holds data; this drops it" in upgrade
    assert "op.create_table('kid'" in upgrade
    run(ini, "upgrade", None, "head")
    assert "No new upgrade operations detected." in run(ini, "check", changed)
    run(ini, "downgrade", None, "-1")
    assert diffs(db_url, rich_metadata(name)) == []
    engine.dispose()


def _content_as_string(md: sa.MetaData) -> None:
    """Rename parent.body to content and make it VARCHAR(200): no rename by shape."""
    table = md.tables["parent"]
    table._columns.remove(table.c.body)
    table.append_column(sa.Column("content", sa.String(200)))


def test_column_hint_forces_a_pairing_of_different_shapes(db_url: str, tmp_path: Path) -> None:
    ini, name, engine = _base(tmp_path, db_url)
    changed = rich_metadata(name)
    _content_as_string(changed)
    decider = Decider()
    run(
        ini,
        "revision",
        changed,
        message="r",
        autogenerate=True,
        renames=["parent.body:content"],
        rename_decider=decider,
    )
    assert decider.asked == []  # a hinted pair is not asked about
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert "new_column_name='content'" in upgrade and "drop_column" not in upgrade
    run(ini, "upgrade", None, "head")
    assert "No new upgrade operations detected." in run(ini, "check", changed)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT content FROM parent")).scalar() == "text"
    run(ini, "downgrade", None, "-1")
    assert diffs(db_url, rich_metadata(name)) == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT body FROM parent")).scalar() == "text"
    engine.dispose()


def test_table_hint_with_an_extra_column(sqlite_url: str, tmp_path: Path) -> None:
    ini, name, engine = _base(tmp_path, sqlite_url)
    changed = rich_metadata(name)
    RENAMES["rename_table"](changed)
    changed.tables["kid"].append_column(sa.Column("extra", sa.Integer))
    # Without the hint the shapes differ: a drop (with its warning) and a create.
    with pytest.raises(Exception, match="drop_table|remove_table"):
        run(ini, "check", changed)
    run(ini, "revision", changed, message="r", autogenerate=True, renames=["child:kid"])
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert "op.rename_table('child', 'kid')" in upgrade and "drop_table" not in upgrade
    assert "op.add_column('kid'" in upgrade
    run(ini, "upgrade", None, "head")
    assert "No new upgrade operations detected." in run(ini, "check", changed)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT code FROM kid")).scalar() == "c"
    run(ini, "downgrade", None, "-1")
    assert diffs(sqlite_url, rich_metadata(name)) == []
    engine.dispose()


def test_hints_apply_with_no_renames(sqlite_url: str, tmp_path: Path) -> None:
    ini, name, engine = _base(tmp_path, sqlite_url)
    changed = rich_metadata(name)
    RENAMES["rename_column"](changed)
    RENAMES["rename_table"](changed)
    run(
        ini,
        "revision",
        changed,
        message="r",
        autogenerate=True,
        no_renames=True,
        renames=["child:kid"],
    )
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert "op.rename_table('child', 'kid')" in upgrade
    assert "op.drop_column('parent', 'body')" in upgrade
    engine.dispose()


@pytest.mark.parametrize(
    ("hint", "message", "candidates"),
    [
        ("parent.bdy:content", "no removed column 'bdy' (did you mean 'body'?)", "removed: body"),
        (
            "parent.body:contnt",
            "no added column 'contnt' (did you mean 'content'?)",
            "added: content",
        ),
        ("chld:kid", "no removed table 'chld' (did you mean 'child'?)", "removed: child"),
        ("child.code:x", "table 'child' has no removed or added column", "change: parent"),
        ("nosuch:other", "no removed table 'nosuch'", "removed: none; added: none"),
        ("prent.body:x", "table 'prent' has no removed or added column (did you mean", "parent"),
    ],
)
def test_unknown_names_in_hints(
    sqlite_url: str, tmp_path: Path, hint: str, message: str, candidates: str
) -> None:
    ini, name, engine = _base(tmp_path, sqlite_url)
    changed = rich_metadata(name)
    RENAMES["rename_column"](changed)
    if hint.startswith("chld"):
        RENAMES["rename_table"](changed)
    before = versions(ini)
    with pytest.raises(UsageError) as caught:
        run(ini, "revision", changed, message="r", autogenerate=True, renames=[hint])
    assert caught.value.message.startswith(f"--rename {hint}: {message}")
    assert candidates in caught.value.hint
    assert versions(ini) == before
    engine.dispose()


def test_hint_without_autogenerate(sqlite_url: str, tmp_path: Path) -> None:
    ini = make_project(tmp_path / "proj", sqlite_url)
    with pytest.raises(UsageError, match="only applies to `revision --autogenerate`"):
        run(ini, "revision", None, message="r", renames=["a:b"])


def test_hints_in_a_multidb_run_apply_to_the_engine_that_has_the_table(tmp_path: Path) -> None:
    url1, url2 = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    ini = make_multidb_project(tmp_path, url1, url2)

    def models(users: str, logs: str) -> dict[str, sa.MetaData]:
        one, two = sa.MetaData(), sa.MetaData()
        sa.Table(users, one, sa.Column("id", sa.Integer, primary_key=True))
        sa.Table(logs, two, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Text))
        return {"engine1": one, "engine2": two}

    run(ini, "revision", models("users", "logs"), message="base", autogenerate=True)
    run(ini, "upgrade", models("users", "logs"), "head")
    changed = models("users", "events")
    changed["engine2"].tables["events"].append_column(sa.Column("extra", sa.Integer))
    with pytest.raises(UsageError, match="no removed table 'nothere'"):
        run(ini, "revision", changed, message="r", autogenerate=True, renames=["nothere:x"])
    run(ini, "revision", changed, message="r", autogenerate=True, renames=["logs:events"])
    text = versions(ini)[-1].read_text()
    up2 = text.split("def upgrade_engine2", 1)[1].split("def downgrade_engine2", 1)[0]
    assert "op.rename_table('logs', 'events')" in up2
