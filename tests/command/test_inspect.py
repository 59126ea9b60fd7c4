"""heads, branches, history, show: exact text on a known project, and the DB-needing forms."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tidal import command
from tidal.config import Config
from tidal.errors import TidalError, UsageError

SCRIPT = '''"""{msg}

Revision ID: {rev}
Revises: {down_text}
Create Date: 2024-01-01 00:00:00

"""
revision = {rev!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {deps!r}
'''


def write_rev(versions: Path, rev: str, down: object, msg: str, labels: object = None,
              deps: object = None) -> None:
    down_text = ", ".join(down) if isinstance(down, tuple) else str(down or "")
    (versions / f"{rev}.py").write_text(
        SCRIPT.format(rev=rev, down=down, msg=msg, labels=labels, deps=deps, down_text=down_text)
    )


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    versions = tmp_path / "mig" / "versions"
    versions.mkdir(parents=True)
    write_rev(versions, "a1", None, "first")
    write_rev(versions, "b2", "a1", "second")
    write_rev(versions, "c3", "a1", "side", labels=("xb",))
    write_rev(versions, "d4", "b2", "dep", deps="c3")
    write_rev(versions, "m5", ("d4", "c3"), "merge")
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/mig\n")
    return Config(str(ini), stdout=io.StringIO())


def out(cfg: Config) -> str:
    assert isinstance(cfg.stdout, io.StringIO)
    text = cfg.stdout.getvalue()
    cfg.stdout.seek(0)
    cfg.stdout.truncate()
    return text


def test_heads(cfg: Config) -> None:
    command.heads(cfg)
    assert out(cfg) == "m5 (xb) (head)\n"
    command.heads(cfg, verbose=True)
    text = out(cfg)
    assert text.startswith("Rev: m5 (head) (mergepoint)\nMerges: d4, c3\nBranch names: xb\nPath: ")
    assert text.endswith("\n\n    merge\n    \n    Revision ID: m5\n    Revises: d4, c3\n"
                         "    Create Date: 2024-01-01 00:00:00\n\n")


def test_history(cfg: Config) -> None:
    command.history(cfg)
    assert out(cfg) == (
        "d4, c3 -> m5 (xb) (head) (mergepoint), merge\n"
        "b2 (c3) -> d4, dep\n"
        "a1 -> b2, second\n"
        "a1 -> c3 (xb), side\n"
        "<base> -> a1 (branchpoint), first\n"
    )
    command.history(cfg, "b2:")
    assert out(cfg).splitlines()[-1] == "a1 -> b2, second"
    command.history(cfg, ":a1")
    assert out(cfg) == "<base> -> a1 (branchpoint), first\n"


def test_history_range_needs_colon(cfg: Config) -> None:
    with pytest.raises(UsageError, match=r"History range requires \[start\]:\[end\]"):
        command.history(cfg, "a1")


def test_branches(cfg: Config) -> None:
    command.branches(cfg)
    assert out(cfg) == "a1 (branchpoint)\n   -> b2\n   -> c3 (xb)\n\n"
    command.branches(cfg, verbose=True)
    text = out(cfg)
    assert "Branches into: b2, c3\n" in text
    assert text.endswith("\n\n   -> b2, second\n   -> c3 (xb), side\n\n")


def test_show(cfg: Config) -> None:
    command.show(cfg, "base")
    assert out(cfg) == ""
    command.show(cfg, "d4")
    text = out(cfg)
    assert text.startswith("Rev: d4\nParent: b2\nAlso depends on: c3\nPath: ")
    command.show(cfg, "heads")
    assert out(cfg).startswith("Rev: m5 (head) (mergepoint)\n")
    with pytest.raises(TidalError):
        command.show(cfg, "nope")


def test_effective_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    versions = tmp_path / "mig" / "versions"
    versions.mkdir(parents=True)
    write_rev(versions, "a1", None, "a")
    write_rev(versions, "y1", None, "y", labels=("yb",))
    write_rev(versions, "x1", "a1", "x", deps="y1")
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/mig\n")
    cfg = Config(str(ini), stdout=io.StringIO())
    command.heads(cfg)
    assert out(cfg) == "x1 (head)\ny1 (yb) (effective head)\n"
    command.heads(cfg, resolve_dependencies=True)
    assert out(cfg) == "x1 (head)\n"


def test_current_forms_use_the_runtime(cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    import tidal.command.migrate as migrate

    monkeypatch.setattr(migrate, "current_heads", lambda config: ("b2",))
    command.history(cfg, indicate_current=True)
    assert "a1 -> b2 (current), second\n" in out(cfg)
    command.history(cfg, "current:")
    assert out(cfg) == (
        "d4, c3 -> m5 (xb) (head) (mergepoint), merge\nb2 (c3) -> d4, dep\na1 -> b2, second\n"
    )
    command.show(cfg, "current")
    assert out(cfg).startswith("Rev: b2\n")


def test_current_without_runtime(cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def no_migrate(name: str, package: str | None = None) -> object:
        if name == "tidal.command.migrate":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_migrate)
    with pytest.raises(TidalError, match="needs the runtime"):
        command.show(cfg, "current")


def test_history_runs_env_with_revision_environment(cfg: Config, tmp_path: Path) -> None:
    marker = tmp_path / "env-ran.txt"
    (tmp_path / "mig" / "env.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('yes')\n"
    )
    command.history(cfg)
    assert not marker.exists()
    ini = tmp_path / "alembic.ini"
    ini.write_text(ini.read_text() + "revision_environment = true\n")
    cfg = Config(str(ini), stdout=io.StringIO())
    command.history(cfg)
    assert marker.read_text() == "yes"
    assert out(cfg).startswith("d4, c3 -> m5")


@pytest.mark.parametrize("verbose", [False, True])
def test_history_blocks_give_the_bytes_of_one_line_per_call(
    cfg: Config, monkeypatch: pytest.MonkeyPatch, verbose: bool
) -> None:
    from tidal.command import inspect

    calls: list[str] = []
    per_line = Config(cfg.config_file_name, stdout=io.StringIO())
    monkeypatch.setattr(per_line, "print_stdout", lambda text, *a: calls.append(text))
    command.history(per_line, verbose=verbose)
    assert len(calls) == 5  # a replaced print_stdout still sees one call per revision
    monkeypatch.setattr(inspect._Lines, "BLOCK", 2)
    command.history(cfg, verbose=verbose)
    assert out(cfg) == "".join(f"{line}\n" for line in calls)


def test_history_prints_the_lines_before_a_failure(
    cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tidal.script import directory

    seen = 0
    original = directory._one_line

    def flaky(*args: Any, **kwargs: Any) -> str:
        nonlocal seen
        seen += 1
        if seen == 3:
            raise TidalError("broken", "hint")
        return original(*args, **kwargs)

    monkeypatch.setattr(directory, "_one_line", flaky)
    with pytest.raises(TidalError):
        command.history(cfg)
    assert len(out(cfg).splitlines()) == 2


def test_history_lines_are_script_cmd_format(cfg: Config) -> None:
    from tidal.script.directory import ScriptDirectory

    sd = ScriptDirectory.from_config(cfg)
    for verbose in (False, True):
        for currents in ((), ("b2",), ("m5", "c3")):
            expected = [
                sc.cmd_format(
                    verbose,
                    include_branches=True,
                    include_doc=True,
                    include_parents=True,
                    currents=currents,
                )
                for sc in sd.walk_revisions()
            ]
            assert list(sd._walk_lines("base", "heads", verbose, currents)) == expected
