"""The stages of ``tidal deploy``: plan, back up, upgrade under a timeout, verify, restore.

Everything that can be refused is refused before the backup (unknown target,
unreachable database, a revision no script defines, no dump tool, an unwritable backup
folder), so a refused deploy changes nothing. Once the backup exists, any failure of
the upgrade or of the verification restores it (unless ``no_restore``) and checks that
the version table is back at the heads it had before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tidal.deploy.store import BackupStore, check_keep
from tidal.deploy.watchdog import DeployTimeout, Watchdog
from tidal.errors import (
    ConfigError,
    DeployError,
    DeployNotRestoredError,
    DriftError,
    RestoreFailedError,
    TidalError,
    UnknownDatabaseRevisionError,
    VerifyError,
)
from tidal.runtime.environment import EnvironmentContext, mask_url
from tidal.runtime.migration import MigrationContext
from tidal.runtime.plan import plan_changes
from tidal.runtime.steps import RunStep, StepSource

__all__ = ["DeployOptions", "DeployReport", "Say", "run_deploy"]

#: Prints one line of the deploy's report (``Config.print_stdout``).
Say = Callable[..., None]


@dataclass(frozen=True)
class DeployOptions:
    """What ``tidal deploy`` was asked to do (the CLI's options)."""

    revision: str = "heads"
    backup_dir: str | Path = "backups"
    keep: int = 10
    timeout: float = 300.0
    dry_run: bool = False
    no_restore: bool = False


@dataclass
class DeployReport:
    """What a deploy did.

    Attributes:
        url: The database, password masked.
        before: The version table's heads before the deploy.
        pending: The revisions the upgrade runs, in order.
        expected: The heads the version table holds after a successful upgrade.
        after: The heads at the end (after the upgrade, or after the restore).
        backup: The backup file, when one was made.
        pruned: Older backups of this database deleted by ``keep``.
        outcome: ``deployed``, ``up to date`` or ``dry run``.
        seconds: How long the upgrade took.
    """

    url: str
    before: tuple[str, ...]
    pending: tuple[str, ...]
    expected: tuple[str, ...]
    after: tuple[str, ...] = ()
    backup: Path | None = None
    pruned: list[Path] = field(default_factory=list)
    outcome: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class _Probe:
    url: Any
    heads: tuple[str, ...]
    has_metadata: bool


def _heads_text(heads: tuple[str, ...]) -> str:
    return ", ".join(heads) if heads else "base (empty version table)"


def _probe(config: Any, script: Any) -> _Probe:
    """Run env.py read-only: the database's URL (password included) and heads."""
    found: list[_Probe] = []

    def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
        connection = context.connection
        url = connection.engine.url if connection is not None else None
        has_metadata = context.opts.get("target_metadata") is not None
        found.append(_Probe(url, tuple(heads), has_metadata))
        return []

    EnvironmentContext(config, script, fn=fn, dont_mutate=True).run_env()
    if len(found) != 1 or found[0].url is None:
        raise ConfigError(
            f"tidal deploy works on one database per run; env.py configured {len(found)}",
            "deploy each database with its own configuration (-n NAME or -c FILE)",
        )
    return found[0]


def _expected_heads(
    source: StepSource, steps: list[RunStep], heads: tuple[str, ...]
) -> tuple[str, ...]:
    if not steps:
        return heads
    planned = plan_changes([s.step for s in steps], heads, source.ancestry)
    return planned[-1][2]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TidalError):
        return exc.message
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else '(no message)'}"


class _Deploy:
    """One deploy run: the state the stages share."""

    def __init__(self, config: Any, options: DeployOptions, say: Say) -> None:
        from tidal.script.directory import ScriptDirectory

        check_keep(options.keep)
        self.config = config
        self.options = options
        self.say = say
        self.script = ScriptDirectory.from_config(config)
        self.source = StepSource(self.script)

    # -- plan -------------------------------------------------------------------------------

    def plan(self) -> tuple[_Probe, list[RunStep], DeployReport]:
        target = self.options.revision
        self.source.upgrade(target, ())  # an unknown target fails before any connection
        probe = _probe(self.config, self.script)
        unknown = [h for h in probe.heads if h not in self.source.graph]
        if unknown:
            raise UnknownDatabaseRevisionError(unknown)
        steps = self.source.upgrade(target, probe.heads)
        report = DeployReport(
            url=mask_url(probe.url),
            before=probe.heads,
            pending=tuple(str(s.step.revision) for s in steps),
            expected=_expected_heads(self.source, steps, probe.heads),
        )
        return probe, steps, report

    def show(self, report: DeployReport) -> None:
        from tidal.command.reports import build_status, status_lines

        self.say("deploy: %s at %s", report.url, _heads_text(report.before))
        for line in status_lines(build_status(self.source.graph, report.before)):
            self.say(line)
        if report.pending:
            self.say(
                "deploy to %s: %d step(s): %s",
                self.options.revision,
                len(report.pending),
                " -> ".join(report.pending),
            )

    # -- stages -----------------------------------------------------------------------------

    def render_sql(self, report: DeployReport) -> None:
        target = self.options.revision
        heads = report.before

        def fn(current: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
            return self.source.upgrade(target, heads)

        EnvironmentContext(
            self.config,
            self.script,
            fn=fn,
            as_sql=True,
            starting_rev=",".join(heads) or None,
            destination_rev=target,
        ).run_env()

    def upgrade(self, tool: Any) -> BaseException | None:
        """Run the upgrade under the timeout; return what made it fail, or None."""
        target = self.options.revision
        watchdog = Watchdog(self.options.timeout)
        source = self.source

        def fn(heads: tuple[str, ...], context: MigrationContext) -> list[RunStep]:
            if context.connection is not None:
                watchdog.arm(tool.canceller(context.connection))
            steps = source.upgrade(target, heads)
            return [replace(s, migration_fn=watchdog.guard(s.migration_fn)) for s in steps]

        failure: BaseException | None = None
        try:
            with watchdog:
                env = EnvironmentContext(self.config, self.script, fn=fn, destination_rev=target)
                env.run_env()
        except (Exception, KeyboardInterrupt) as exc:
            failure = exc
        if watchdog.fired.is_set():
            timeout = DeployTimeout(
                f"the upgrade ran longer than --timeout {self.options.timeout:g} s "
                "and was cancelled on the server",
                "raise --timeout, or make the slow step faster (batches, CONCURRENTLY)",
            )
            timeout.__cause__ = failure
            return timeout
        return failure

    def verify(self, report: DeployReport, check_models: bool) -> BaseException | None:
        """Check the version table (and the models, when env.py has target_metadata)."""
        from tidal.command.migrate import current_heads

        heads = current_heads(self.config)
        report.after = heads
        if set(heads) != set(report.expected):
            return VerifyError(
                f"after the upgrade the version table holds {_heads_text(heads)}, "
                f"expected {_heads_text(report.expected)}",
                "check env.py's version_table settings and the migrations' stamps",
            )
        self.say("verify: version table at %s", _heads_text(heads))
        if check_models:
            from tidal.command.drift import check

            try:
                check(self.config, format="text")
            except DriftError as exc:
                return exc
            self.say("verify: the models match the database")
        return None

    def restore(
        self, tool: Any, backup: Path, report: DeployReport, failure: BaseException
    ) -> None:
        """Restore ``backup``, check the heads, and raise the deploy's error."""
        from tidal.command.migrate import current_heads

        reason = _reason(failure)
        self.say("deploy failed: %s", reason)
        self.say("restore: %s", backup)
        try:
            tool.restore(backup)
            heads = current_heads(self.config)
        except (TidalError, OSError) as exc:
            raise RestoreFailedError(
                f"deploy failed ({reason}) and restoring {backup} failed: {_reason(exc)}",
                f"restore {backup} by hand before anything else runs",
            ) from failure
        report.after = heads
        if set(heads) != set(report.before):
            raise RestoreFailedError(
                f"deploy failed ({reason}); after restoring {backup} the version table "
                f"holds {_heads_text(heads)}, not {_heads_text(report.before)}",
                f"restore {backup} by hand before anything else runs",
            ) from failure
        self.say("restored: version table back at %s", _heads_text(heads))
        raise DeployError(
            f"deploy failed: {reason}; the backup was restored",
            f"the database is back at {_heads_text(heads)}; fix the migration and retry "
            f"(backup kept at {backup})",
        ) from failure


def run_deploy(config: Any, options: DeployOptions, say: Say) -> DeployReport:
    """Run ``tidal deploy``; return its report, raise a TidalError when it fails.

    Raises:
        BackupError: (14) the backup could not be made; nothing ran.
        DeployError: (12) the upgrade or the verification failed; the backup was restored.
        RestoreFailedError: (13) it failed, and restoring the backup failed too.
        DeployNotRestoredError: (15) it failed and ``no_restore`` was given.
    """
    from tidal.dialects.backup import backup_tool_for

    deploy = _Deploy(config, options, say)
    probe, steps, report = deploy.plan()
    tool = backup_tool_for(probe.url)
    tool.preflight()
    store = BackupStore(Path(options.backup_dir), tool.database_key, tool.extension)
    deploy.show(report)
    if options.dry_run:
        store.check(create=False)
        say("backup (not run): %s", tool.describe(store.new_path()))
        if steps:
            say("SQL of the pending steps:")
            deploy.render_sql(report)
        say("dry run: nothing was changed")
        report.outcome = "dry run"
        return report
    if not steps:
        say("up to date: nothing to deploy")
        report.outcome, report.after = "up to date", report.before
        return report
    return _run_stages(deploy, tool, store, probe, report)


def _run_stages(
    deploy: _Deploy, tool: Any, store: BackupStore, probe: _Probe, report: DeployReport
) -> DeployReport:
    say, options = deploy.say, deploy.options
    store.check(create=True)
    backup = store.new_path()
    say("backup: %s", tool.describe(backup))
    tool.dump(backup)
    report.backup = backup
    report.pruned = store.prune(options.keep)
    say("backup written: %s (%s)", backup, _size(backup))
    for old in report.pruned:
        say("backup pruned: %s", old)
    started = time.monotonic()
    failure = deploy.upgrade(tool)
    report.seconds = time.monotonic() - started
    if failure is None:
        check_models = probe.has_metadata and set(report.expected) == set(deploy.script.get_heads())
        failure = deploy.verify(report, check_models)
    if failure is None:
        say(
            "deployed: %s in %.1f s (%d step(s)); backup kept at %s",
            _heads_text(report.after),
            report.seconds,
            len(report.pending),
            backup,
        )
        report.outcome = "deployed"
        return report
    if options.no_restore:
        raise DeployNotRestoredError(
            f"deploy failed: {_reason(failure)}; not restored (--no-restore)",
            f"the database is as the failure left it; the backup is {backup}",
        ) from failure
    deploy.restore(tool, backup, report, failure)
    return report  # pragma: no cover - restore() always raises


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover

