"""``--sql`` output, run on an empty database, gives the schema an online upgrade gives."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.runtime.projects import (
    _quiet_env,
    make_project,
    table_names,
    tidal_command,
    version_rows,
    write_script,
)

from tidal.command import migrate
from tidal.config import Config
from tidal.script.revision import Revision


def _history(n: int) -> list[Revision]:
    revs = [Revision("r0000", None)]
    for i in range(1, n):
        parent = f"r{i - 1:04d}" if i % 50 else "r0010"  # a few branches off r0010
        revs.append(Revision(f"r{i:04d}", parent))
    return revs


def _run_script(url: str, sql: str) -> None:
    """Feed the script to the database's own command-line client, as a DBA would."""
    u = sa.engine.make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        argv = ["sqlite3", "-bail", str(u.database)]
    elif backend == "postgresql":
        argv = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(u.host), "-p", str(u.port or 5432)]
        argv += ["-U", str(u.username), "-d", str(u.database)]
    else:
        argv = ["mysql", "-h", str(u.host), "-P", str(u.port or 3306), "-u", str(u.username)]
        argv += [str(u.database)]
    done = subprocess.run(argv, input=sql, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def _offline_matches_online(tmp_path: Path, online_url: str, offline_url: str) -> None:
    revs = _history(200)
    ini = make_project(tmp_path, online_url, revs)
    _quiet_env(ini)
    out = io.StringIO()
    migrate.upgrade(Config(str(ini), output_buffer=out), "heads", sql=True)
    _run_script(offline_url, out.getvalue())
    tidal_command(ini, "upgrade", "heads")
    ignore = {"tidal_history"}
    online = [t for t in table_names(online_url) if t not in ignore]
    assert online == table_names(offline_url)
    assert version_rows(online_url) == version_rows(offline_url)
    assert len(version_rows(online_url) or []) == 4


def test_offline_script_sqlite(tmp_path: Path) -> None:
    _offline_matches_online(
        tmp_path, f"sqlite:///{tmp_path / 'on.db'}", f"sqlite:///{tmp_path / 'off.db'}"
    )


@pytest.mark.postgresql
def test_offline_script_postgresql(tmp_path: Path, pg_url: str) -> None:
    from tests.differential.test_runtime_vs_alembic import _drop_database, _second_database

    second = _second_database(pg_url)
    try:
        _offline_matches_online(tmp_path, pg_url, second)
    finally:
        _drop_database(second)


@pytest.mark.mariadb
def test_offline_script_mariadb(tmp_path: Path, mariadb_url: str) -> None:
    from tests.differential.test_runtime_vs_alembic import _drop_database, _second_database

    second = _second_database(mariadb_url)
    try:
        _offline_matches_online(tmp_path, mariadb_url, second)
    finally:
        _drop_database(second)


def test_failing_step_offline_says_the_script_is_incomplete(tmp_path: Path) -> None:
    from tidal.errors import StepFailedError

    body = "def upgrade():\n    raise RuntimeError('boom')\n\n\ndef downgrade():\n    pass\n"
    ini = make_project(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", [])
    write_script(tmp_path / "migrations" / "versions", Revision("a1", None), body)
    _quiet_env(ini)
    with pytest.raises(StepFailedError) as info:
        migrate.upgrade(Config(str(ini), output_buffer=io.StringIO()), "heads", sql=True)
    assert "boom" in info.value.message
    assert info.value.hint == "the SQL script is incomplete: fix the migration and render it again"
