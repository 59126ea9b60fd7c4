"""Tidal-only reports: ``tidal status`` (applied and pending revisions) and ``tidal applied``.

``status`` lists every revision from base to the heads in the order ``upgrade heads``
runs them from an empty database, each marked applied or pending against the
database's current heads (Flyway's ``info``, Django's ``showmigrations --plan``). It
replaces the seeds' ``alembic history --verbose | grep -A 5 "head"``. ``applied`` prints
the applied-history table the runtime writes beside the version table.

The report is computed by pure functions (:func:`build_status`, :func:`status_lines`,
:func:`status_json`); the commands only read the scripts and the database and print
through ``Config.print_stdout``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tidal.errors import UsageError
from tidal.script.graph import RevisionGraph

__all__ = [
    "FORMATS",
    "RevisionStatus",
    "StatusReport",
    "applied",
    "applied_json",
    "applied_lines",
    "build_status",
    "status",
    "status_json",
    "status_lines",
]

#: The output formats of ``status`` and ``applied``.
FORMATS = ("text", "json")


@dataclass(frozen=True)
class RevisionStatus:
    """One revision of the status report.

    Attributes:
        id: The revision id.
        down_revisions: Its parents (``down_revision``), as a tuple.
        depends_on: Its resolved ``depends_on`` revisions.
        branch_labels: Its branch labels, inherited ones included, sorted.
        message: The first paragraph of its docstring.
        applied: Whether it is an ancestor of (or equal to) a current head of the database.
        is_head: Whether it is a head of the scripts.
        is_current: Whether the version table holds it.
    """

    id: str
    down_revisions: tuple[str, ...]
    depends_on: tuple[str, ...]
    branch_labels: tuple[str, ...]
    message: str
    applied: bool
    is_head: bool
    is_current: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready mapping of this revision."""
        return {
            "id": self.id,
            "down_revisions": list(self.down_revisions),
            "depends_on": list(self.depends_on),
            "branch_labels": list(self.branch_labels),
            "message": self.message,
            "applied": self.applied,
            "is_head": self.is_head,
            "is_current": self.is_current,
        }


@dataclass(frozen=True)
class StatusReport:
    """Where the database stands against the scripts.

    Attributes:
        revisions: Every revision, base first, in upgrade order.
        current_heads: The version table's rows that a script defines.
        unknown_heads: Version table rows no script defines (their ancestry is unknown).
        heads: The scripts' heads.
        pending: The revisions ``upgrade heads`` would run now, in running order.
    """

    revisions: tuple[RevisionStatus, ...]
    current_heads: tuple[str, ...]
    unknown_heads: tuple[str, ...]
    heads: tuple[str, ...]
    pending: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        """Whether nothing is pending."""
        return not self.pending

    def summary(self) -> str:
        """Return the one-line summary: ``up to date`` or ``N pending: a -> b``.

        Example:
            >>> StatusReport((), (), (), (), ("a1", "b2")).summary()
            '2 pending: a1 -> b2'
        """
        if not self.pending:
            return "up to date"
        return f"{len(self.pending)} pending: {' -> '.join(self.pending)}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready mapping of the report."""
        return {
            "revisions": [rev.to_dict() for rev in self.revisions],
            "current_heads": list(self.current_heads),
            "unknown_current_heads": list(self.unknown_heads),
            "heads": list(self.heads),
            "pending": list(self.pending),
            "up_to_date": self.up_to_date,
            "summary": self.summary(),
        }


def build_status(graph: RevisionGraph, current_heads: Iterable[str]) -> StatusReport:
    """Mark every revision of ``graph`` applied or pending against ``current_heads``.

    Applied means an ancestor of (or equal to) a current head, ``depends_on`` included,
    which is what the version-row algebra guarantees is in the database.

    Example:
        >>> from tidal.script.revision import Revision as R
        >>> g = RevisionGraph([R("a1"), R("b2", "a1"), R("c3", "a1"), R("d4", ("b2", "c3"))])
        >>> report = build_status(g, ["b2"])
        >>> [(r.id, r.applied) for r in report.revisions]
        [('a1', True), ('c3', False), ('b2', True), ('d4', False)]
        >>> report.summary()
        '2 pending: c3 -> d4'
    """
    heads = tuple(dict.fromkeys(current_heads))
    known = tuple(h for h in heads if h in graph)
    unknown = tuple(h for h in heads if h not in graph)
    applied = graph.ancestors(known) if known else frozenset()
    order = graph.upgrade_revisions("heads", ())
    pending = graph.upgrade_revisions("heads", known)
    script_heads = frozenset(graph.heads)
    current = frozenset(known)
    revisions = tuple(
        RevisionStatus(
            id=rev.revision,
            down_revisions=rev.down_revisions,
            depends_on=graph.resolved_dependencies(rev.revision),
            branch_labels=tuple(sorted(graph.branch_labels_of(rev.revision))),
            message=rev.doc,
            applied=rev.revision in applied,
            is_head=rev.revision in script_heads,
            is_current=rev.revision in current,
        )
        for rev in order
    )
    return StatusReport(
        revisions=revisions,
        current_heads=known,
        unknown_heads=unknown,
        heads=graph.heads,
        pending=tuple(rev.revision for rev in pending),
    )


def _labels(labels: Sequence[str]) -> str:
    return f" ({', '.join(labels)})" if labels else ""


def _revision_line(rev: RevisionStatus, width: int) -> str:
    marks = [m for m, on in (("current", rev.is_current), ("head", rev.is_head)) if on]
    if len(rev.down_revisions) > 1:
        marks.append("merge of " + ", ".join(rev.down_revisions))
    if rev.depends_on:
        marks.append("depends on " + ", ".join(rev.depends_on))
    tail = "".join(f" ({m})" for m in marks) + _labels(rev.branch_labels)
    box = "[X]" if rev.applied else "[ ]"
    message = f"  {rev.message}" if rev.message else ""
    return f"  {box} {rev.id.ljust(width)}{message}{tail}".rstrip()


def _heads_text(ids: Sequence[str], labels: Mapping[str, Sequence[str]]) -> str:
    return ", ".join(f"{h}{_labels(labels.get(h, ()))}" for h in ids)


def status_lines(report: StatusReport) -> list[str]:
    """Return the text of ``tidal status``: one line per revision, heads, and the summary.

    ``[X]`` marks an applied revision and ``[ ]`` a pending one (Django's
    ``showmigrations``); the output needs no colours to be read.

    Example:
        >>> from tidal.script.revision import Revision as R
        >>> g = RevisionGraph([R("a1", longdoc="create users"), R("b2", "a1")])
        >>> print("\\n".join(status_lines(build_status(g, ["a1"]))))
        Revisions, in upgrade order (base first):
          [X] a1  create users (current)
          [ ] b2 (head)
        Current heads: a1
        Heads:         b2
        1 pending: b2
    """
    if report.revisions:
        lines = ["Revisions, in upgrade order (base first):"]
        width = max(len(rev.id) for rev in report.revisions)
        lines.extend(_revision_line(rev, width) for rev in report.revisions)
    else:
        lines = ["No revisions."]
    labels = {rev.id: rev.branch_labels for rev in report.revisions}
    current = _heads_text(report.current_heads, labels) or "base (nothing applied)"
    lines.append(f"Current heads: {current}")
    if report.unknown_heads:
        lines.append(
            f"Unknown:       {', '.join(report.unknown_heads)} "
            "(in the version table, but no script defines it)"
        )
    lines.append(f"Heads:         {_heads_text(report.heads, labels) or '(none)'}")
    lines.append(report.summary())
    return lines


def status_json(report: StatusReport) -> str:
    """Return ``tidal status --format json``: one JSON object.

    Example:
        >>> from tidal.script.revision import Revision as R
        >>> data = json.loads(status_json(build_status(RevisionGraph([R("a1")]), [])))
        >>> data["pending"], data["revisions"][0]["applied"], data["heads"]
        (['a1'], False, ['a1'])
    """
    return json.dumps(report.to_dict(), indent=2)


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise UsageError(
            f"unknown output format {format!r}",
            f"use one of: {', '.join(FORMATS)}",
        )


def status(config: Any, format: str = "text") -> StatusReport:
    """Print every revision, applied or pending, the current heads and a summary.

    The current heads come from the database (env.py runs read-only); nothing is
    written.

    Args:
        config: The Config.
        format: ``text`` (for people) or ``json`` (one object, for scripts).

    Returns:
        The report that was printed.

    Raises:
        UsageError: ``format`` is not one of :data:`FORMATS`.
    """
    from tidal.command.migrate import current_heads
    from tidal.script.directory import ScriptDirectory

    _check_format(format)
    graph = ScriptDirectory.from_config(config).graph
    report = build_status(graph, current_heads(config))
    if format == "json":
        config.print_stdout(status_json(report))
    else:
        for line in status_lines(report):
            config.print_stdout(line)
    return report


# -- tidal applied ---------------------------------------------------------------------------

_NO_HISTORY = (
    "No applied history recorded (the history table is missing, or switched off "
    "with tidal_history_table = off)."
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _ids(value: Any) -> str:
    return str(value).replace(",", ", ") if value else "base"


def applied_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Return the text of ``tidal applied``: one line per applied step, oldest first.

    Example:
        >>> row = {"started_at": datetime(2026, 1, 2, 3, 4, 5), "direction": "upgrade",
        ...        "revision": "a1", "from_revisions": "", "to_revisions": "a1",
        ...        "duration_ms": 12.5, "user_name": "ann", "host_name": "box"}
        >>> applied_lines([row])
        ['2026-01-02 03:04:05  upgrade    base -> a1  12.5 ms  ann@box']
    """
    if not rows:
        return [_NO_HISTORY]
    lines = []
    for row in rows:
        started = row.get("started_at")
        when = started.isoformat(sep=" ", timespec="seconds") if started else "?"
        step = f"{_ids(row.get('from_revisions'))} -> {_ids(row.get('to_revisions'))}"
        lines.append(
            f"{when}  {str(row.get('direction', '')).ljust(9)}  {step}  "
            f"{row.get('duration_ms', 0):.1f} ms  {row.get('user_name', '?')}@"
            f"{row.get('host_name', '?')}"
        )
    return lines


def applied_json(rows: Sequence[Mapping[str, Any]]) -> str:
    """Return ``tidal applied --format json``: a JSON list of the rows.

    Example:
        >>> applied_json([{"revision": "a1", "started_at": date(2026, 1, 2)}])
        '[{"revision": "a1", "started_at": "2026-01-02"}]'
    """
    return json.dumps([{k: _plain(v) for k, v in row.items()} for row in rows])


def applied(config: Any, format: str = "text") -> list[dict[str, Any]]:
    """Print the applied-history table (``tidal applied``): who ran which step, when.

    Args:
        config: The Config.
        format: ``text`` or ``json``.

    Returns:
        The rows, oldest first (as ``tidal.command.applied_history`` returns them).

    Raises:
        UsageError: ``format`` is not one of :data:`FORMATS`.
    """
    from tidal.command.migrate import applied_history

    _check_format(format)
    rows = applied_history(config)
    if format == "json":
        config.print_stdout(applied_json(rows))
    else:
        for line in applied_lines(rows):
            config.print_stdout(line)
    return rows
