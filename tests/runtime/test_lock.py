"""The run lock: parallel upgrades apply each step once; a waiter names the holder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.runtime.projects import _quiet_env, make_project, tidal_command, version_rows

from tidal.dialects.locks import lock_hooks_for
from tidal.errors import LockTimeoutError
from tidal.runtime.lock import lock_name
from tidal.script.revision import Revision

REVS = [Revision(f"r{i}", f"r{i - 1}" if i else None) for i in range(6)]

RUN = (
    "import sys, logging; logging.basicConfig(level=logging.WARNING)\n"
    "from tidal.config import Config\nfrom tidal import command\n"
    "command.upgrade(Config(sys.argv[1]), 'head')\n"
)


def _parallel_upgrade(tmp_path: Path, url: str, processes: int = 16) -> None:
    ini = make_project(tmp_path, url, REVS)
    _quiet_env(ini)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, str(ini)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(processes)
    ]
    results = [(p.wait(timeout=300), p.stderr.read().decode() if p.stderr else "") for p in procs]
    failed = [err for code, err in results if code != 0]
    assert not failed, failed[0]
    assert version_rows(url) == ["r5"]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT revision, direction FROM tidal_history ORDER BY id"
        ).fetchall()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(f"r{i}", "upgrade") for i in range(6)]


@pytest.mark.postgresql
def test_sixteen_parallel_upgrades_postgresql(tmp_path: Path, pg_url: str) -> None:
    _parallel_upgrade(tmp_path, pg_url)


@pytest.mark.mariadb
def test_sixteen_parallel_upgrades_mariadb(tmp_path: Path, mariadb_url: str) -> None:
    _parallel_upgrade(tmp_path, mariadb_url)


def _hold_lock(url: str) -> tuple[sa.engine.Engine, sa.engine.Connection]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    conn = engine.connect()
    hooks = lock_hooks_for(conn.dialect.name)
    assert hooks is not None
    name = lock_name(engine.url.database, None, "alembic_version")
    assert hooks.try_acquire(conn, name)
    return engine, conn


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param("pg_url", marks=pytest.mark.postgresql),
        pytest.param("mariadb_url", marks=pytest.mark.mariadb),
    ],
)
def test_bounded_wait_names_the_holder(
    tmp_path: Path, fixture: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    url = str(request.getfixturevalue(fixture))
    ini = make_project(tmp_path, url, REVS)
    _quiet_env(ini)
    ini.write_text(
        ini.read_text().replace("[alembic]\n", "[alembic]\ntidal_lock_timeout = 0.5\n", 1)
    )
    engine, holder = _hold_lock(url)
    try:
        with caplog.at_level("WARNING", logger="alembic.runtime.lock"):
            with pytest.raises(LockTimeoutError, match="held by"):
                tidal_command(ini, "upgrade", "head")
        assert any("Waiting for the run lock" in r.getMessage() for r in caplog.records)
        assert version_rows(url) in (None, [])
    finally:
        holder.close()
        engine.dispose()
    tidal_command(ini, "upgrade", "head")
    assert version_rows(url) == ["r5"]


def test_sqlite_runs_serialise_on_the_write_lock(tmp_path: Path, sqlite_url: str) -> None:
    ini = make_project(tmp_path, sqlite_url, REVS)
    _quiet_env(ini)
    procs = [
        subprocess.Popen([sys.executable, "-c", RUN, str(ini)], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0, 0, 0, 0]
    assert version_rows(sqlite_url) == ["r5"]


def test_sixteen_parallel_upgrades_sqlite(tmp_path: Path, sqlite_url: str) -> None:
    # SQLite's run lock is the BEGIN IMMEDIATE that starts the run's transaction.
    _parallel_upgrade(tmp_path, sqlite_url)
