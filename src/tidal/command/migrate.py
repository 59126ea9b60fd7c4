"""Commands that move a database: upgrade, downgrade, stamp, current, ensure_version.

Signatures and printed output are Alembic's (``alembic.command``). Each runs the
project's env.py with an :class:`~tidal.runtime.environment.EnvironmentContext` whose
``fn`` plans the steps; log lines come from the ``alembic.runtime.migration`` logger.
Beyond Alembic: :func:`current_heads`, :func:`applied_history` and :func:`verify`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tidal.errors import (
    ConnectionFailedError,
    DatabaseError,
    DatabaseNotAtHeadError,
    RangeNotAllowedError,
    TidalError,
    UnknownDatabaseRevisionError,
    VerifyError,
)
from tidal.runtime.environment import EnvironmentContext, mask_url
from tidal.runtime.executor import history_for
from tidal.runtime.history import checksum
from tidal.runtime.migration import MigrationContext
from tidal.runtime.steps import RunStep, StepSource
from tidal.script.targets import RELATIVE

__all__ = [
    "VerifyReport",
    "applied_history",
    "current",
    "current_heads",
    "downgrade",
    "ensure_version",
    "stamp",
    "upgrade",
    "verify",
]

StepsFn = Callable[[tuple[str, ...], MigrationContext], Iterable[RunStep]]


def _script(config: Any) -> Any:
    from tidal.script.directory import ScriptDirectory

    return ScriptDirectory.from_config(config)


def _run(config: Any, script: Any, fn: StepsFn, **opts: Any) -> None:
    EnvironmentContext(config, script, fn=fn, **opts).run_env()


def _check_known(source: StepSource, heads: Sequence[str]) -> None:
    unknown = [h for h in heads if h not in source.graph]
    if unknown:
        raise UnknownDatabaseRevisionError(unknown)


def _split_range(revision: str, sql: bool) -> tuple[str | None, str]:
    if ":" not in revision:
        return None, revision
    if not sql:
        raise RangeNotAllowedError(f"range revision {revision!r} not allowed without --sql")
    start, end = revision.split(":", 1)
    return start, end


def upgrade(config: Any, revision: str, sql: bool = False, tag: str | None = None) -> None:
    """Upgrade to ``revision`` (``head``, ids, ``+N``, ``label@head``; ``a:b`` with sql)."""
    script = _script(config)
    starting_rev, destination = _split_range(revision, sql)
    source = StepSource(script)

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        _check_known(source, heads)
        return source.upgrade(destination, heads)

    _run(
        config,
        script,
        fn,
        as_sql=sql,
        starting_rev=starting_rev,
        destination_rev=destination,
        tag=tag,
    )


def downgrade(config: Any, revision: str, sql: bool = False, tag: str | None = None) -> None:
    """Downgrade to ``revision`` (``base``, ids, ``-N``, ...); with sql a range ``a:b``."""
    script = _script(config)
    starting_rev, destination = _split_range(revision, sql)
    if sql and starting_rev is None:
        starting_rev = _offline_start(config, destination)
    source = StepSource(script)

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        _check_known(source, heads)
        return source.downgrade(destination, heads)

    _run(
        config,
        script,
        fn,
        as_sql=sql,
        starting_rev=starting_rev,
        destination_rev=destination,
        tag=tag,
    )


def _is_relative_down(target: str) -> bool:
    match = RELATIVE.match(target)
    return match is not None and match.end() == len(target) and int(match.group(3)) < 0


def _offline_start(config: Any, destination: str) -> str:
    """Return the database's heads as the start of ``downgrade -N --sql`` (read-only).

    Deliberate difference from Alembic, which refuses a relative offline downgrade
    (seed 004 prints ``alembic downgrade -1 --sql``). Only relative targets count from
    the database; an absolute one still needs ``<fromrev>:<torev>`` as in Alembic.
    """
    if not _is_relative_down(destination):
        raise TidalError(
            "downgrade with --sql requires <fromrev>:<torev>",
            "give the range to render, e.g. `downgrade head:base --sql`",
        )
    try:
        heads = current_heads(config)
    except DatabaseError as exc:
        raise ConnectionFailedError(
            f"downgrade {destination} --sql counts from the database's heads, "
            f"but it is not reachable: {exc.message}",
            f"give the range instead: `tidal downgrade <from>:<to> --sql`, "
            f"e.g. `tidal downgrade head:{destination} --sql`",
        ) from exc
    return ",".join(heads) or "base"


def _stamp_targets(revision: str | Sequence[str], sql: bool) -> tuple[str | None, list[str]]:
    revisions = [revision] if isinstance(revision, str) else list(revision)
    if not sql:
        return None, revisions
    start: str | None = None
    dests = []
    for rev in revisions:
        if ":" in rev:
            srev, rev = rev.split(":", 1)
            if start is not None and start != srev:
                raise TidalError(
                    "Stamp operation with --sql only supports one starting revision at a time",
                    "run one stamp --sql per starting revision",
                )
            start = srev
        dests.append(rev)
    return start, dests


def stamp(
    config: Any,
    revision: str | Sequence[str],
    sql: bool = False,
    tag: str | None = None,
    purge: bool = False,
) -> None:
    """Set the version table to ``revision`` (one or several) without running scripts."""
    script = _script(config)
    starting_rev, dests = _stamp_targets(revision, sql)
    source = StepSource(script)

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        _check_known(source, heads)
        return source.stamp(tuple(dests), heads, context)

    _run(
        config,
        script,
        fn,
        as_sql=sql,
        starting_rev=starting_rev,
        destination_rev=tuple(dests),
        tag=tag,
        purge=purge,
    )


def current(config: Any, verbose: bool = False, check_heads: bool = False) -> None:
    """Print the database's current revision(s)."""
    script = _script(config)

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        if verbose:
            url = context.connection.engine.url if context.connection is not None else ""
            config.print_stdout("Current revision(s) for %s:", mask_url(url))
        _check_known(StepSource(script), heads)
        if check_heads and set(heads) != set(script.get_heads()):
            raise DatabaseNotAtHeadError("Database is not on all head revisions")
        for rev in script.get_all_current(heads):
            config.print_stdout(rev.cmd_format(verbose))
        return []

    _run(config, script, fn, dont_mutate=True)


def current_heads(config: Any) -> tuple[str, ...]:
    """Return the version table's revisions (for ``history -i`` and ``show current``)."""
    script = _script(config)
    found: list[str] = []

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        found.extend(heads)
        return []

    _run(config, script, fn, dont_mutate=True)
    return tuple(found)


def ensure_version(config: Any, sql: bool = False) -> None:
    """Create the version table if it does not exist."""
    script = _script(config)

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        context._ensure_version_table()
        return []

    _run(config, script, fn, as_sql=sql, dont_mutate=True)


def applied_history(config: Any) -> list[dict[str, Any]]:
    """Return the applied-history rows of the database's version table, oldest first."""
    script = _script(config)
    rows: list[dict[str, Any]] = []

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        history = history_for(context)
        if history is not None:
            rows.extend(history.rows(context.version_table))
        return []

    _run(config, script, fn, dont_mutate=True)
    return rows


@dataclass
class VerifyReport:
    """What ``verify`` found.

    Attributes:
        heads: The version table's revisions.
        changed: ``(revision, path)`` of applied scripts edited since they were applied.
        unknown: Revisions in the version table that no script defines.
        unrecorded: Applied revisions with no checksum in the history table.
    """

    heads: tuple[str, ...] = ()
    changed: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when nothing needs attention."""
        return not self.changed and not self.unknown


def _inspect_checksums(
    source: StepSource, report: VerifyReport, rows: list[dict[str, Any]]
) -> None:
    known = [h for h in report.heads if h in source.graph]
    applied = source.ancestry(known) if known else set()
    recorded: dict[str, str | None] = {}
    for row in rows:
        if row.get("direction") == "upgrade" and row.get("revision"):
            recorded[str(row["revision"])] = row.get("checksum")
    for rev in sorted(applied):
        path = getattr(source.graph.get_revision(rev), "path", None)
        if rev not in recorded or recorded[rev] is None:
            report.unrecorded.append(rev)
        elif checksum(path) != recorded[rev]:
            report.changed.append((rev, str(path)))


def verify(config: Any, accept: bool = False) -> VerifyReport:
    """Report applied scripts changed since they ran and recorded revisions no script defines.

    Prints one line per problem; raises VerifyError when there is any. With ``accept``,
    the current checksums of changed scripts are recorded as applied instead.
    """
    script = _script(config)
    source = StepSource(script)
    report = VerifyReport()

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        report.heads = heads
        report.unknown = [h for h in heads if h not in source.graph]
        history = history_for(context)
        rows = history.rows(context.version_table) if history is not None else []
        _inspect_checksums(source, report, rows)
        if accept and history is not None:
            for rev, path in report.changed:
                history.accept(context.version_table, rev, checksum(path))
        return []

    _run(config, script, fn, dont_mutate=True)
    for rev in report.unknown:
        config.print_stdout(
            "%s: recorded in the database but no script defines it "
            "(restore the script, or `tidal stamp <rev> --purge`)",
            rev,
        )
    for rev, path in report.changed:
        if accept:
            config.print_stdout("%s: accepted the changed %s", rev, path)
        else:
            config.print_stdout(
                "%s: %s changed since it was applied "
                "(restore it, or accept it with `tidal verify --accept`)",
                rev,
                path,
            )
    if accept:
        report.changed.clear()
    if report.ok:
        config.print_stdout("verified: no changed script and no unknown revision")
    else:
        raise VerifyError(
            f"{len(report.changed)} changed script(s), {len(report.unknown)} unknown revision(s)",
        )
    return report
