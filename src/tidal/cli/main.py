"""``tidal`` / ``python -m tidal``: parse, build the Config, run the command, map errors to exits.

This is the one place that turns a :class:`tidal.errors.TidalError` into output and an
exit code (table in docs/errors.md): ``FAILED: <message>`` and a hint on standard error,
no traceback unless ``--debug`` (or ``--raiseerr``, which re-raises as Alembic does).
Anything else becomes one line with a ``--debug`` hint and exit 1; Ctrl-C exits 130;
argparse errors exit 2.

As in Alembic, the CLI does not configure logging: env.py calls ``fileConfig``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from tidal.cli import render
from tidal.cli.parser import CommandSpec, build_parser, build_parser_for, normalize_argv
from tidal.config import Config, find_config_files
from tidal.configuration.discovery import ConfigFiles
from tidal.errors import ConfigError, TidalError
from tidal.runtime import gc_pause

__all__ = ["build_config", "main", "program", "resolve_command", "run"]

EXIT_INTERRUPTED = 130
_MAIN_SECTION = "alembic"


def resolve_command(name: str) -> Callable[..., Any]:
    """Return ``tidal.command.<name>``, imported now so a missing one fails cleanly.

    Raises:
        TidalError: This build has no such command yet.
    """
    import tidal.command

    try:
        function: Callable[..., Any] = getattr(tidal.command, name)
    except (AttributeError, ModuleNotFoundError) as error:
        raise TidalError(
            f"the {name} command is not available in this build of Tidal ({error})",
            "upgrade Tidal, or use `tidal --help` to see the commands",
        ) from None
    return function


def build_config(
    options: argparse.Namespace, files: ConfigFiles | None = None, stdout: TextIO | None = None
) -> Config:
    """Build the :class:`Config` a parsed command line means (``cmd_opts`` = ``options``)."""
    files = files if files is not None else find_config_files(options.config)
    return Config(
        file_=files.ini,
        toml_file=files.toml,
        ini_section=options.name or _MAIN_SECTION,
        cmd_opts=options,
        stdout=stdout,
    )


def _check_config(config: Config, files: ConfigFiles, named: bool) -> None:
    ini_exists = os.path.isfile(files.ini)
    if not ini_exists and not config.toml_alembic_config:
        raise ConfigError(
            f"no configuration: {files.ini} not found in {os.getcwd()}"
            + ("" if files.toml is None else f", and no [tool.alembic] in {files.toml}"),
            "run `tidal init <directory>`, or pass the file with -c (or $TIDAL_CONFIG)",
        )
    if named:
        config.ensure_ini_section()


def run(options: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Run the command of parsed ``options``; return 0 or raise a TidalError."""
    spec: CommandSpec = options.cmd
    named = options.name is not None
    options.name = options.name or _MAIN_SECTION
    files = find_config_files(options.config)
    config = build_config(options, files, stdout)
    if spec.needs_config:
        _check_config(config, files, named)
    function = resolve_command(spec.name)
    function(config, **_command_kwargs(spec, options), **_prompts(spec, options))
    return 0


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def _prompts(spec: CommandSpec, options: argparse.Namespace) -> dict[str, Any]:
    """Return the interactive callbacks a command gets on a terminal (the rename prompt)."""
    wanted = getattr(options, "autogenerate", False) and not getattr(options, "no_renames", False)
    if spec.name != "revision" or not wanted or not _interactive():
        return {}
    return {"rename_decider": render.rename_prompt(sys.stdin, sys.stdout)}


def _command_kwargs(spec: CommandSpec, options: argparse.Namespace) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for arg in spec.args:
        value = getattr(options, arg.dest)
        if arg.omit_if_default and value == arg.options.get("default", False):
            continue
        kwargs[arg.param] = value
    return kwargs


def _parse(argv: Sequence[str] | None) -> argparse.Namespace | int:
    args = normalize_argv(sys.argv[1:] if argv is None else argv)
    parser = build_parser_for(args)
    try:
        options = parser.parse_args(args)
        if getattr(options, "cmd", None) is None:
            build_parser(parser.prog).error("too few arguments")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return options


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (captured output): nothing will be flushed to a closed pipe


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tidal`` command line with ``argv`` (``sys.argv[1:]`` by default).

    Returns:
        The exit code: 0, a :class:`TidalError`'s ``exit_code``, 1, 2 or 130.
    """
    parsed = _parse(argv)
    if isinstance(parsed, int):
        return parsed
    options = parsed
    gc_pause.pause()  # on again before the first migration script runs (tidal.runtime.gc_pause)
    try:
        return run(options)
    except BrokenPipeError:
        # `tidal history | head`: the reader left; stop quietly, as other CLI tools do.
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        if options.raiseerr:
            raise
        render.write_interrupted(sys.stderr)
        return EXIT_INTERRUPTED
    except TidalError as error:
        if options.raiseerr:
            raise
        if options.debug:
            render.write_traceback(sys.stderr, error)
        render.write_failure(sys.stderr, error)
        return error.exit_code
    except Exception as error:  # noqa: BLE001 - the CLI boundary reports everything
        if options.raiseerr:
            raise
        if options.debug:
            render.write_traceback(sys.stderr, error)
        render.write_unexpected(sys.stderr, error)
        return 1
    finally:
        gc_pause.release()


def program() -> int:
    """The ``tidal`` executable and ``python -m tidal``: :func:`main`, then the process ends."""
    code = main()
    gc_pause.exiting()
    return code
