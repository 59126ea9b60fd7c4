"""tidal.command.reports: applied and pending revisions, text and JSON; tidal applied."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tidal import command
from tidal.command.reports import StatusReport, build_status, status_lines
from tidal.config import Config
from tidal.errors import UsageError
from tidal.script.graph import RevisionGraph
from tidal.script.revision import Revision as R

#: The project's upgrade order from base, as `upgrade heads` runs it (Alembic's order).
ORDER = ["a1", "b2", "d4", "c3", "e5"]


def make_status_project(root: Path, url: str) -> Path:
    """Build a project with init + revision: a1 -> b2 -> {c3 (feat), d4} -> e5 (merge).

    Returns:
        The alembic.ini path.
    """
    root.mkdir(parents=True, exist_ok=True)
    ini = root / "alembic.ini"
    quiet = io.StringIO()
    command.init(Config(str(ini), stdout=quiet), str(root / "migrations"))
    text = re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", ini.read_text())
    ini.write_text(text)
    env = root / "migrations" / "env.py"
    # fileConfig in env.py would reconfigure logging for the whole test process.
    env.write_text(env.read_text().replace("    fileConfig(config.config_file_name)", "    pass"))
    cfg = Config(str(ini), stdout=quiet)
    command.revision(cfg, "create users", rev_id="a1")
    command.revision(cfg, "add email", rev_id="b2")
    command.revision(cfg, "feature", rev_id="c3", branch_label="feat")
    command.revision(cfg, "fix", rev_id="d4", head="b2", splice=True)
    command.merge(cfg, "heads", message="merge feature", rev_id="e5")
    return ini


def run_status(ini: Path, format: str = "text") -> tuple[str, StatusReport]:
    out = io.StringIO()
    report = command.status(Config(str(ini), stdout=out), format=format)
    return out.getvalue(), report


def upgrade(ini: Path, target: str) -> None:
    command.upgrade(Config(str(ini), stdout=io.StringIO()), target)


@pytest.fixture(
    params=["sqlite_url", pytest.param("pg_url", marks=pytest.mark.postgresql)],
    ids=["sqlite", "postgresql"],
)
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


@pytest.fixture
def ini(tmp_path: Path, url: str) -> Path:
    return make_status_project(tmp_path / "proj", url)


def applied_of(report: StatusReport) -> dict[str, bool]:
    return {rev.id: rev.applied for rev in report.revisions}


# -- against a real database ------------------------------------------------------------------


def test_fresh_database_all_pending_and_nothing_written(ini: Path, url: str) -> None:
    text, report = run_status(ini)
    assert [rev.id for rev in report.revisions] == ORDER
    assert not any(applied_of(report).values())
    assert report.current_heads == ()
    assert report.pending == tuple(ORDER)
    lines = text.splitlines()
    assert lines[0] == "Revisions, in upgrade order (base first):"
    assert lines[1] == "  [ ] a1  create users"
    assert "Current heads: base (nothing applied)" in lines
    assert "Heads:         e5 (feat)" in lines
    assert lines[-1] == "5 pending: a1 -> b2 -> d4 -> c3 -> e5"
    engine = sa.create_engine(url)
    try:
        assert sa.inspect(engine).get_table_names() == []  # read-only: no version table
    finally:
        engine.dispose()


def test_after_relative_upgrade(ini: Path) -> None:
    upgrade(ini, "+2")
    text, report = run_status(ini)
    assert applied_of(report) == {"a1": True, "b2": True, "d4": False, "c3": False, "e5": False}
    assert report.current_heads == ("b2",)
    assert report.pending == ("d4", "c3", "e5")
    assert "  [X] b2  add email (current)" in text.splitlines()
    assert "Current heads: b2" in text.splitlines()
    assert text.splitlines()[-1] == "3 pending: d4 -> c3 -> e5"


def test_one_branch_applied(ini: Path) -> None:
    upgrade(ini, "c3")  # feat@head is e5: the merge inherits the label
    text, report = run_status(ini)
    assert applied_of(report) == {"a1": True, "b2": True, "d4": False, "c3": True, "e5": False}
    assert report.current_heads == ("c3",)
    assert "  [X] c3  feature (current) (feat)" in text.splitlines()
    assert "Current heads: c3 (feat)" in text.splitlines()
    assert report.summary() == "2 pending: d4 -> e5"


def test_up_to_date_after_upgrade_heads(ini: Path) -> None:
    upgrade(ini, "heads")
    text, report = run_status(ini)
    assert all(applied_of(report).values())
    assert report.up_to_date and report.pending == ()
    assert report.current_heads == report.heads == ("e5",)
    assert "  [X] e5  merge feature (current) (head) (merge of c3, d4) (feat)" in text
    assert text.splitlines()[-1] == "up to date"


def test_json_is_one_parsable_object(ini: Path) -> None:
    upgrade(ini, "+2")
    text, _ = run_status(ini, format="json")
    data = json.loads(text)
    assert data["current_heads"] == ["b2"]
    assert data["heads"] == ["e5"]
    assert data["pending"] == ["d4", "c3", "e5"]
    assert data["up_to_date"] is False
    assert data["summary"] == "3 pending: d4 -> c3 -> e5"
    assert [r["id"] for r in data["revisions"]] == ORDER
    merge = data["revisions"][-1]
    assert merge == {
        "id": "e5",
        "down_revisions": ["c3", "d4"],
        "depends_on": [],
        "branch_labels": ["feat"],
        "message": "merge feature",
        "applied": False,
        "is_head": True,
        "is_current": False,
    }
    assert data["revisions"][1]["is_current"] is True


def test_pending_is_what_upgrade_heads_runs(ini: Path) -> None:
    upgrade(ini, "+2")
    _, report = run_status(ini)
    out = io.StringIO()
    command.upgrade(Config(str(ini), output_buffer=out), "b2:heads", sql=True)
    ran = re.findall(r"-- Running upgrade .* -> (\w+)", out.getvalue())
    assert tuple(ran) == report.pending


def test_unknown_format_is_a_usage_error(ini: Path) -> None:
    with pytest.raises(UsageError, match="unknown output format 'xml'"):
        run_status(ini, format="xml")


def test_applied_lists_the_history_table(ini: Path) -> None:
    upgrade(ini, "+2")
    out = io.StringIO()
    rows = command.applied(Config(str(ini), stdout=out))
    assert [row["revision"] for row in rows] == ["a1", "b2"]
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "upgrade    base -> a1" in lines[0] and "a1 -> b2" in lines[1]
    out = io.StringIO()
    command.applied(Config(str(ini), stdout=out), format="json")
    data = json.loads(out.getvalue())
    assert [row["direction"] for row in data] == ["upgrade", "upgrade"]
    assert isinstance(data[0]["started_at"], str)


def test_applied_without_history(ini: Path) -> None:
    out = io.StringIO()
    assert command.applied(Config(str(ini), stdout=out)) == []
    assert out.getvalue().startswith("No applied history recorded")


# -- pure report ------------------------------------------------------------------------------


def test_depends_on_counts_as_applied() -> None:
    graph = RevisionGraph(
        [R("a1"), R("x9", branch_labels=("other",)), R("b2", "a1", depends_on="x9")]
    )
    report = build_status(graph, ["b2"])
    assert {rev.id: rev.applied for rev in report.revisions} == {
        "a1": True,
        "x9": True,
        "b2": True,
    }
    assert report.up_to_date
    assert [r.depends_on for r in report.revisions if r.id == "b2"] == [("x9",)]
    assert any("(depends on x9)" in line for line in status_lines(report))


def test_unknown_version_row_is_reported_not_fatal() -> None:
    graph = RevisionGraph([R("a1"), R("b2", "a1")])
    report = build_status(graph, ["a1", "zz"])
    assert report.current_heads == ("a1",) and report.unknown_heads == ("zz",)
    assert report.pending == ("b2",)
    assert any(line.startswith("Unknown:       zz") for line in status_lines(report))


def test_empty_project() -> None:
    report = build_status(RevisionGraph([]), [])
    assert status_lines(report) == [
        "No revisions.",
        "Current heads: base (nothing applied)",
        "Heads:         (none)",
        "up to date",
    ]
