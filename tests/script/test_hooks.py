"""Post-write hooks: the three runner types, options, failures and registered runners."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tidal.errors import HookError
from tidal.script import hooks
from tidal.script.hooks import parse_hooks, run_hook, run_hooks


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "abc_rev.py"
    path.write_text("x = 1\n")
    return path


def recorder(tmp_path: Path) -> tuple[Path, Path]:
    """A small program writing its argv to a file; returns (program, record file)."""
    record = tmp_path / "argv.txt"
    program = tmp_path / "rec.py"
    program.write_text(
        f"import sys, pathlib\npathlib.Path({str(record)!r}).write_text('\\n'.join(sys.argv[1:]))\n"
    )
    return program, record


def test_parse_hooks_section() -> None:
    section = {
        "hooks": "black, ruff",
        "black.type": "console_scripts",
        "black.entrypoint": "black",
        "ruff.type": "exec",
        "ruff.executable": "ruff",
        "ruff.options": "check REVISION_SCRIPT_FILENAME",
        "unused.type": "exec",
    }
    parsed = parse_hooks(section)
    assert [h["_hook_name"] for h in parsed] == ["black", "ruff"]
    assert parsed[1]["options"] == "check REVISION_SCRIPT_FILENAME"
    assert parse_hooks({}) == []


def test_exec_with_token(tmp_path: Path, target: Path) -> None:
    program, record = recorder(tmp_path)
    run_hook(
        str(target),
        {
            "_hook_name": "r",
            "type": "exec",
            "executable": sys.executable,
            "options": f"{program} --flag REVISION_SCRIPT_FILENAME",
        },
    )
    assert record.read_text().splitlines() == ["--flag", str(target)]


def test_exec_without_token_passes_the_file_first(tmp_path: Path, target: Path) -> None:
    program, record = recorder(tmp_path)
    # without the token the file comes first: here the "program" is python and the file is
    # a script writing its argv, so give it the recorder itself as the target
    run_hook(
        str(program),
        {"_hook_name": "r", "type": "exec", "executable": sys.executable, "options": "-v2"},
    )
    assert record.read_text().splitlines() == ["-v2"]


def test_module_runner(tmp_path: Path, target: Path) -> None:
    run_hook(
        str(target),
        {
            "_hook_name": "c",
            "type": "module",
            "module": "py_compile",
            "options": "REVISION_SCRIPT_FILENAME",
        },
    )


def test_console_scripts_runner(target: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # Mako's mako-render entry point renders the file to stdout and exits 0
    run_hook(
        str(target),
        {"_hook_name": "m", "type": "console_scripts", "entrypoint": "mako-render"},
    )
    assert "x = 1" in capfd.readouterr().out


def test_unknown_console_script(target: Path) -> None:
    with pytest.raises(HookError, match="could not find entrypoint console_scripts.nope"):
        run_hook(str(target), {"_hook_name": "x", "type": "console_scripts", "entrypoint": "nope"})


def test_failing_hook_raises(target: Path) -> None:
    with pytest.raises(HookError, match="failed with exit code 3") as info:
        run_hook(
            str(target),
            {
                "_hook_name": "bad",
                "type": "exec",
                "executable": sys.executable,
                "options": "-c 'import sys; sys.exit(3)' REVISION_SCRIPT_FILENAME",
            },
        )
    assert info.value.exit_code == 11


def test_missing_program(target: Path) -> None:
    with pytest.raises(HookError, match="could not run"):
        run_hook(str(target), {"_hook_name": "x", "type": "exec", "executable": "/no/such/bin"})


def test_missing_type_and_keys(target: Path) -> None:
    with pytest.raises(HookError, match="x.type is required"):
        run_hook(str(target), {"_hook_name": "x"})
    with pytest.raises(HookError, match="x.module is required"):
        run_hook(str(target), {"_hook_name": "x", "type": "module"})
    with pytest.raises(HookError, match="no post write hook runner named 'weird'"):
        run_hook(str(target), {"_hook_name": "x", "type": "weird"})


def test_executable_without_type_runs_as_exec(tmp_path: Path, target: Path) -> None:
    """Deliberate difference from Alembic: seed 003 writes hooks this way."""
    program, record = recorder(tmp_path)
    run_hook(
        str(target),
        {
            "_hook_name": "v",
            "executable": sys.executable,
            "options": f"{program} REVISION_SCRIPT_FILENAME",
        },
    )
    assert record.read_text() == str(target)


def test_registered_runner_and_status(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "_registry", {})
    seen: list[tuple[str, str]] = []

    @hooks.register("mine")
    def mine(path: str, options: object) -> None:
        seen.append((path, dict(options)["arg"]))  # type: ignore[call-overload]

    lines: list[str] = []
    run_hooks(str(target), [{"_hook_name": "m", "type": "mine", "arg": "1"}], lines.append)
    assert seen == [(str(target), "1")]
    assert lines == ["Running post write hook 'm' ...  done"]

    @hooks.register("broken")
    def broken(path: str, options: object) -> None:
        raise RuntimeError("nope")

    with pytest.raises(HookError, match="'b' failed: nope"):
        run_hooks(str(target), [{"_hook_name": "b", "type": "broken"}])
