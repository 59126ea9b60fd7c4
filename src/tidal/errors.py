"""Typed errors for every failure Tidal reports to a user.

Each error carries a one-line ``message``, a one-line actionable ``hint`` and an
``exit_code``. Lower layers raise these with structured data; only ``tidal.cli.main``
prints them and exits. ``str(error)`` is the message alone, so code written for
Alembic's ``CommandError`` (which subclasses of :class:`TidalError` also are, through
``tidal.compat``) keeps working.

The tree::

    TidalError (1)
    ├── UsageError (2)                    bad command line, unknown option values
    ├── ConfigError (3)                   ini/pyproject problems, missing keys, env vars
    │   ├── MissingSectionError (3)
    │   └── MissingVariableError (3)   ${VAR} / %(VAR)s not set
    ├── RevisionError (4)                 the revision graph or an identifier
    │   ├── ResolutionError (4)           unknown / ambiguous identifier
    │   │   └── AmbiguousRevisionError (4)
    │   ├── MultipleHeadsError (4)
    │   ├── CycleError (4)
    │   ├── MissingParentError (4)
    │   ├── DuplicateRevisionError (4)
    │   ├── DuplicateBranchLabelError (4)
    │   ├── InvalidRevisionIdError (4)
    │   ├── RangeNotAncestorError (4)     destination not reachable from the current heads
    │   ├── RangeNotAllowedError (4)
    │   └── AmbiguousDowngradeError (4)   -N after a merge: more than one head to undo
    ├── ScriptError (5)                   a script, env.py or template fails to load or run
    │   ├── EnvironmentError_ (5)
    │   └── StepFailedError (5)     a migration step raised
    │       └── RawSqlStringError (5)   connection.execute("plain string")
    ├── DatabaseError (6)                 connecting, executing, the version table
    │   ├── ConnectionFailedError (6)
    │   ├── DatabaseNotAtHeadError (6)
    │   └── UnknownDatabaseRevisionError (6)
    ├── OperationError (7)                an op.* call that cannot work on this database
    │   └── IrreversibleOperationError (7)
    ├── LockTimeoutError (8)              the run lock or a lock_timeout ran out
    ├── DriftError (9)                    `check`: models and database differ
    ├── VerifyError (10)                  `verify`: checksums or unknown revisions
    ├── HookError (11)                    a post-write hook failed
    └── DeployError (12)                  deploy failed and the database was restored
        └── RestoreFailedError (13)       deploy failed and the restore failed too
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import ClassVar

__all__ = [
    "AmbiguousDowngradeError",
    "AmbiguousRevisionError",
    "ConfigError",
    "ConnectionFailedError",
    "CycleError",
    "DatabaseError",
    "DatabaseNotAtHeadError",
    "DeployError",
    "DriftError",
    "DuplicateBranchLabelError",
    "DuplicateRevisionError",
    "EnvironmentError_",
    "HookError",
    "InvalidRevisionIdError",
    "IrreversibleOperationError",
    "LockTimeoutError",
    "MissingParentError",
    "MissingSectionError",
    "MissingVariableError",
    "MultipleHeadsError",
    "OperationError",
    "RangeNotAllowedError",
    "RangeNotAncestorError",
    "RawSqlStringError",
    "ResolutionError",
    "RestoreFailedError",
    "RevisionError",
    "ScriptError",
    "StepFailedError",
    "TidalError",
    "UnknownDatabaseRevisionError",
    "UsageError",
    "VerifyError",
    "did_you_mean",
]


class TidalError(Exception):
    """Base of every error Tidal shows to a user.

    Args:
        message: One line saying what went wrong.
        hint: One line saying what to do about it.
    """

    exit_code: ClassVar[int] = 1
    default_hint: ClassVar[str] = "run again with --debug for the full traceback"

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return self.message


class UsageError(TidalError):
    """The command line is wrong."""

    exit_code = 2
    default_hint = "see `tidal --help` or `tidal <command> --help`"


class ConfigError(TidalError):
    """The configuration file is missing, unreadable or incomplete."""

    exit_code = 3
    default_hint = "check alembic.ini (or pyproject.toml), or pass another file with -c"


class MissingSectionError(ConfigError):
    """``-n NAME`` names a section the configuration file does not have."""

    def __init__(self, name: str, available: Sequence[str], path: str) -> None:
        listed = ", ".join(available) if available else "none"
        super().__init__(
            f"no section [{name}] in {path}",
            f"sections that exist: {listed}; pass one of them with -n",
        )
        self.name = name
        self.available = tuple(available)


class MissingVariableError(ConfigError):
    """A configuration value names an environment variable that is not set.

    The message names the variable and the key that uses it, never a value.
    """

    def __init__(self, variable: str, key: str, section: str, in_file: bool = False) -> None:
        message = f"environment variable {variable} is not set (used by {key} in [{section}])"
        if in_file:
            message = (
                f"%({variable})s in {key} of [{section}]: no such key, "
                f"and environment variable {variable} is not set"
            )
        super().__init__(
            message, f"export {variable}=..., or write ${{{variable}:-default}} in the file"
        )
        self.variable = variable
        self.key = key
        self.section = section


class RevisionError(TidalError):
    """The revision graph is invalid or an identifier cannot be used."""

    exit_code = 4
    default_hint = "run `tidal heads` and `tidal history` to see the revisions that exist"


class ResolutionError(RevisionError):
    """An identifier does not name any revision."""

    def __init__(self, message: str, argument: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.argument = argument


class AmbiguousRevisionError(ResolutionError):
    """A partial identifier matches more than one revision."""

    def __init__(self, argument: str, candidates: Sequence[str]) -> None:
        super().__init__(
            f"ambiguous revision {argument!r}: matches {', '.join(sorted(candidates))}",
            argument,
            "give more characters of the revision id",
        )
        self.candidates = tuple(sorted(candidates))


class MultipleHeadsError(RevisionError):
    """Several heads exist where exactly one is needed."""

    def __init__(self, heads: Sequence[str], argument: str) -> None:
        shown = ", ".join(heads[:10]) + (f" and {len(heads) - 10} more" if len(heads) > 10 else "")
        super().__init__(
            f"multiple heads where one is needed for {argument!r}: {shown}",
            "name one with '<branchname>@head' or its id, or use 'heads' for all of them",
        )
        self.heads = tuple(heads)
        self.argument = argument


class CycleError(RevisionError):
    """The revisions' ``down_revision`` links form a cycle."""

    def __init__(self, revisions: Sequence[str]) -> None:
        super().__init__(
            f"revision cycle: {' -> '.join(revisions)}",
            "edit down_revision in one of these scripts so the history has no loop",
        )
        self.revisions = tuple(revisions)


class MissingParentError(RevisionError):
    """A ``down_revision`` or ``depends_on`` names a revision no script defines."""

    def __init__(self, revision: str, parent: str, path: str | None = None) -> None:
        where = f" ({path})" if path else ""
        super().__init__(
            f"revision {revision}{where} refers to {parent!r}, which no script defines",
            "restore the missing script or correct down_revision/depends_on",
        )
        self.revision = revision
        self.parent = parent


class DuplicateRevisionError(RevisionError):
    """Two scripts declare the same revision id."""

    def __init__(self, revision: str, paths: Sequence[str]) -> None:
        super().__init__(
            f"revision {revision} is defined twice: {', '.join(paths)}",
            "give one of the scripts a new revision id (and fix its children's down_revision)",
        )
        self.revision = revision
        self.paths = tuple(paths)


class DuplicateBranchLabelError(RevisionError):
    """Two revisions declare the same branch label."""

    def __init__(self, label: str, revisions: Sequence[str]) -> None:
        super().__init__(
            f"branch label {label!r} is used by more than one revision: {', '.join(revisions)}",
            "branch labels must be unique; rename one of them",
        )
        self.label = label
        self.revisions = tuple(revisions)


class InvalidRevisionIdError(RevisionError):
    """A revision id contains characters reserved by the identifier grammar."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"revision id {revision!r} contains one of the reserved characters @ - + :",
            "use letters, digits and underscores only in revision ids",
        )
        self.revision = revision


class RangeNotAncestorError(RevisionError):
    """The lower revision of a range is not below the upper one (Alembic's error of that name).

    Args:
        lower: The lower end (the target of a downgrade, the current heads of an upgrade).
        upper: The upper end.
        nothing_to_drop: A downgrade whose target is not below the current heads.
    """

    def __init__(
        self, lower: Sequence[str], upper: Sequence[str], nothing_to_drop: bool = False
    ) -> None:
        low = ", ".join(lower) or "base"
        up = ", ".join(upper) or "base"
        if nothing_to_drop:
            message = f"nothing to drop: {low} is not below the current revision(s) {up}"
        else:
            message = f"revision {low} is not an ancestor of revision {up}"
        super().__init__(message, "run `tidal current` and `tidal history` to pick a target")
        self.lower = tuple(lower)
        self.upper = tuple(upper)
        self.nothing_to_drop = nothing_to_drop


class RangeNotAllowedError(RevisionError):
    """A ``start:end`` range was given where only ``--sql`` accepts one."""

    default_hint = "ranges like 'a:b' work only with --sql; give a single target online"


class ScriptError(TidalError):
    """A migration script, env.py or template could not be loaded or failed."""

    exit_code = 5
    default_hint = "fix the script named above; run with --debug for the traceback"


class EnvironmentError_(ScriptError):  # noqa: N801 - avoid shadowing builtins.EnvironmentError
    """env.py is missing or raised."""


class StepFailedError(ScriptError):
    """A migration step raised; says what was rolled back and what may be half-done."""

    def __init__(
        self,
        step: str,
        error: BaseException,
        rolled_back: bool,
        at: str,
        offline: bool = False,
        where: str | None = None,
    ) -> None:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if not type(error).__module__.startswith("sqlalchemy"):
            detail = f"{type(error).__name__}: {detail}"  # SQLAlchemy's text names the driver's
        if offline:
            hint = "the SQL script is incomplete: fix the migration and render it again"
        elif rolled_back:
            hint = f"the step was rolled back; the version table is still at {at}"
        else:
            hint = (
                f"this database commits DDL as it runs: statements of {step!r} before the "
                f"failure may be applied; the version table is still at {at}, so check "
                "the schema, undo the partial step by hand, then retry"
            )
        super().__init__(f"{step} failed{f' at {where}' if where else ''}: {detail}", hint)
        self.step = step
        self.rolled_back = rolled_back


class DatabaseError(TidalError):
    """Talking to the database failed."""

    exit_code = 6
    default_hint = "check sqlalchemy.url and that the database server is running"


class ConnectionFailedError(DatabaseError):
    """The database cannot be reached. The message never contains a password."""


class DatabaseNotAtHeadError(DatabaseError):
    """``current --check-heads``: the database is not at every head."""

    default_hint = "run `tidal upgrade heads`"


class UnknownDatabaseRevisionError(DatabaseError):
    """The version table holds a revision that no script defines."""

    def __init__(self, revisions: Iterable[str]) -> None:
        revs = ", ".join(sorted(revisions))
        super().__init__(
            f"the database is at revision(s) {revs}, which no script defines",
            "restore the missing script, or `tidal stamp <rev> --purge` to reset the version table",
        )


class OperationError(TidalError):
    """An operation cannot run on this database as given."""

    exit_code = 7
    default_hint = "see the operation's documentation; batch mode may do what ALTER cannot"


class IrreversibleOperationError(OperationError):
    """An operation has no reverse."""

    default_hint = "write the downgrade step by hand"


class LockTimeoutError(TidalError):
    """The run lock or a lock timeout expired."""

    exit_code = 8
    default_hint = "another migration is running; wait for it or raise --lock-timeout"


class DriftError(TidalError):
    """The models and the database differ (``tidal check``)."""

    exit_code = 9
    default_hint = "run `tidal revision --autogenerate -m '...'` and review the new script"


class VerifyError(TidalError):
    """Applied scripts changed or recorded revisions are unknown (``tidal verify``)."""

    exit_code = 10
    default_hint = "restore the edited scripts, or `tidal stamp` the database to accept them"


class HookError(TidalError):
    """A post-write hook failed."""

    exit_code = 11
    default_hint = "check the [post_write_hooks] section of the configuration"


class DeployError(TidalError):
    """``tidal deploy`` failed; the database was restored from the backup."""

    exit_code = 12
    default_hint = "the database is back at its pre-deploy state; fix the migration and retry"


class RestoreFailedError(DeployError):
    """``tidal deploy`` failed and restoring the backup failed too."""

    exit_code = 13
    default_hint = "restore the backup named above by hand before anything else runs"


class BackupError(DeployError):
    """``tidal deploy`` could not make its backup (tool missing, dump failed, dir unwritable).

    Nothing ran: the deploy stops before the first migration.
    """

    exit_code = 14
    default_hint = "nothing was changed; put the dump tool on PATH, or pass a writable --backup-dir"


class DeployNotRestoredError(DeployError):
    """``tidal deploy --no-restore`` failed; the database was left as the failure left it."""

    exit_code = 15
    default_hint = "the backup was kept; restore it by hand, or fix forward"


class AmbiguousDowngradeError(RevisionError):
    """``downgrade -N`` reached more than one head to undo (after undoing a merge)."""

    def __init__(
        self, target: str, done: int, heads: Sequence[str], targets: Sequence[str]
    ) -> None:
        listed = ", ".join(f"`tidal downgrade {t}`" for t in targets)
        super().__init__(
            f"downgrade {target}: after {done} step(s) the database would have "
            f"{len(heads)} heads ({', '.join(heads)}); -N cannot tell which to undo next",
            f"name an explicit target: {listed}",
        )
        self.heads = tuple(heads)
        self.targets = tuple(targets)


class RawSqlStringError(StepFailedError):
    """A migration passed a plain SQL string to ``connection.execute`` (SQLAlchemy 2)."""

    def __init__(self, step: str, error: BaseException, rolled_back: bool, at: str) -> None:
        super().__init__(step, error, rolled_back, at)
        state = "rolled back" if rolled_back else "not rolled back (DDL commits as it runs)"
        self.message = f"{step} failed: connection.execute() got a plain SQL string"
        self.args = (self.message,)
        self.hint = (
            'wrap it in sa.text(): connection.execute(sa.text("UPDATE ...")), or use '
            f'op.execute("..."); the step was {state}, the version table is still at {at}'
        )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return a ``did you mean ...?`` phrase for ``word``, or ``""`` when nothing is close.

    Example:
        >>> did_you_mean("hed", ["head", "heads", "base"])
        "did you mean 'head'?"
    """
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def user_frame(exc: BaseException) -> tuple[str, int] | None:
    """Return (file, line) of the innermost traceback frame in the user's own code.

    Frames in the standard library, in installed packages and in Tidal are skipped, so a
    NameError in the models points at the models, not at SQLAlchemy or at env.py.
    """
    import sysconfig

    import tidal

    paths = sysconfig.get_paths()
    skip = {os.path.dirname(os.path.abspath(tidal.__file__))}
    skip.update(
        os.path.abspath(paths[key])
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if paths.get(key)
    )
    found: tuple[str, int] | None = None
    tb = exc.__traceback__
    while tb is not None:
        file = tb.tb_frame.f_code.co_filename
        if not file.startswith("<"):
            full = os.path.abspath(file)
            if not any(full == root or full.startswith(root + os.sep) for root in skip):
                found = (file, tb.tb_lineno)
        tb = tb.tb_next
    return found
