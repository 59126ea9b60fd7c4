"""The Tidal-only commands on the command line: status, applied, verify (grammar, exit codes)."""

from __future__ import annotations

import importlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.command.test_reports import make_status_project

from tidal import command
from tidal.cli.main import _command_kwargs, main
from tidal.cli.parser import ALEMBIC_COMMANDS, TIDAL_COMMANDS, build_parser, normalize_argv
from tidal.config import Config
from tidal.errors import ConnectionFailedError, UsageError, VerifyError


def parse(*argv: str) -> tuple[str, dict[str, Any]]:
    options = build_parser().parse_args(normalize_argv(argv))
    return options.cmd.name, _command_kwargs(options.cmd, options)


@pytest.fixture
def project(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    ini = make_status_project(tmp_path / "proj", sqlite_url)
    monkeypatch.chdir(ini.parent)
    return ini


# -- grammar ----------------------------------------------------------------------------------


DEPLOY_DEFAULTS: dict[str, Any] = {
    "revision": "heads",
    "backup_dir": "backups",
    "keep": 10,
    "timeout": 300.0,
    "dry_run": False,
    "no_restore": False,
}


@pytest.mark.parametrize(
    ("argv", "name", "kwargs"),
    [
        (["status"], "status", {"format": "text"}),
        (["status", "--format", "json"], "status", {"format": "json"}),
        (["applied"], "applied", {"format": "text"}),
        (["applied", "--format=json"], "applied", {"format": "json"}),
        (["verify"], "verify", {"accept": False}),
        (["verify", "--accept"], "verify", {"accept": True}),
        (["deploy"], "deploy", DEPLOY_DEFAULTS),
        (
            ["deploy", "r2", "--backup-dir", "/b", "--keep", "3", "--timeout", "5", "--dry-run"],
            "deploy",
            {**DEPLOY_DEFAULTS, "revision": "r2", "backup_dir": "/b", "keep": 3, "timeout": 5.0,
             "dry_run": True},
        ),
        (["deploy", "--no-restore"], "deploy", {**DEPLOY_DEFAULTS, "no_restore": True}),
    ],
)
def test_grammar(argv: list[str], name: str, kwargs: dict[str, Any]) -> None:
    assert parse(*argv) == (name, kwargs)


def test_tidal_commands_are_functions_and_leave_alembics_alone() -> None:
    names = {spec.name for spec in TIDAL_COMMANDS}
    assert names == {"status", "applied", "verify", "deploy"}
    assert not names & {spec.name for spec in ALEMBIC_COMMANDS}
    for name in names:
        # Import the defining module first: a module named like its command would hide it.
        importlib.import_module(f"tidal.command.{command.COMMANDS[name]}")
        assert callable(getattr(command, name)), name


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--format", "xml"],
        ["verify", "--format", "json"],
        ["deploy", "--timeout", "soon"],
        ["deploy", "--keep", "many"],
    ],
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: tidal" in capsys.readouterr().err


def test_help_lists_the_tidal_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert "status" in out and "applied" in out and "verify" in out


# -- status -----------------------------------------------------------------------------------


def test_status_text_and_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "5 pending: a1 -> b2 -> d4 -> c3 -> e5"
    assert main(["upgrade", "heads"]) == 0
    capsys.readouterr()
    assert main(["status", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["up_to_date"] is True and data["pending"] == [] and data["current_heads"] == ["e5"]
    assert main(["-q", "status"]) == 0
    assert capsys.readouterr().out == ""


def test_status_in_a_real_process(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tidal", "status", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"].startswith("5 pending: a1")


def test_unreachable_database(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ini = project
    url = "postgresql+psycopg://bob:s3cret@127.0.0.1:9/nodb"
    text = re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", ini.read_text())
    ini.write_text(text)
    assert main(["status"]) == ConnectionFailedError.exit_code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert any(line.startswith("FAILED: ") for line in captured.err.splitlines())
    assert "s3cret" not in captured.err


def test_no_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    assert main(["status"]) == 3
    assert "FAILED: no configuration" in capsys.readouterr().err


def test_status_format_error_from_the_api(project: Path) -> None:
    with pytest.raises(UsageError):
        command.status(Config(str(project), stdout=io.StringIO()), format="yaml")


# -- applied and verify -----------------------------------------------------------------------


def test_applied(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["applied"]) == 0
    assert capsys.readouterr().out.startswith("No applied history recorded")
    assert main(["upgrade", "+2"]) == 0
    capsys.readouterr()
    assert main(["applied", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["direction"], r["revision"]) for r in rows] == [("upgrade", "a1"), ("upgrade", "b2")]


def test_verify_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upgrade", "+2"]) == 0
    assert main(["verify"]) == 0
    capsys.readouterr()
    [script] = (project.parent / "migrations" / "versions").glob("b2_*.py")
    script.write_text(script.read_text() + "\n# edited after it ran\n")
    assert main(["verify"]) == VerifyError.exit_code
    captured = capsys.readouterr()
    assert "b2: " in captured.out and "changed since it was applied" in captured.out
    # Other lines may precede it (a logging handler left by an earlier test in the process).
    assert "FAILED: 1 changed script(s)" in captured.err.splitlines()[-2]
