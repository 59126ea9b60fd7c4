"""``kill -9`` at any moment of ``tidal upgrade head``: the version table agrees with the schema.

The brief's bar, on the two databases with transactional DDL (SQLite, where Tidal begins the
transaction itself, and PostgreSQL): a run killed with SIGKILL at any moment, whether it is
importing, taking the lock, creating the version table or inside a step, leaves a database
whose version table, tables, rows and applied history all say the same thing; a later run
finishes. Each step creates a table, sleeps, then inserts a row, so a kill inside a step
would show as a table without its row if a step were not atomic.

Kills are spread evenly over the length of one full run (measured first), from the first
import to the last commit, once with one transaction for the run and once with
``transaction_per_migration=True``, where each committed step must survive. CI kills
8 times per case; ``HYPOTHESIS_PROFILE=full`` 40 times.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.runtime.projects import _quiet_env, make_project, version_rows, write_script

from tidal.script.revision import Revision

STEPS = 12
KILLS = 40 if os.environ.get("HYPOTHESIS_PROFILE") == "full" else 8
REVS = [Revision(f"k{i:02d}", f"k{i - 1:02d}" if i else None) for i in range(STEPS)]

_BODY = """def upgrade():
    import time

    op.execute("CREATE TABLE t_{rev} (id INTEGER)")
    time.sleep(0.03)
    op.execute("INSERT INTO t_{rev} (id) VALUES (1)")


def downgrade():
    op.execute("DROP TABLE t_{rev}")
"""


def _project(root: Path, url: str, per_migration: bool) -> Path:
    ini = make_project(root, url, [])
    _quiet_env(ini)
    versions = ini.parent / "migrations" / "versions"
    versions.mkdir(exist_ok=True)
    for rev in REVS:
        write_script(versions, rev, _BODY.format(rev=rev.revision))
    if per_migration:
        env = ini.parent / "migrations" / "env.py"
        old = "connection=connection, target_metadata=target_metadata"
        text = env.read_text()
        assert old in text
        env.write_text(text.replace(old, f"{old}, transaction_per_migration=True"))
    return ini


def _tidal(ini: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tidal", "-c", str(ini), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _finish(ini: Path, *args: str) -> float:
    started = time.perf_counter()
    proc = _tidal(ini, *args)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    return time.perf_counter() - started


def _state(url: str) -> tuple[list[str], dict[str, int], list[str]]:
    """Return (applied revisions by the version table, rows per step table, history rows)."""
    heads = version_rows(url) or []
    assert len(heads) <= 1, heads
    ids = [r.revision for r in REVS]
    applied = ids[: ids.index(heads[0]) + 1] if heads else []
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            rows = {
                n[2:]: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {n}").scalar_one()
                for n in names
                if n.startswith("t_")
            }
            history = (
                [
                    r[0]
                    for r in conn.exec_driver_sql(
                        "SELECT revision FROM tidal_history WHERE direction = 'upgrade' ORDER BY id"
                    )
                ]
                if "tidal_history" in names
                else []
            )
    finally:
        engine.dispose()
    return applied, rows, history


def _assert_agrees(url: str, when: str) -> int:
    applied, rows, history = _state(url)
    assert sorted(rows) == applied, f"{when}: tables {sorted(rows)} but versions {applied}"
    assert all(count == 1 for count in rows.values()), f"{when}: a half-done step: {rows}"
    assert history == applied, f"{when}: history {history} but versions {applied}"
    return len(applied)


def _kill_at_any_moment(root: Path, url: str, per_migration: bool) -> None:
    ini = _project(root, url, per_migration)
    full = _finish(ini, "upgrade", "head")
    assert _assert_agrees(url, "after a full run") == STEPS
    _finish(ini, "downgrade", "base")
    _wipe_history(url)
    seen: set[int] = set()
    for i in range(KILLS):
        delay = full * (i + 0.5) / KILLS
        proc = _tidal(ini, "upgrade", "head")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        seen.add(_assert_agrees(url, f"kill {i} after {delay:.2f}s (exit {proc.returncode})"))
        if not per_migration and seen - {0, STEPS}:
            pytest.fail(f"one transaction for the run, yet a partial state: {seen}")
    _finish(ini, "upgrade", "head")
    assert _assert_agrees(url, "after the re-run") == STEPS
    if per_migration:
        # Some kill landed between two committed steps (the evidence the test can fail).
        assert seen - {0, STEPS}, f"every kill hit the start or the end: {seen}"


def _wipe_history(url: str) -> None:
    # The applied history keeps the downgrades: start the killed runs from an empty one.
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM tidal_history")
    engine.dispose()


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_kill_sqlite(tmp_path: Path, sqlite_url: str, per_migration: bool) -> None:
    _kill_at_any_moment(tmp_path, sqlite_url, per_migration)


@pytest.mark.postgresql
@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_kill_postgresql(tmp_path: Path, pg_url: str, per_migration: bool) -> None:
    _kill_at_any_moment(tmp_path, pg_url, per_migration)
