"""The command-line grammar: Alembic's global options, commands, arguments and defaults.

The commands are a table of :class:`CommandSpec` values. Each :class:`Arg` names the
keyword of the ``tidal.command.<name>`` function it feeds, so dispatch is a lookup, not
code per command. Tidal-only commands (``status``, ``verify``, ``deploy``) go in
:data:`TIDAL_COMMANDS`.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple, NoReturn

from tidal.errors import UsageError, did_you_mean

__all__ = [
    "ALEMBIC_COMMANDS",
    "COMMANDS",
    "TIDAL_COMMANDS",
    "Arg",
    "CommandSpec",
    "build_parser",
    "build_parser_for",
    "command_named",
    "normalize_argv",
]

_SQL = "Write the SQL to standard output (or a file) instead of running it (offline mode)."
_TAG = "Any 'tag' string; custom env.py scripts can read it."
_VERBOSE = "Show more detail."
_MESSAGE = "The message of the new revision."
_BRANCH_LABEL = "A branch label for the new revision."
_REV_ID = "Use this revision id instead of a generated one."
_SPLICE = "Allow a revision that is not a head as the base of the new one."
_REVISIONS = "one or more revisions, or 'heads' for all heads"


class Arg(NamedTuple):
    """One argument of a command.

    Args:
        flags: ``("-m", "--message")`` for an option, ``("revision",)`` for a positional.
        param: The keyword of the command function it is passed as.
        options: Further ``add_argument`` keywords (``help``, ``action``, ``nargs``, ...).
        omit_if_default: Pass it only when given (for keywords not every command takes).
    """

    flags: tuple[str, ...]
    param: str
    options: Mapping[str, Any] = MappingProxyType({})  # read-only, so one can be shared
    omit_if_default: bool = False

    @property
    def positional(self) -> bool:
        """Whether this is a positional argument."""
        return not self.flags[0].startswith("-")

    @property
    def dest(self) -> str:
        """The attribute of the parsed namespace (Alembic's names, e.g. ``revisions``)."""
        return self.flags[0] if self.positional else self.param


class CommandSpec(NamedTuple):
    """One subcommand: its name (also the ``tidal.command`` function), help and arguments.

    ``needs_config`` is False for commands that run without a configuration file
    (``init`` writes one; ``list_templates`` reads none).
    """

    name: str
    help: str
    args: tuple[Arg, ...] = ()
    needs_config: bool = True


def _flag(flags: tuple[str, ...], param: str, help_: str) -> Arg:
    return Arg(flags, param, MappingProxyType({"action": "store_true", "help": help_}))


def _value(flags: tuple[str, ...], param: str, help_: str, **extra: Any) -> Arg:
    return Arg(flags, param, MappingProxyType({"help": help_, **extra}))


_SQL_ARG = _flag(("--sql",), "sql", _SQL)
_TAG_ARG = _value(("--tag",), "tag", _TAG)
_VERBOSE_ARG = _flag(("-v", "--verbose"), "verbose", _VERBOSE)

ALEMBIC_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "init",
        "Create a new migration environment (scripts folder and configuration).",
        (
            _value(("directory",), "directory", "location of scripts directory"),
            _value(
                ("-t", "--template"), "template", "The template to set up with.", default="generic"
            ),
            _flag(("--package",), "package", "Write empty __init__.py files too."),
        ),
        needs_config=False,
    ),
    CommandSpec("list_templates", "List the templates `init` can use.", needs_config=False),
    CommandSpec(
        "revision",
        "Create a new revision file.",
        (
            _value(("-m", "--message"), "message", _MESSAGE),
            _flag(
                ("--autogenerate",),
                "autogenerate",
                "Fill in operations by comparing the database with the models.",
            ),
            _SQL_ARG,
            _value(
                ("--head",),
                "head",
                "The head (or <branchname>@head) to base the new revision on.",
                default="head",
            ),
            _flag(("--splice",), "splice", _SPLICE),
            _value(("--branch-label",), "branch_label", _BRANCH_LABEL),
            _value(("--version-path",), "version_path", "The version location to write to."),
            _value(("--rev-id",), "rev_id", _REV_ID),
            _value(
                ("--depends-on",),
                "depends_on",
                "Revisions the new one depends on.",
                action="append",
            ),
            Arg(
                ("--no-renames",),
                "no_renames",
                MappingProxyType(
                    {
                        "action": "store_true",
                        "help": "With --autogenerate: write drop and add where a rename "
                        "was found by shape (--rename pairs still apply).",
                    }
                ),
                omit_if_default=True,
            ),
            Arg(
                ("--rename",),
                "renames",
                MappingProxyType(
                    {
                        "action": "append",
                        "default": None,
                        "metavar": "OLD:NEW",
                        "help": "With --autogenerate: rename, not drop and add. OLD:NEW for "
                        "a table, TABLE.OLD:NEW for a column of TABLE. Repeatable.",
                    }
                ),
                omit_if_default=True,
            ),
        ),
    ),
    CommandSpec(
        "merge",
        "Merge revisions into one new revision file.",
        (
            _value(("revisions",), "revisions", _REVISIONS, nargs="+"),
            _value(("-m", "--message"), "message", _MESSAGE),
            _value(("--branch-label",), "branch_label", _BRANCH_LABEL),
            _value(("--rev-id",), "rev_id", _REV_ID),
            Arg(
                ("--splice",),
                "splice",
                MappingProxyType({"action": "store_true", "help": _SPLICE}),
                omit_if_default=True,
            ),
        ),
    ),
    CommandSpec(
        "upgrade",
        "Upgrade to a later version.",
        (_value(("revision",), "revision", "revision identifier"), _SQL_ARG, _TAG_ARG),
    ),
    CommandSpec(
        "downgrade",
        "Revert to a previous version.",
        (_value(("revision",), "revision", "revision identifier"), _SQL_ARG, _TAG_ARG),
    ),
    CommandSpec(
        "stamp",
        "Write the given revision(s) into the version table without running migrations.",
        (
            _value(("revisions",), "revision", _REVISIONS, nargs="+"),
            _SQL_ARG,
            _TAG_ARG,
            _flag(("--purge",), "purge", "Empty the version table before stamping."),
        ),
    ),
    CommandSpec(
        "current",
        "Show the current revision(s) of the database.",
        (
            _flag(("-c", "--check-heads"), "check_heads", "Fail unless every head is applied."),
            _VERBOSE_ARG,
        ),
    ),
    CommandSpec(
        "history",
        "List the revisions in order, newest first.",
        (
            _value(("-r", "--rev-range"), "rev_range", "A range of revisions, [start]:[end]."),
            _VERBOSE_ARG,
            _flag(("-i", "--indicate-current"), "indicate_current", "Mark the current revision."),
        ),
    ),
    CommandSpec(
        "heads",
        "Show the heads of the revision history.",
        (
            _VERBOSE_ARG,
            _flag(
                ("--resolve-dependencies",),
                "resolve_dependencies",
                "Treat depends_on revisions as down revisions.",
            ),
        ),
    ),
    CommandSpec("branches", "Show the branch points.", (_VERBOSE_ARG,)),
    CommandSpec(
        "show", "Show the revision(s) an identifier names.", (_value(("rev",), "rev", ""),)
    ),
    CommandSpec("edit", "Open revision script(s) in $EDITOR.", (_value(("rev",), "rev", ""),)),
    CommandSpec(
        "ensure_version", "Create the version table if it does not exist yet.", (_SQL_ARG,)
    ),
    CommandSpec(
        "check",
        "Fail if autogenerate finds operations to add (models vs database).",
        (
            Arg(
                ("--format",),
                "format",
                MappingProxyType(
                    {
                        "choices": ("text", "json", "alembic"),
                        "default": "text",
                        "help": "How to report differences: text (one a line, the default), "
                        "json (one JSON value, for CI) or alembic (Alembic's output).",
                    }
                ),
            ),
        ),
    ),
)

_FORMAT_ARG = _value(
    ("--format",),
    "format",
    "Output format: text (for people) or json (one JSON value, for scripts).",
    choices=("text", "json"),
    default="text",
)

#: Commands only Tidal has.
TIDAL_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "status",
        "Show every revision, applied or pending, the current heads and what upgrade would run.",
        (_FORMAT_ARG,),
    ),
    # `history --applied` would change Alembic's pinned history grammar: its own command.
    CommandSpec(
        "applied",
        "Show the applied-history table: each step run on this database, when and by whom.",
        (_FORMAT_ARG,),
    ),
    CommandSpec(
        "verify",
        "Fail if an applied script changed since it ran, or the database names an unknown one.",
        (
            _flag(
                ("--accept",),
                "accept",
                "Record the current checksums of changed scripts as applied.",
            ),
        ),
    ),
    CommandSpec(
        "deploy",
        "Back up, upgrade under a timeout, verify, and restore the backup on failure.",
        (
            _value(
                ("revision",),
                "revision",
                "target revision (default: heads)",
                nargs="?",
                default="heads",
            ),
            _value(
                ("--backup-dir",),
                "backup_dir",
                "Folder for the backups (default: ./backups).",
                default="backups",
            ),
            _value(
                ("--keep",),
                "keep",
                "Keep this many newest backups of this database (default: 10).",
                type=int,
                default=10,
            ),
            _value(
                ("--timeout",),
                "timeout",
                "Cancel the upgrade after this many seconds, on the server too (default: 300).",
                type=float,
                default=300.0,
            ),
            _flag(
                ("--dry-run",),
                "dry_run",
                "Print the backup command, the pending steps and their SQL; change nothing.",
            ),
            _flag(
                ("--no-restore",),
                "no_restore",
                "On failure, leave the database as the failure left it (the backup is kept).",
            ),
        ),
    ),
)

COMMANDS: tuple[CommandSpec, ...] = tuple(
    sorted(ALEMBIC_COMMANDS + TIDAL_COMMANDS, key=lambda spec: spec.name)
)


#: Options whose value may start with "-" (a relative range such as ``-3:``).
_DASH_VALUE_OPTIONS = frozenset({"-r", "--rev-range"})


def normalize_argv(argv: Sequence[str]) -> list[str]:
    """Join ``-r -3:`` into ``--rev-range=-3:`` so argparse takes the value.

    Alembic refuses ``history -r -3:`` ("expected one argument"); Tidal reads it.

    Example:
        >>> normalize_argv(["history", "-r", "-3:", "-v"])
        ['history', '--rev-range=-3:', '-v']
    """
    result: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token in _DASH_VALUE_OPTIONS:
            value = next(tokens, None)
            if value is None:
                result.append(token)
            elif value.startswith("-") and value != "--":
                result.append(f"--rev-range={value}")
            else:
                result.extend((token, value))
        else:
            result.append(token)
    return result


def _add_global_options(parser: argparse.ArgumentParser, version: str) -> None:
    parser.add_argument("--version", action="version", version=f"%(prog)s {version}")
    parser.add_argument(
        "-c",
        "--config",
        action="append",
        help="Alternate config file; defaults to $TIDAL_CONFIG, $ALEMBIC_CONFIG or "
        '"alembic.ini". May also name a pyproject.toml file; give it twice to name both.',
    )
    parser.add_argument("-n", "--name", help="Section of the ini file to use instead of [alembic].")
    parser.add_argument(
        "-x",
        action="append",
        help="Extra arguments for custom env.py scripts, e.g. -x key1=value1 -x key2=value2",
    )
    parser.add_argument(
        "--raiseerr", action="store_true", help="Raise errors with a full traceback."
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="Do not print to standard output."
    )
    parser.add_argument(
        "--debug", action="store_true", help="Print the traceback of a failure (Tidal)."
    )


_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<word>[^']*)'")


class _Parser(argparse.ArgumentParser):
    """argparse, plus "did you mean" for a mistyped command (exit code 2 as before)."""

    def error(self, message: str) -> NoReturn:
        match = _INVALID_CHOICE.search(message)
        if match is not None:
            choices = [spec.name for spec in COMMANDS]
            suggestion = did_you_mean(match.group("word"), choices)
            if suggestion:
                message = f"{message}; {suggestion}"
        super().error(message)


def build_parser(
    prog: str = "tidal", commands: Iterable[CommandSpec] = COMMANDS
) -> argparse.ArgumentParser:
    """Build the argument parser for ``commands``; the chosen spec lands in ``cmd``."""
    return _build(_Parser, _Parser, prog, commands)


def _build(
    parser_class: type[_Parser],
    sub_class: type[_Parser],
    prog: str,
    commands: Iterable[CommandSpec],
) -> argparse.ArgumentParser:
    from tidal import __version__

    parser = parser_class(prog=prog)
    _add_global_options(parser, __version__)
    subparsers = parser.add_subparsers(parser_class=sub_class)
    built = [parser]
    for spec in commands:
        sub = subparsers.add_parser(spec.name, help=spec.help, description=spec.help)
        for arg in spec.args:
            options = dict(arg.options)
            if not arg.positional:
                options["dest"] = arg.param
            sub.add_argument(*arg.flags, **options)
        sub.set_defaults(cmd=spec)
        built.append(sub)
    for each in built:
        if isinstance(each, _OneCommandSubParser):
            each.building = False
    return parser


#: Global options that take a value (the next token unless attached).
_GLOBAL_VALUE_OPTIONS = frozenset({"-c", "--config", "-n", "--name", "-x"})
_GLOBAL_FLAGS = frozenset({"-q", "--quiet", "--raiseerr", "--debug", "--version"})
_GLOBAL_LONG = ("--config", "--name", "--raiseerr", "--quiet", "--debug", "--version", "--help")
_SPECS_BY_NAME: Mapping[str, CommandSpec] = MappingProxyType({s.name: s for s in COMMANDS})


def _long_option(token: str) -> str | None:
    """Return the global long option ``token`` names (argparse takes unique prefixes)."""
    name = token.split("=", 1)[0]
    matches = [option for option in _GLOBAL_LONG if option.startswith(name)]
    return matches[0] if len(matches) == 1 else None


def command_named(argv: Sequence[str]) -> CommandSpec | None:
    """Return the command ``argv`` names after the global options, or None if unsure.

    None also for help (``-h`` before the command), no command, an unknown command or
    anything unusual: the caller then needs every sub-parser.

    Example:
        >>> command_named(["-c", "heads", "-x", "a=b", "--raiseerr", "heads", "-v"]).name
        'heads'
        >>> command_named(["--help", "heads"]) is None
        True
    """
    tokens = iter(argv)
    for token in tokens:
        if not token.startswith("-"):
            return _SPECS_BY_NAME.get(token)
        if token in _GLOBAL_FLAGS:
            continue
        if token in _GLOBAL_VALUE_OPTIONS:
            next(tokens, None)
            continue
        if token.startswith("--"):
            option = _long_option(token)
            if option in (None, "--help"):
                return None
            if option in ("--config", "--name") and "=" not in token:
                next(tokens, None)
            continue
        if token[:2] not in ("-c", "-n", "-x"):
            return None  # "-h", "--", "-qv" and the like: let the full parser decide
    return None


#: Formatter width while a one-command parser is built (its ``prog`` must fit: no wrapping).
_BUILD_WIDTH = 80
_MAX_NARROW_PROG = 40


class _NarrowedOut(UsageError):
    """A parser built for one command met an error; the full parser reports it instead."""


class _OneCommandSubParser(_Parser):
    """The sub-parser of a one-command parser: an error is passed up, not printed.

    While it is built, its formatters get a fixed width, so argparse's argument checks
    do not ask the terminal (and import ``shutil``); help and usage use the real width.
    """

    building = True

    def error(self, message: str) -> NoReturn:
        raise _NarrowedOut(message)

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self.building:
            return argparse.HelpFormatter(prog=self.prog, width=_BUILD_WIDTH)
        return super()._get_formatter()


class _OneCommandParser(_OneCommandSubParser):
    """The parser of one command; any error re-parses with every command (same output)."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        trial = None if namespace is None else argparse.Namespace(**vars(namespace))
        try:
            return super().parse_known_args(args, trial)
        except _NarrowedOut:
            return build_parser(self.prog).parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        trial = None if namespace is None else argparse.Namespace(**vars(namespace))
        try:
            return super().parse_args(args, trial)
        except _NarrowedOut:
            return build_parser(self.prog).parse_args(args, namespace)


def build_parser_for(argv: Sequence[str], prog: str = "tidal") -> argparse.ArgumentParser:
    """Build a parser for ``argv`` holding only the sub-parser of the command it names.

    Parsing with it gives what :func:`build_parser` gives: help before the command, no
    command or an unknown one get the full parser, and any error is reported by it.
    """
    spec = command_named(argv)
    if spec is None or len(prog) > _MAX_NARROW_PROG:
        return build_parser(prog)
    return _build(_OneCommandParser, _OneCommandSubParser, prog, (spec,))
