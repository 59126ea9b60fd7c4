"""The step loop of ``MigrationContext.run_migrations``.

For each step: open the per-step transaction (as policy and dialect decide), log
``Running upgrade a -> b, doc`` (Alembic's line), write the ``-- Running ...`` comment
offline, call the script, update the version table, append the applied-history row,
and call ``on_version_apply`` callbacks. A failing step raises
:class:`~tidal.errors.StepFailedError` naming the step and what was rolled back.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

from tidal.errors import RawSqlStringError, StepFailedError, TidalError, user_frame
from tidal.runtime import gc_pause, plan
from tidal.runtime.history import HistoryTable, checksum, history_table_name, utcnow
from tidal.runtime.steps import RunStep, StepSource

if TYPE_CHECKING:
    from tidal.runtime.migration import MigrationContext

__all__ = ["history_for", "run_steps", "warn_changed_scripts"]

log = logging.getLogger("alembic.runtime.migration")
verify_log = logging.getLogger("alembic.runtime.verify")


def history_for(context: MigrationContext) -> HistoryTable | None:
    """Return the applied-history table of an online run, or None (offline or switched off)."""
    if context.as_sql or context.connection is None:
        return None
    name = history_table_name(context.opts, context.config)
    if name is None:
        return None
    return HistoryTable(context.connection, name, context.version_table_schema)


def warn_changed_scripts(
    context: MigrationContext, history: HistoryTable, heads: tuple[str, ...]
) -> list[str]:
    """Log a warning for each applied script whose file changed since it ran; return them."""
    if context.script is None or not heads or not history.exists():
        return []
    source = StepSource(context.script)
    known = [h for h in heads if h in source.graph]
    applied = source.ancestry(known) if known else set()
    recorded = {
        str(r["revision"]): r["checksum"]
        for r in history.rows(context.version_table)
        if r["direction"] == "upgrade" and r["revision"]
    }
    changed = []
    for rev in sorted(applied & recorded.keys()):
        path = getattr(source.graph.get_revision(rev), "path", None)
        if recorded[rev] and checksum(path) != recorded[rev]:
            changed.append(rev)
            verify_log.warning(
                "Script %s (%s) changed since it was applied; run `tidal verify`", rev, path
            )
    return changed


def _step_label(step: RunStep) -> str:
    return step.step.short_log.replace("stamp_revision", "stamp", 1)


def _fail(
    context: MigrationContext, step: RunStep, error: Exception, heads: tuple[str, ...]
) -> StepFailedError:
    rolled_back = context.transactional_ddl and not context.as_sql
    if rolled_back and not context._transaction_per_migration:
        heads = context._run_start_heads  # one transaction for the run: all of it rolls back
    if _is_raw_sql_string(error):
        return RawSqlStringError(_step_label(step), error, rolled_back, ", ".join(heads) or "base")
    at = ", ".join(heads) or "base"
    return StepFailedError(
        _step_label(step), error, rolled_back, at, offline=context.as_sql, where=_where(error)
    )


def _where(error: Exception) -> str | None:
    """Return ``file:line`` of the user's code that raised (the script, or what it calls)."""
    found = user_frame(error)
    if found is None:
        return None
    path, line = found
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        relative = path
    return f"{path if relative.startswith('..') else relative}:{line}"


def _is_raw_sql_string(error: Exception) -> bool:
    """Return True for SQLAlchemy 2's refusal of ``connection.execute("...")``."""
    from sqlalchemy import exc as sa_exc

    if not isinstance(error, sa_exc.ObjectNotExecutableError):
        return False
    return isinstance(getattr(error, "target", None), str)


def _run_one(
    context: MigrationContext,
    step: RunStep,
    heads: tuple[str, ...],
    history: HistoryTable | None,
    kw: dict[str, Any],
) -> tuple[str, ...]:
    if context.as_sql and not heads:
        context._version.create(checkfirst=False)  # offline: the table is made from base
    log.info("Running %s", step)
    if context.as_sql:
        context.impl.static_output(f"-- Running {step.step.short_log}")
    started, clock = utcnow(), time.perf_counter()
    try:
        step.migration_fn(**kw)
    except TidalError:
        raise
    except Exception as exc:
        raise _fail(context, step, exc, heads) from exc
    changes = plan.step_changes(step.step, heads, step.ancestry)
    context._version.apply(changes)
    heads = plan.apply_changes(heads, changes)
    if history is not None:
        duration = (time.perf_counter() - clock) * 1000.0
        history.record(context.version_table, step.step, started, duration, step.path)
    for callback in context.on_version_apply_callbacks:
        callback(ctx=context, step=step.info, heads=set(heads), run_args=kw)
    return heads


def run_steps(context: MigrationContext, heads: tuple[str, ...], kw: dict[str, Any]) -> None:
    """Run every step ``context``'s migrations function yields from ``heads``."""
    fn = context._migrations_fn
    if fn is None:
        raise TidalError(
            "no migrations function: this context was configured without fn=",
            "run migrations through tidal.command (upgrade, downgrade, stamp)",
        )
    # Plan first: an unknown target or a bad range fails before anything is written.
    steps = list(fn(heads, context))
    gc_pause.resume()  # the CLI's pause ends before user migration code runs
    context._run_start_heads = heads
    context._prepare_version_table(heads)
    read_only = bool(context.opts.get("dont_mutate"))
    if not steps and not read_only:
        # Where no run-wide transaction commits (DDL that commits by itself, or one
        # transaction per migration), what preparing wrote (stamp --purge's DELETE) would
        # roll back with the connection: commit it as a step's transaction would.
        with context.begin_transaction(_per_migration=True):
            pass
    history = None if read_only else history_for(context)
    if history is not None and steps:
        warn_changed_scripts(context, history, heads)
        history.create()
    # One transaction for the whole run: the history rows go in with one round trip at the
    # end. A commit per step (transaction_per_migration, or DDL that commits by itself)
    # writes each step's row with it, so a later failure cannot lose it.
    per_step = bool(context.opts.get("transaction_per_migration")) or not (
        context.transactional_ddl
    )
    context._flush_history = None if history is None else history.flush
    try:
        for step in steps:
            with context.begin_transaction(_per_migration=True):
                heads = _run_one(context, step, heads, history, kw)
                if history is not None and per_step:
                    history.flush()
        if history is not None:
            history.flush()
    finally:
        context._flush_history = None
