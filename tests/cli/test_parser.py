"""tidal.cli.parser: Alembic's grammar, every command and option form."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from tidal.cli.main import _command_kwargs
from tidal.cli.parser import (
    ALEMBIC_COMMANDS,
    COMMANDS,
    TIDAL_COMMANDS,
    build_parser,
    normalize_argv,
)


def parse(*argv: str) -> tuple[str, dict[str, Any], Any]:
    options = build_parser().parse_args(normalize_argv(argv))
    return options.cmd.name, _command_kwargs(options.cmd, options), options


@pytest.mark.parametrize(
    ("argv", "name", "kwargs"),
    [
        (
            ["init", "migrations"],
            "init",
            {"directory": "migrations", "template": "generic", "package": False},
        ),
        (
            ["init", "-t", "async", "--package", "m"],
            "init",
            {"directory": "m", "template": "async", "package": True},
        ),
        (["list_templates"], "list_templates", {}),
        (
            ["revision", "-m", "add users"],
            "revision",
            {
                "message": "add users",
                "autogenerate": False,
                "sql": False,
                "head": "head",
                "splice": False,
                "branch_label": None,
                "version_path": None,
                "rev_id": None,
                "depends_on": None,
            },
        ),
        (
            [
                "revision",
                "--autogenerate",
                "--sql",
                "--head",
                "b@head",
                "--splice",
                "--branch-label",
                "b",
                "--version-path",
                "v/b",
                "--rev-id",
                "abc",
                "--depends-on",
                "x",
                "--depends-on",
                "y",
            ],
            "revision",
            {
                "message": None,
                "autogenerate": True,
                "sql": True,
                "head": "b@head",
                "splice": True,
                "branch_label": "b",
                "version_path": "v/b",
                "rev_id": "abc",
                "depends_on": ["x", "y"],
            },
        ),
        (
            ["merge", "heads"],
            "merge",
            {"revisions": ["heads"], "message": None, "branch_label": None, "rev_id": None},
        ),
        (
            ["merge", "a", "b", "-m", "m", "--branch-label", "l", "--rev-id", "r", "--splice"],
            "merge",
            {
                "revisions": ["a", "b"],
                "message": "m",
                "branch_label": "l",
                "rev_id": "r",
                "splice": True,
            },
        ),
        (["upgrade", "head"], "upgrade", {"revision": "head", "sql": False, "tag": None}),
        (
            ["upgrade", "a:b", "--sql", "--tag", "t"],
            "upgrade",
            {"revision": "a:b", "sql": True, "tag": "t"},
        ),
        (["upgrade", "+2"], "upgrade", {"revision": "+2", "sql": False, "tag": None}),
        (["downgrade", "-1"], "downgrade", {"revision": "-1", "sql": False, "tag": None}),
        (["downgrade", "-1", "--sql"], "downgrade", {"revision": "-1", "sql": True, "tag": None}),
        (["downgrade", "--sql", "-2"], "downgrade", {"revision": "-2", "sql": True, "tag": None}),
        (["downgrade", "base"], "downgrade", {"revision": "base", "sql": False, "tag": None}),
        (
            ["stamp", "head"],
            "stamp",
            {"revision": ["head"], "sql": False, "tag": None, "purge": False},
        ),
        (
            ["stamp", "a", "b", "--purge", "--sql"],
            "stamp",
            {"revision": ["a", "b"], "sql": True, "tag": None, "purge": True},
        ),
        (["current"], "current", {"check_heads": False, "verbose": False}),
        (["current", "-v", "-c"], "current", {"check_heads": True, "verbose": True}),
        (
            ["current", "--check-heads", "--verbose"],
            "current",
            {"check_heads": True, "verbose": True},
        ),
        (["history"], "history", {"rev_range": None, "verbose": False, "indicate_current": False}),
        (
            ["history", "-r", "a:b", "-v", "-i"],
            "history",
            {"rev_range": "a:b", "verbose": True, "indicate_current": True},
        ),
        (
            ["history", "--rev-range", "-3:", "--indicate-current"],
            "history",
            {"rev_range": "-3:", "verbose": False, "indicate_current": True},
        ),
        (["heads"], "heads", {"verbose": False, "resolve_dependencies": False}),
        (
            ["heads", "-v", "--resolve-dependencies"],
            "heads",
            {"verbose": True, "resolve_dependencies": True},
        ),
        (["branches", "--verbose"], "branches", {"verbose": True}),
        (["show", "head"], "show", {"rev": "head"}),
        (["edit", "ae1"], "edit", {"rev": "ae1"}),
        (["ensure_version", "--sql"], "ensure_version", {"sql": True}),
        (["check"], "check", {"format": "text"}),
    ],
)
def test_commands(argv: list[str], name: str, kwargs: dict[str, Any]) -> None:
    got_name, got_kwargs, _ = parse(*argv)
    assert (got_name, got_kwargs) == (name, kwargs)


def test_global_options() -> None:
    _, _, options = parse(
        "-c",
        "alembic.ini",
        "-c",
        "pyproject.toml",
        "-n",
        "db1",
        "-x",
        "a=1",
        "-x",
        "b=2",
        "--raiseerr",
        "-q",
        "--debug",
        "upgrade",
        "head",
    )
    assert options.config == ["alembic.ini", "pyproject.toml"]
    assert options.name == "db1"
    assert options.x == ["a=1", "b=2"]
    assert options.raiseerr and options.quiet and options.debug


def test_global_defaults_match_alembic() -> None:
    _, _, options = parse("heads")
    assert options.config is None and options.x is None and options.name is None
    assert not options.raiseerr and not options.quiet and not options.debug


def test_stamp_namespace_keeps_alembics_attribute_name() -> None:
    _, _, options = parse("stamp", "a", "b")
    assert options.revisions == ["a", "b"]


@pytest.mark.parametrize(
    "argv",
    [["upgrade"], ["bogus"], ["stamp"], ["merge"], ["show"], ["init"], ["heads", "--nope"], ["-n"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_command_table() -> None:
    names = [spec.name for spec in COMMANDS]
    assert names == sorted(names)
    assert {spec.name for spec in ALEMBIC_COMMANDS} == {
        "init",
        "list_templates",
        "revision",
        "merge",
        "upgrade",
        "downgrade",
        "stamp",
        "current",
        "history",
        "heads",
        "branches",
        "show",
        "edit",
        "ensure_version",
        "check",
    }
    assert {spec.name for spec in TIDAL_COMMANDS} == {"status", "applied", "verify", "deploy"}
    assert not {spec.name for spec in TIDAL_COMMANDS} & {spec.name for spec in ALEMBIC_COMMANDS}
    assert [s.name for s in COMMANDS if not s.needs_config] == ["init", "list_templates"]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: tidal")
    for flag in (
        "-c CONFIG, --config CONFIG",
        "-n NAME, --name NAME",
        "-x X",
        "--raiseerr",
        "-q, --quiet",
        "--version",
        "--debug",
    ):
        assert flag in out
    for spec in COMMANDS:
        assert spec.name in out


def test_subcommand_usage_matches_alembic_shape(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["stamp", "--help"])
    usage = " ".join(capsys.readouterr().out.split())
    assert (
        "usage: tidal stamp [-h] [--sql] [--tag TAG] [--purge] revisions [revisions ...]" in usage
    )


def _describe(parser: argparse.ArgumentParser) -> dict[str, tuple[Any, ...]]:
    return {
        action.dest: (
            tuple(action.option_strings),
            action.nargs,
            action.default,
            type(action).__name__,
        )
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    }


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_grammar_matches_alembic() -> None:
    alembic_config = pytest.importorskip("alembic.config")
    theirs = alembic_config.CommandLine().parser
    ours = build_parser()
    # Deliberate: -n defaults to None so Tidal can tell "-n alembic" from no -n (cmd_opts.name
    # is still "alembic" once the command runs); --debug is Tidal's.
    expected = _describe(theirs)
    expected["name"] = (("-n", "--name"), None, None, "_StoreAction")
    expected["debug"] = (("--debug",), 0, False, "_StoreTrueAction")
    assert _describe(ours) == expected
    their_subs, our_subs = _subparsers(theirs), _subparsers(ours)
    # Tidal-only commands (TIDAL_COMMANDS) come on top of Alembic's; every Alembic one is kept.
    assert sorted(our_subs) == sorted(set(their_subs) | {s.name for s in TIDAL_COMMANDS})
    for name, sub in their_subs.items():
        wanted = _describe(sub)
        if name == "revision":  # Tidal passes --head's default explicitly
            wanted["head"] = (("--head",), None, "head", "_StoreAction")
            # Tidal's extra: autogenerate's rename detection can be switched off.
            wanted["no_renames"] = (("--no-renames",), 0, False, "_StoreTrueAction")
            # ... and told which removed/added pair is a rename.
            wanted["renames"] = (("--rename",), None, None, "_AppendAction")
        if name == "check":  # Tidal's extra: the differences as a list or as JSON for CI
            wanted["format"] = (("--format",), None, "text", "_StoreAction")
        assert _describe(our_subs[name]) == wanted, name


def test_mistyped_command_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["upgarde", "head"])
    assert info.value.code == 2
    assert "did you mean 'upgrade'?" in capsys.readouterr().err


def test_no_renames_reaches_cmd_opts() -> None:
    options = build_parser().parse_args(["revision", "--autogenerate", "--no-renames", "-m", "x"])
    assert options.no_renames is True
    assert build_parser().parse_args(["revision", "-m", "x"]).no_renames is False
