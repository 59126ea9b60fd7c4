"""`tidal deploy` on the command line: options, exit codes, no password anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.deploy.project import FAILING_R3, make_project

from tidal.cli.main import main


@pytest.fixture(autouse=True)
def _no_config_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)


def test_deploy_and_failure_exit_codes(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ini = make_project(tmp_path / "ok", sqlite_url)
    backups = tmp_path / "b"
    assert main(["-c", str(ini), "deploy", "r2", "--backup-dir", str(backups)]) == 0
    out = capsys.readouterr().out
    assert "deployed: r2" in out and "backup written: " in out
    assert main(["-c", str(ini), "deploy", "--backup-dir", str(backups), "--keep", "1"]) == 0
    assert len(list(backups.iterdir())) == 1
    assert main(["-c", str(ini), "deploy", "--keep", "0"]) == 2
    assert "--keep 0" in capsys.readouterr().err


def test_failed_deploy_exits_12_with_one_line(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ini = make_project(tmp_path / "p", sqlite_url, {"r3": FAILING_R3})
    code = main(["-c", str(ini), "deploy", "--backup-dir", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 12
    assert err.startswith("FAILED: deploy failed: ") and "Traceback" not in err
    assert "hint: the database is back at r0" in err


@pytest.mark.postgresql
def test_password_never_printed_nor_in_backup_names(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The server trusts local connections, so any password is accepted (and must be hidden).
    secret = "s3cr3t-Pw"
    url = pg_url.replace("postgres@", f"postgres:{secret}@")
    ini = make_project(tmp_path / "p", url)
    backups = tmp_path / "b"
    for argv in (["deploy", "--dry-run"], ["deploy"]):
        code = main(["-c", str(ini), *argv, "--backup-dir", str(backups)])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        assert secret not in captured.out + captured.err
        assert "postgres:***@" in captured.out
    assert [p for p in backups.iterdir() if secret in p.name] == []
    assert len(list(backups.iterdir())) == 1
