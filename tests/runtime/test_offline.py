"""``--sql`` output, run on an empty database, gives the schema an online upgrade gives."""

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
from tidal.script.revision import Revision


def _history(n: int) -> list[Revision]:
    revs = [Revision("r0000", None)]
    for i in range(1, n):
        parent = f"r{i - 1:04d}" if i % 50 else "r0010"  # a few branches off r0010
        revs.append(Revision(f"r{i:04d}", parent))
    return revs


def _run_script(url: str, sql: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            raw.driver_connection.executescript(sql)  # type: ignore[union-attr]
        elif engine.dialect.name == "postgresql":
            cursor.execute(sql)
        else:
            for statement in sql.split(";\n\n"):
                if statement.strip():
                    cursor.execute(statement)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


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
