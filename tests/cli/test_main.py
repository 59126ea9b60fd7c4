"""tidal.cli.main: dispatch, exit codes, one-line errors, --debug, --raiseerr, masking."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tidal.command
from tidal.cli.main import main
from tidal.config import Config
from tidal.errors import (
    ConfigError,
    DriftError,
    MultipleHeadsError,
    ResolutionError,
    TidalError,
)

Calls = list[tuple[str, Config, dict[str, Any]]]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = migrations\nsqlalchemy.url = driver://u:pw@h/db\n"
        "[db1]\nsqlalchemy.url = driver://u@h/db1\n"
        "[loggers]\nkeys = root\n",
        encoding="utf-8",
    )
    return tmp_path


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    recorded: Calls = []
    for name in tidal.command.COMMANDS:

        def fake(config: Config, *, _name: str = name, **kwargs: Any) -> None:
            recorded.append((_name, config, kwargs))
            config.print_stdout("ran %s", _name)

        monkeypatch.setitem(tidal.command.__dict__, name, fake)
    return recorded


def fail_with(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def boom(config: Config, **kwargs: Any) -> None:
        raise error

    monkeypatch.setitem(tidal.command.__dict__, "heads", boom)


# -- dispatch -----------------------------------------------------------------------------


def test_dispatch_builds_config_like_alembic(
    project: Path, calls: Calls, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-x", "a=1", "-x", "b=2", "upgrade", "head", "--sql"]) == 0
    [(name, config, kwargs)] = calls
    assert name == "upgrade"
    assert kwargs == {"revision": "head", "sql": True, "tag": None}
    assert config.config_file_name == "alembic.ini"
    assert config.toml_file_name == "pyproject.toml"
    assert config.config_ini_section == "alembic"
    assert config.cmd_opts is not None and config.cmd_opts.x == ["a=1", "b=2"]
    assert config.cmd_opts.name == "alembic"
    assert capsys.readouterr().out == "ran upgrade\n"


def test_named_section(project: Path, calls: Calls) -> None:
    assert main(["-n", "db1", "upgrade", "head"]) == 0
    config = calls[0][1]
    assert config.config_ini_section == "db1"
    assert config.get_main_option("sqlalchemy.url") == "driver://u@h/db1"
    assert config.get_main_option("script_location") == "migrations"  # from [alembic]


def test_quiet(project: Path, calls: Calls, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "heads"]) == 0
    assert capsys.readouterr().out == ""


def test_downgrade_minus_one(project: Path, calls: Calls) -> None:
    assert main(["downgrade", "-1"]) == 0
    assert calls[0][2]["revision"] == "-1"


def test_repeated_config(project: Path, calls: Calls) -> None:
    (project / "other.ini").write_text("[alembic]\nscript_location = o\n", encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.alembic]\nfile_template = "x"\n', encoding="utf-8"
    )
    assert main(["-c", "other.ini", "-c", "pyproject.toml", "heads"]) == 0
    config = calls[0][1]
    assert (config.config_file_name, config.toml_file_name) == ("other.ini", "pyproject.toml")
    assert config.get_alembic_option("file_template") == "x"


def test_env_var_config(project: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "t.ini").write_text("[alembic]\n", encoding="utf-8")
    monkeypatch.setenv("ALEMBIC_CONFIG", "alembic.ini")
    monkeypatch.setenv("TIDAL_CONFIG", "t.ini")
    assert main(["heads"]) == 0
    assert calls[0][1].config_file_name == "t.ini"


def test_init_needs_no_config(
    tmp_path: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "migrations"]) == 0
    assert calls[0][2] == {"directory": "migrations", "template": "generic", "package": False}
    assert main(["list_templates"]) == 0


# -- errors -------------------------------------------------------------------------------


def test_missing_section_lists_sections(
    project: Path, calls: Calls, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-n", "db3", "upgrade", "head"]) == 3
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "FAILED: no section [db3] in alembic.ini"
    assert "alembic, db1" in err[1] and "loggers" not in err[1]
    assert len(err) == 2
    assert calls == []


def test_no_configuration(
    tmp_path: Path,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    assert main(["heads"]) == 3
    assert capsys.readouterr().err.startswith("FAILED: no configuration: alembic.ini not found")


def test_pyproject_only_is_enough(
    tmp_path: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.alembic]\nscript_location = "m"\n', encoding="utf-8"
    )
    assert main(["heads"]) == 0


def test_missing_c_file(project: Path, calls: Calls, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-c", "nope.ini", "heads"]) == 3
    assert "nope.ini" in capsys.readouterr().err


def test_two_ini_files_is_usage_error(project: Path, calls: Calls) -> None:
    (project / "b.ini").write_text("", encoding="utf-8")
    assert main(["-c", "alembic.ini", "-c", "b.ini", "heads"]) == 2


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (TidalError("boom"), 1),
        (ConfigError("bad config"), 3),
        (MultipleHeadsError(["a", "b"], "head"), 4),
        (ResolutionError("no such revision 'zz'", "zz"), 4),
        (DriftError("models differ"), 9),
    ],
)
def test_tidal_errors_are_one_line_plus_hint(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: TidalError,
    code: int,
) -> None:
    fail_with(monkeypatch, error)
    assert main(["heads"]) == code
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines == [f"FAILED: {error.message}", f"  hint: {error.hint}"]
    assert "Traceback" not in captured.err + captured.out


def test_debug_prints_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_with(monkeypatch, ConfigError("bad"))
    assert main(["--debug", "heads"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback")
    assert err.splitlines()[-2] == "FAILED: bad"


def test_raiseerr_reraises(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_with(monkeypatch, ConfigError("bad"))
    with pytest.raises(ConfigError):
        main(["--raiseerr", "heads"])
    fail_with(monkeypatch, ValueError("x"))
    with pytest.raises(ValueError):
        main(["--raiseerr", "heads"])


def test_unexpected_error_is_one_line_exit_1(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_with(monkeypatch, RuntimeError("it broke\nsecond line"))
    assert main(["heads"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "FAILED: RuntimeError: it broke",
        "  hint: run again with --debug for the full traceback",
    ]


def test_keyboard_interrupt_is_130(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_with(monkeypatch, KeyboardInterrupt())
    assert main(["heads"]) == 130
    assert capsys.readouterr().err.startswith("FAILED: interrupted")


def test_passwords_are_masked(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_with(monkeypatch, RuntimeError("could not connect to driver://app:hunter2@db:5432/x"))
    assert main(["--debug", "heads"]) == 1
    err = capsys.readouterr().err
    assert "hunter2" not in err
    assert "driver://app:***@db:5432/x" in err


def test_missing_env_var_in_url(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "alembic.ini").write_text(
        "[alembic]\nsqlalchemy.url = ${PRODUCTION_DB_URL}  # 通过环境变量注入\n", encoding="utf-8"
    )
    monkeypatch.delenv("PRODUCTION_DB_URL", raising=False)

    def heads(config: Config, **kwargs: Any) -> None:
        config.get_main_option("sqlalchemy.url")

    monkeypatch.setitem(tidal.command.__dict__, "heads", heads)
    assert main(["heads"]) == 3
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert "PRODUCTION_DB_URL" in err[0] and "sqlalchemy.url" in err[0]


def test_unavailable_command(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(name: str) -> Any:
        raise ModuleNotFoundError("No module named 'tidal.command.x'")

    monkeypatch.delitem(tidal.command.__dict__, "heads", raising=False)
    monkeypatch.setitem(tidal.command.__dict__, "__getattr__", missing)
    assert main(["heads"]) == 1
    assert "heads command is not available" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["bogus"], ["upgrade"], ["--nope", "heads"]])
def test_argparse_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: tidal" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert main(["--version"]) == 0
    assert "tidal " in capsys.readouterr().out


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tidal", "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0 and result.stdout.startswith("tidal ")


def test_every_exit_code_is_documented() -> None:
    import tidal.errors

    docs = (Path(__file__).parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")
    codes = {
        cls.exit_code
        for cls in vars(tidal.errors).values()
        if isinstance(cls, type) and issubclass(cls, TidalError)
    }
    for code in sorted(codes | {0, 2, 130}):
        assert f"\n| {code} |" in docs, f"exit code {code} has no row in docs/errors.md"


# -- end to end, with the real commands (seed flows) ----------------------------------


def _init_project(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "migrations"]) == 0
    assert main(["revision", "-m", "first"]) == 0
    capsys.readouterr()


def test_seed_000_named_sections_share_script_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    _init_project(tmp_path, capsys)
    ini = tmp_path / "alembic.ini"
    ini.write_text(
        ini.read_text(encoding="utf-8")
        + "\n[db1]\nsqlalchemy.url = sqlite:///%(here)s/db1.sqlite\n"
        + "\n[db2]\nsqlalchemy.url = sqlite:///%(here)s/db2.sqlite\n",
        encoding="utf-8",
    )
    assert main(["-n", "db1", "upgrade", "head"]) == 0
    assert (tmp_path / "db1.sqlite").exists() and not (tmp_path / "db2.sqlite").exists()
    capsys.readouterr()
    assert main(["-n", "db3", "upgrade", "head"]) == 3
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "FAILED: no section [db3] in alembic.ini",
        "  hint: sections that exist: alembic, db1, db2; pass one of them with -n",
    ]


def test_seed_003_url_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    _init_project(tmp_path, capsys)
    ini = tmp_path / "alembic.ini"
    lines = [
        "sqlalchemy.url = ${PRODUCTION_DB_URL}  # 通过环境变量注入"
        if line.startswith("sqlalchemy.url")
        else line
        for line in ini.read_text(encoding="utf-8").splitlines()
    ]
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.delenv("PRODUCTION_DB_URL", raising=False)
    assert main(["upgrade", "head"]) == 3
    assert "PRODUCTION_DB_URL" in capsys.readouterr().err
    monkeypatch.setenv("PRODUCTION_DB_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    assert main(["upgrade", "head"]) == 0
    assert (tmp_path / "prod.db").exists()


def test_broken_pipe_is_quiet(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_with(monkeypatch, BrokenPipeError())
    assert main(["heads"]) == 1
    assert capsys.readouterr().err == ""
