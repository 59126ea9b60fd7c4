"""Read-only commands: ``heads``, ``branches``, ``history``, ``show``.

They read script headers (no script is imported) and print through
``Config.print_stdout`` exactly what Alembic prints. Only the forms that need the
database (``history --indicate-current``, ``current`` in a range, ``show current``)
call the runtime, through :func:`tidal.command.migrate.current_heads`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from tidal.errors import TidalError, UsageError
from tidal.script.directory import Script, ScriptDirectory
from tidal.script.loading import config_option

__all__ = ["branches", "heads", "history", "show", "current_heads_of"]


def current_heads_of(config: Any) -> tuple[str, ...]:
    """Return the database's current heads via the runtime's ``current_heads(config)``.

    Raises:
        TidalError: The runtime (``tidal.command.migrate``) is not available.
    """
    try:
        migrate = importlib.import_module("tidal.command.migrate")
        fn = migrate.current_heads
    except (ImportError, AttributeError) as exc:
        raise TidalError(
            "reading the current revision needs the runtime, which is not installed here",
            "use a revision id instead of 'current', or drop --indicate-current",
        ) from exc
    return tuple(fn(config))


def heads(config: Any, verbose: bool = False, resolve_dependencies: bool = False) -> None:
    """Print the head revisions (``tidal heads``).

    Args:
        config: The Config.
        verbose: Print the full block of each head.
        resolve_dependencies: Leave out heads that another head depends on.
    """
    script = ScriptDirectory.from_config(config)
    found = (
        script.get_revisions("heads")
        if resolve_dependencies
        else (script.get_revisions(script.get_heads()))
    )
    for rev in found:
        config.print_stdout(rev.cmd_format(verbose, include_branches=True, tree_indicators=False))


def branches(config: Any, verbose: bool = False) -> None:
    """Print every branch point and the revisions it branches into (``tidal branches``)."""
    script = ScriptDirectory.from_config(config)
    graph = script.graph
    nextrev = graph.index.nextrev
    # ScriptDirectory.walk_revisions() with Script.is_branch_point, without building a
    # Script for each of the (many) revisions that are not branch points.
    for rev in graph.walk_revisions("base", "heads"):
        rev_id = getattr(rev, "revision", rev)
        if not isinstance(rev_id, str) or len(nextrev.get(rev_id, ())) < 2:
            continue
        sc = script._script(rev_id)
        pad = " " * len(str(sc.revision))
        lines = "\n".join(
            f"{pad} -> "
            + script._script(child).cmd_format(False, include_branches=True, include_doc=verbose)
            for child in sc.children
        )
        config.print_stdout("%s\n%s\n", sc.cmd_format(verbose, include_branches=True), lines)


def _split_range(rev_range: str) -> tuple[str | None, str | None]:
    if ":" not in rev_range:
        raise UsageError(
            "History range requires [start]:[end], [start]:, or :[end]",
            "write the range as a:b, a: or :b",
        )
    base, _, head = rev_range.strip().partition(":")
    if ":" in head:
        raise UsageError(
            "History range requires [start]:[end], [start]:, or :[end]",
            "write the range as a:b, a: or :b",
        )
    return base or None, head or None


def _current_relative(
    config: Any, which: str | None, currents: Sequence[str] | None
) -> tuple[str | None, tuple[str, ...] | None]:
    """Replace ``current`` (as the whole bound) by the database's heads."""
    if which != "current":
        return which, None if currents is None else tuple(currents)
    heads_now = tuple(currents) if currents is not None else current_heads_of(config)
    return None, heads_now


def history(
    config: Any,
    rev_range: str | None = None,
    verbose: bool = False,
    indicate_current: bool = False,
) -> None:
    """Print revisions newest first (``tidal history``), optionally within a range.

    Args:
        config: The Config.
        rev_range: ``start:end``, ``start:`` or ``:end``; ``current`` needs the database.
        verbose: Print the full block of each revision.
        indicate_current: Mark the database's current revisions (needs the database).
    """
    script = ScriptDirectory.from_config(config)
    base, head = _split_range(rev_range) if rev_range is not None else (None, None)
    currents: tuple[str, ...] | None = current_heads_of(config) if indicate_current else None
    if currents is None:
        # As Alembic: `revision_environment = true` runs env.py for history too. The
        # author module (subprocess, uuid, the writer) is imported only when it is set.
        if config_option(config, "revision_environment"):
            from tidal.command.author import _revision_environment

            _revision_environment(config, script)
    walks: list[tuple[str, str]] = []
    if base == "current":
        _none, currents = _current_relative(config, base, currents)
        assert currents is not None
        walks = [(cur, head or "heads") for cur in currents] or [("base", head or "heads")]
    elif head == "current":
        _none, currents = _current_relative(config, head, currents)
        assert currents is not None
        walks = [(base or "base", cur) for cur in currents]
    else:
        walks = [(base or "base", head or "heads")]
    marks = tuple(currents or ()) if indicate_current else ()
    for lower, upper in walks:
        _display(config, script, lower, upper, verbose, marks)


class _Lines:
    """Collect output lines and hand them to ``config.print_stdout`` in blocks.

    Config's own ``print_stdout`` flushes after every call, which costs more than the
    rest of ``tidal history`` on a long history; one call per block gives the same bytes.
    A Config whose ``print_stdout`` is replaced (a subclass, or an attribute set on it)
    still gets one call per line, as from Alembic. Lines already collected are written
    before an error propagates, so output stops where it would have stopped.
    """

    BLOCK = 1000

    def __init__(self, config: Any) -> None:
        from tidal.config import Config

        self._config = config
        self._batch = (
            isinstance(config, Config)
            and type(config).print_stdout is Config.print_stdout
            and "print_stdout" not in vars(config)
        )
        self._pending: list[str] = []

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def add(self, line: str) -> None:
        """Print ``line`` (now, or with the rest of its block)."""
        if not self._batch:
            self._config.print_stdout(line)
            return
        self._pending.append(line)
        if len(self._pending) >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        """Print the collected lines."""
        if self._pending:
            text = "\n".join(self._pending)
            self._pending = []
            self._config.print_stdout(text)


def _display(
    config: Any,
    script: ScriptDirectory,
    base: str,
    head: str,
    verbose: bool,
    currents: Sequence[str],
) -> None:
    with _Lines(config) as out:
        for line in script._walk_lines(base, head, verbose, currents):
            out.add(line)


def show(config: Any, rev: str) -> None:
    """Print the full block of the revision(s) ``rev`` names (``tidal show``)."""
    script = ScriptDirectory.from_config(config)
    found: Sequence[Script]
    if rev == "current":
        ids = current_heads_of(config)
        found = script.get_revisions(ids)
    else:
        found = script.get_revisions(rev)
    for sc in found:
        config.print_stdout(sc.log_entry)
