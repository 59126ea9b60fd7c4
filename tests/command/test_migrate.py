"""upgrade / downgrade / stamp / current / ensure_version / verify / applied_history."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.runtime.projects import (
    _quiet_env,
    make_project,
    table_names,
    tidal_command,
    version_rows,
)

from tidal.command import migrate
from tidal.config import Config
from tidal.errors import (
    ConnectionFailedError,
    DatabaseNotAtHeadError,
    RangeNotAllowedError,
    RevisionError,
    TidalError,
    UnknownDatabaseRevisionError,
    VerifyError,
)
from tidal.script.revision import Revision

REVS = [
    Revision("a1", None),
    Revision("b2", "a1"),
    Revision("c3", "b2", branch_labels=("feat",)),
    Revision("d4", "b2"),
]


@pytest.fixture
def project(tmp_path: Path, sqlite_url: str) -> tuple[Path, str]:
    ini = make_project(tmp_path, sqlite_url, REVS)
    _quiet_env(ini)
    return ini, sqlite_url


def _cfg(ini: Path) -> tuple[Config, io.StringIO]:
    out = io.StringIO()
    return Config(str(ini), stdout=out), out


def test_target_forms(project: tuple[Path, str]) -> None:
    ini, url = project
    assert tidal_command(ini, "upgrade", "+1")[1] == ["Running upgrade  -> a1, make a1"]
    tidal_command(ini, "upgrade", "feat@head")
    assert version_rows(url) == ["c3"]
    tidal_command(ini, "upgrade", "heads")
    assert version_rows(url) == ["c3", "d4"]
    tidal_command(ini, "downgrade", "feat@-1")
    assert version_rows(url) == ["d4"]
    tidal_command(ini, "downgrade", "base")
    assert version_rows(url) == []


def test_current_and_current_heads(project: tuple[Path, str]) -> None:
    ini, url = project
    tidal_command(ini, "upgrade", "c3")
    cfg, out = _cfg(ini)
    migrate.current(cfg, verbose=True)
    assert out.getvalue().startswith(f"Current revision(s) for {url}:\nRev: c3 (head)")
    assert migrate.current_heads(cfg) == ("c3",)
    with pytest.raises(DatabaseNotAtHeadError):
        migrate.current(cfg, check_heads=True)


def test_range_without_sql_leaves_database_unchanged(project: tuple[Path, str]) -> None:
    ini, url = project
    with pytest.raises(RangeNotAllowedError):
        tidal_command(ini, "upgrade", "a1:b2")
    with pytest.raises(TidalError, match="requires <fromrev>:<torev>"):
        tidal_command(ini, "downgrade", "base", sql=True)
    assert version_rows(url) is None


def test_unknown_target_and_past_base_leave_database_unchanged(project: tuple[Path, str]) -> None:
    ini, url = project
    with pytest.raises(RevisionError):
        tidal_command(ini, "upgrade", "nosuch")
    assert version_rows(url) is None
    tidal_command(ini, "upgrade", "a1")
    with pytest.raises(RevisionError):
        tidal_command(ini, "downgrade", "-3")
    assert version_rows(url) == ["a1"]
    assert "t_a1" in table_names(url)


def test_database_at_unknown_revision(project: tuple[Path, str]) -> None:
    ini, url = project
    tidal_command(ini, "stamp", "a1")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'gone99'")
    engine.dispose()
    with pytest.raises(UnknownDatabaseRevisionError, match="gone99"):
        tidal_command(ini, "upgrade", "head")
    with pytest.raises(UnknownDatabaseRevisionError):
        tidal_command(ini, "current")
    assert version_rows(url) == ["gone99"]
    tidal_command(ini, "stamp", "b2", purge=True)
    assert version_rows(url) == ["b2"]


def test_connection_failure_hides_password(tmp_path: Path) -> None:
    ini = make_project(tmp_path, "postgresql+psycopg://bob:s3cret@127.0.0.1:9/nodb", REVS)
    _quiet_env(ini)
    with pytest.raises(ConnectionFailedError) as info:
        tidal_command(ini, "upgrade", "head")
    assert "s3cret" not in info.value.message and "***" in info.value.message


def test_stamp_several_and_sql(project: tuple[Path, str]) -> None:
    ini, url = project
    tidal_command(ini, "stamp", ["c3", "d4"])
    assert version_rows(url) == ["c3", "d4"]
    out = io.StringIO()
    migrate.stamp(Config(str(ini), output_buffer=out), "a1:b2", sql=True)
    assert "UPDATE alembic_version SET version_num='b2'" in out.getvalue()
    assert version_rows(url) == ["c3", "d4"]


def test_ensure_version(project: tuple[Path, str]) -> None:
    ini, url = project
    tidal_command(ini, "ensure_version")
    assert version_rows(url) == []


def test_history_and_verify(project: tuple[Path, str]) -> None:
    ini, url = project
    tidal_command(ini, "upgrade", "c3")
    cfg, out = _cfg(ini)
    rows = migrate.applied_history(cfg)
    assert [(r["revision"], r["direction"]) for r in rows] == [
        ("a1", "upgrade"),
        ("b2", "upgrade"),
        ("c3", "upgrade"),
    ]
    assert all(len(r["checksum"]) == 64 and r["tool_version"].startswith("tidal") for r in rows)
    assert migrate.verify(cfg).ok
    script = next((ini.parent / "migrations" / "versions").glob("b2_*.py"))
    script.write_text(script.read_text() + "\n# edited\n")
    with pytest.raises(VerifyError):
        migrate.verify(cfg)
    assert "b2:" in out.getvalue() and "changed since it was applied" in out.getvalue()
    assert migrate.verify(cfg, accept=True).ok
    assert "b2: accepted" in out.getvalue()
    assert migrate.verify(cfg).ok  # the new checksum is now the applied one


def test_history_table_switched_off(project: tuple[Path, str]) -> None:
    ini, url = project
    text = ini.read_text().replace("[alembic]\n", "[alembic]\ntidal_history_table = off\n", 1)
    ini.write_text(text)
    tidal_command(ini, "upgrade", "heads")
    assert "tidal_history" not in table_names(url)


def test_sql_output_has_no_history_or_lock(project: tuple[Path, str]) -> None:
    ini, _ = project
    out = io.StringIO()
    migrate.upgrade(Config(str(ini), output_buffer=out), "heads", sql=True)
    assert "tidal_history" not in out.getvalue() and "LOCK" not in out.getvalue().upper()


def test_upgrade_warns_about_changed_scripts(
    project: tuple[Path, str], caplog: pytest.LogCaptureFixture
) -> None:
    ini, _ = project
    tidal_command(ini, "upgrade", "b2")
    script = next((ini.parent / "migrations" / "versions").glob("a1_*.py"))
    script.write_text(script.read_text() + "\n# edited\n")
    with caplog.at_level("WARNING", logger="alembic.runtime.verify"):
        tidal_command(ini, "upgrade", "c3")
    assert any("a1" in r.getMessage() and "changed" in r.getMessage() for r in caplog.records)
