"""``build_parser_for``: only the named command's sub-parser, same results as the full parser."""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tidal.cli.parser import COMMANDS, build_parser, build_parser_for, command_named


def _outcome(parser: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[object, ...]:
    """Parse ``argv``; return the namespace (or exit code) and what was printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = vars(parser.parse_args(list(argv)))
        except SystemExit as exit_:
            result = ("exit", exit_.code)
    return result, out.getvalue(), err.getvalue()


def _same_as_full(argv: Sequence[str]) -> None:
    assert _outcome(build_parser_for(argv), argv) == _outcome(build_parser(), argv)


def _command_names(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["heads"], ["heads"]),
        (["-c", "x.ini", "--raiseerr", "-q", "--debug", "upgrade", "head"], ["upgrade"]),
        (["-n", "heads", "-x", "a=b", "history", "-r", "-3:"], ["history"]),
        (["--config=a.ini", "-cb.ini", "-xk=v", "--name", "s", "status"], ["status"]),
        (["--conf", "a.ini", "--rai", "current"], ["current"]),
        (["--c", "a.ini", "heads"], ["heads"]),
        (["--version", "heads"], ["heads"]),
    ],
)
def test_builds_only_the_named_command(argv: list[str], expected: list[str]) -> None:
    assert _command_names(build_parser_for(argv)) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["-h"],
        ["--help"],
        ["--he"],
        ["-h", "heads"],
        ["-q"],
        ["-c", "a.ini"],
        ["haeds"],
        ["--", "heads"],
        ["-qh", "heads"],
        ["--bogus", "heads"],
    ],
)
def test_full_parser_when_unsure(argv: list[str]) -> None:
    assert command_named(argv) is None
    assert sorted(_command_names(build_parser_for(argv))) == sorted(s.name for s in COMMANDS)
    _same_as_full(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["heads"],
        ["heads", "-v", "--resolve-dependencies"],
        ["heads", "-h"],
        ["heads", "--bogus"],
        ["heads", "extra"],
        ["-h"],
        [],
        ["haeds"],
        ["upgrade"],
        ["upgrade", "head", "--sql", "--tag", "t"],
        ["-c", "-h", "heads"],
        ["-c"],
        ["--version", "heads"],
        ["--raiseerr", "-x", "a=b", "-x", "c", "downgrade", "-1"],
        ["status", "--format", "xml"],
        ["check", "--format", "jsno"],
        ["history", "-r", "-3:", "-i"],
        ["revision", "-m", "msg", "--autogenerate", "--depends-on", "a", "--depends-on", "b"],
        ["merge"],
        ["merge", "heads", "--splice"],
        ["stamp", "a", "b", "--purge"],
        ["init", "dir", "-t", "async", "--package"],
        ["-q", "current", "-c", "-v"],
        ["-n", "heads", "branches", "-v"],
        ["--confi=x.ini", "show", "abc"],
        ["verify", "--accept"],
        ["heads", "--", "x"],
    ],
)
def test_same_result_as_the_full_parser(argv: list[str]) -> None:
    _same_as_full(argv)


_TOKENS = st.sampled_from(
    [
        *(spec.name for spec in COMMANDS),
        "-c",
        "--config",
        "--config=a.ini",
        "-n",
        "--name",
        "-x",
        "-xk=v",
        "--raiseerr",
        "--rai",
        "-q",
        "--debug",
        "-h",
        "--help",
        "-v",
        "--sql",
        "--format",
        "json",
        "-r",
        "-3:",
        "head",
        "a.ini",
        "--",
        "--bogus",
        "haeds",
    ]
)


@given(st.lists(_TOKENS, max_size=6))
def test_same_result_for_any_tokens(argv: list[str]) -> None:
    _same_as_full(argv)


@pytest.mark.parametrize("columns", ["40", "200"])
@pytest.mark.parametrize("argv", [["revision", "-h"], ["heads", "--bogus"], ["status", "-h"]])
def test_help_uses_the_terminal_width(
    argv: list[str], columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    _same_as_full(argv)
    assert _outcome(build_parser_for(argv), argv)[1:] != _outcome(build_parser(), ["-h"])[1:]


def test_long_prog_gets_the_full_parser() -> None:
    prog = "tidal-" + "x" * 60
    assert len(_command_names(build_parser_for(["heads"], prog))) == len(COMMANDS)
