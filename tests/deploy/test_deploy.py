"""tidal deploy on SQLite, PostgreSQL and MariaDB: backup, upgrade, verify, restore.

Each test starts from a database at ``r0`` with rows (tests/deploy/project.py) and
deploys ``r1`` .. ``r5``; a failing deploy must leave the schema, every row and the
version table exactly as they were before it.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.deploy.project import (
    FAILING_R3,
    make_project,
    quiet_config,
    sleeping_r3,
    snapshot,
)

from tidal import command
from tidal.errors import (
    BackupError,
    ConnectionFailedError,
    DeployError,
    DeployNotRestoredError,
    ResolutionError,
    RestoreFailedError,
)


def backend_of(url: str) -> str:
    return sa.make_url(url).get_backend_name()


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    return tmp_path / "backups"


def deploy(ini: Path, backups: Path, out: io.StringIO | None = None, **kw: object) -> object:
    return command.deploy(quiet_config(ini, out), backup_dir=backups, **kw)  # type: ignore[arg-type]


# -- success ------------------------------------------------------------------------------------


@pytest.fixture
def scratch_db(db_url: str) -> Iterator[str]:
    """A second, empty database on db_url's server, to restore a backup into by hand."""
    url = sa.make_url(db_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        yield ""
        return
    name = "tidal_t_" + uuid.uuid4().hex[:12]
    admin_db = "postgres" if backend == "postgresql" else ""
    admin = sa.create_engine(url.set(database=admin_db), isolation_level="AUTOCOMMIT")
    quote = '"' if backend == "postgresql" else "`"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {quote}{name}{quote}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if backend == "postgresql" else ""
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote}{name}{quote}{force}")
        admin.dispose()


def restore_by_hand(backup: Path, db_url: str, scratch: str) -> str:
    """Feed the backup to an empty database with the server's own client; return its URL."""
    backend = backend_of(db_url)
    if backend == "sqlite":
        return f"sqlite:///{backup}"
    name = sa.make_url(scratch).database or ""
    if backend == "postgresql":
        argv = ["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", name, str(backup)]
        subprocess.run(argv, check=True, capture_output=True)
    else:
        with backup.open("rb") as dump:
            subprocess.run(["mysql", "-h", "127.0.0.1", "-uroot", name], stdin=dump, check=True)
    return scratch


def test_deploy_upgrades_and_its_backup_restores_the_pre_deploy_state(
    tmp_path: Path, db_url: str, backups: Path, scratch_db: str
) -> None:
    ini = make_project(tmp_path / "proj", db_url)
    before = snapshot(db_url)
    out = io.StringIO()
    report = command.deploy(quiet_config(ini, out), backup_dir=backups)
    text = out.getvalue()
    assert report.outcome == "deployed" and report.after == ("r5",)
    assert report.pending == ("r1", "r2", "r3", "r4", "r5")
    assert "5 step(s): r1 -> r2 -> r3 -> r4 -> r5" in text
    assert "verify: version table at r5" in text
    assert {"orders", "notes", "audit"} <= set(snapshot(db_url))
    assert report.backup is not None and report.backup.is_file()
    assert report.backup.parent == backups
    assert snapshot(restore_by_hand(report.backup, db_url, scratch_db)) == before


def test_up_to_date_makes_no_backup(tmp_path: Path, sqlite_url: str, backups: Path) -> None:
    ini = make_project(tmp_path / "proj", sqlite_url)
    command.upgrade(quiet_config(ini), "head")
    out = io.StringIO()
    report = command.deploy(quiet_config(ini, out), backup_dir=backups)
    assert report.outcome == "up to date" and "nothing to deploy" in out.getvalue()
    assert not backups.exists()


def test_keep_prunes_older_backups_of_this_database(
    tmp_path: Path, sqlite_url: str, backups: Path
) -> None:
    ini = make_project(tmp_path / "proj", sqlite_url)
    foreign = backups / "sqlite_other_20000101T000000Z.sqlite3"
    backups.mkdir()
    foreign.write_text("another database's backup")
    first = deploy(ini, backups, revision="r2")
    second = deploy(ini, backups, revision="r5", keep=1)
    assert first.backup is not None and not first.backup.exists()  # type: ignore[attr-defined]
    assert second.backup.exists() and second.pruned == [first.backup]  # type: ignore[attr-defined]
    assert foreign.exists()


# -- failure and restore ------------------------------------------------------------------------


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-tx", "tx-per-migration"])
def test_third_of_five_failing_restores_everything(
    tmp_path: Path, db_url: str, backups: Path, per_migration: bool
) -> None:
    ini = make_project(tmp_path / "proj", db_url, {"r3": FAILING_R3}, per_migration)
    before = snapshot(db_url)
    out = io.StringIO()
    with pytest.raises(DeployError) as info:
        deploy(ini, backups, out)
    error = info.value
    assert type(error) is DeployError and error.exit_code == 12
    assert "r2 -> r3" in error.message and "restored" in error.message
    assert "back at r0" in error.hint
    assert snapshot(db_url) == before
    assert command.current_heads(quiet_config(ini)) == ("r0",)
    assert "restored: version table back at r0" in out.getvalue()
    assert len(list(backups.iterdir())) == 1


def test_no_restore_leaves_the_failure_and_keeps_the_backup(
    tmp_path: Path, mariadb_url: str, backups: Path
) -> None:
    ini = make_project(tmp_path / "proj", mariadb_url, {"r3": FAILING_R3})
    with pytest.raises(DeployNotRestoredError) as info:
        deploy(ini, backups, no_restore=True)
    assert info.value.exit_code == 15 and "not restored" in info.value.message
    # MariaDB commits DDL as it runs: r1 and r2 stay applied, and so does r3's table.
    assert command.current_heads(quiet_config(ini)) == ("r2",)
    assert "notes" in snapshot(mariadb_url)
    assert len(list(backups.iterdir())) == 1


def running_sleeps(url: str) -> list[str]:
    backend = backend_of(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if backend == "postgresql":
                sql = (
                    "SELECT query FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' "
                    "AND pid <> pg_backend_pid()"
                )
            else:
                sql = (
                    "SELECT info FROM information_schema.processlist "
                    "WHERE info LIKE '%SLEEP(60)%' AND id <> CONNECTION_ID()"
                )
            return [str(row[0]) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_timeout_cancels_on_the_server_and_restores(
    tmp_path: Path, db_url: str, backups: Path
) -> None:
    backend = backend_of(db_url)
    ini = make_project(tmp_path / "proj", db_url, {"r3": sleeping_r3(backend)}, per_migration=True)
    before = snapshot(db_url)
    started = time.monotonic()
    with pytest.raises(DeployError) as info:
        deploy(ini, backups, timeout=5)
    elapsed = time.monotonic() - started
    assert type(info.value) is DeployError
    assert "--timeout 5" in info.value.message and "cancelled on the server" in info.value.message
    assert elapsed < 40
    if backend != "sqlite":
        assert running_sleeps(db_url) == []
    assert snapshot(db_url) == before


@pytest.mark.postgresql
def test_timeout_with_the_async_template(tmp_path: Path, pg_url: str, backups: Path) -> None:
    url = pg_url.replace("+psycopg", "+asyncpg")
    r3 = sleeping_r3("postgresql")
    ini = make_project(tmp_path / "proj", url, {"r3": r3}, per_migration=True, template="async")
    before = snapshot(pg_url)
    with pytest.raises(DeployError, match="cancelled on the server"):
        deploy(ini, backups, timeout=5)
    assert running_sleeps(pg_url) == []
    assert snapshot(pg_url) == before


def test_failed_verification_restores(tmp_path: Path, sqlite_url: str, backups: Path) -> None:
    ini = make_project(tmp_path / "proj", sqlite_url, metadata=True)
    models = tmp_path / "proj" / "migrations" / "tidal_deploy_models.py"
    models.write_text(models.read_text().replace('sa.Table("audit"', 'sa.Table("audit2"'))
    sys.modules.pop("tidal_deploy_models", None)
    before = snapshot(sqlite_url)
    out = io.StringIO()
    with pytest.raises(DeployError, match="restored"):
        deploy(ini, backups, out)
    assert "audit" in out.getvalue()
    assert snapshot(sqlite_url) == before


def test_verification_runs_check_when_env_has_metadata(
    tmp_path: Path, pg_url: str, backups: Path
) -> None:
    ini = make_project(tmp_path / "proj", pg_url, metadata=True)
    out = io.StringIO()
    deploy(ini, backups, out)
    assert "verify: the models match the database" in out.getvalue()


def test_restore_failure_is_its_own_error(
    tmp_path: Path, sqlite_url: str, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tidal.dialects import backup as backup_tools

    ini = make_project(tmp_path / "proj", sqlite_url, {"r3": FAILING_R3})
    real = backup_tools.backup_tool_for

    def broken(url: object) -> object:
        tool = real(url)  # type: ignore[arg-type]

        def restore(path: Path) -> None:
            raise RestoreFailedError("disk full", "free space")

        tool.restore = restore  # type: ignore[method-assign]
        return tool

    monkeypatch.setattr(backup_tools, "backup_tool_for", broken)
    with pytest.raises(RestoreFailedError) as info:
        deploy(ini, backups)
    assert info.value.exit_code == 13 and "disk full" in info.value.message
    assert "by hand" in info.value.hint


# -- dry run and refusals: nothing changes ------------------------------------------------------


def test_dry_run_prints_backup_steps_and_sql_and_changes_nothing(
    tmp_path: Path, db_url: str, backups: Path
) -> None:
    ini = make_project(tmp_path / "proj", db_url)
    before = snapshot(db_url)
    out = io.StringIO()
    report = deploy(ini, backups, out, dry_run=True)
    text = out.getvalue()
    assert report.outcome == "dry run"  # type: ignore[attr-defined]
    assert "backup (not run): " in text
    assert "r1 -> r2 -> r3 -> r4 -> r5" in text
    assert "CREATE TABLE orders" in text and "UPDATE alembic_version" in text
    assert "dry run: nothing was changed" in text
    assert snapshot(db_url) == before and not backups.exists()


def test_unknown_target_changes_nothing(tmp_path: Path, sqlite_url: str, backups: Path) -> None:
    ini = make_project(tmp_path / "proj", sqlite_url)
    before = snapshot(sqlite_url)
    with pytest.raises(ResolutionError):
        deploy(ini, backups, revision="nosuchrev")
    assert snapshot(sqlite_url) == before and not backups.exists()


def test_unreachable_database(tmp_path: Path, backups: Path) -> None:
    ini = make_project(tmp_path / "proj", f"sqlite:///{tmp_path / 'ok.db'}")
    text = ini.read_text().replace(
        f"sqlite:///{tmp_path / 'ok.db'}", "postgresql+psycopg://app:pw0rd@127.0.0.1:1/shop"
    )
    ini.write_text(text)
    with pytest.raises(ConnectionFailedError) as info:
        deploy(ini, backups)
    assert "pw0rd" not in info.value.message + info.value.hint
    assert not backups.exists()


@pytest.mark.parametrize(
    "url_fixture",
    [
        pytest.param("pg_url", marks=pytest.mark.postgresql),
        pytest.param("mariadb_url", marks=pytest.mark.mariadb),
    ],
)
def test_no_dump_tool_on_path_changes_nothing(
    tmp_path: Path,
    backups: Path,
    url_fixture: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = str(request.getfixturevalue(url_fixture))
    ini = make_project(tmp_path / "proj", url)
    before = snapshot(url)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(BackupError) as info:
        deploy(ini, backups)
    assert info.value.exit_code == 14
    monkeypatch.undo()
    assert snapshot(url) == before and not backups.exists()


def test_unwritable_backup_dir_changes_nothing(tmp_path: Path, db_url: str) -> None:
    ini = make_project(tmp_path / "proj", db_url)
    before = snapshot(db_url)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(BackupError, match="not writable") as info:
        deploy(ini, blocker / "backups")
    assert "--backup-dir" in info.value.hint
    assert snapshot(db_url) == before
