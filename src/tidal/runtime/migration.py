"""MigrationContext: one database (or one ``--sql`` script) and its transaction policy.

Alembic's names and behaviour (``alembic.runtime.migration``):
``MigrationContext.configure(connection=..., url=..., dialect_name=..., opts=...)``,
``get_current_heads()``, ``get_current_revision()``, ``stamp()``, ``run_migrations()``,
``begin_transaction()``, ``autocommit_block()``, ``execute()``. Log lines go to the
``alembic.runtime.migration`` logger with Alembic's wording, because users grep them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.sql.elements import ClauseElement

from tidal.errors import DatabaseError, LockTimeoutError, TidalError
from tidal.runtime import plan
from tidal.runtime.info import MigrationInfo
from tidal.runtime.lock import DEFAULT_LOCK_TIMEOUT, RunLock, lock_name
from tidal.runtime.sink import LiveSink, ScriptSink, Sink, encoded_output
from tidal.runtime.steps import RunStep
from tidal.runtime.versions import VersionTable

if TYPE_CHECKING:
    from tidal.dialects.impl import DefaultImpl
    from tidal.runtime.environment import EnvironmentContext

__all__ = ["MigrationContext", "MigrationInfo", "MigrationsFn"]

log = logging.getLogger("alembic.runtime.migration")

#: ``fn(heads, context) -> steps``: what ``run_migrations`` runs.
MigrationsFn = Callable[[tuple[str, ...], "MigrationContext"], Iterable[RunStep]]


def _impl_class(dialect: Dialect) -> type[DefaultImpl]:
    try:
        from tidal.dialects.registry import impl_for
    except ImportError as exc:  # pragma: no cover - only while the dialect layer is missing
        raise DatabaseError(
            f"no dialect layer available for {dialect.name}: {exc}",
            "reinstall tidal; tidal.dialects.registry is missing",
        ) from exc
    return impl_for(dialect.name)


def _operations_context(context: MigrationContext) -> AbstractContextManager[Any]:
    """Make ``op`` (``tidal.op`` / ``alembic.op``) act on this context during the run."""
    import importlib

    for module, name in (
        ("tidal.operations", "Operations"),
        ("tidal.operations.core", "OperationsCore"),
    ):
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            cls = None
        if cls is not None:
            block: AbstractContextManager[Any] = cls.context(context)
            return block
    return nullcontext()  # the operations layer is missing: scripts may still use context


def _driver_begin(dialect: Dialect) -> str | None:
    from tidal.dialects.locks import begin_statement

    return begin_statement(dialect.name, str(getattr(dialect, "driver", "")))


class MigrationContext:
    """The state of one migration run against one database or script.

    Build it with :meth:`configure`; env.py gets it from ``context.get_context()``.
    """

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection | None,
        opts: Mapping[str, Any],
        environment_context: EnvironmentContext | None = None,
    ) -> None:
        self.environment_context = environment_context
        self.opts: dict[str, Any] = dict(opts)
        self.dialect = dialect
        self.script = self.opts.get("script")
        self.as_sql = bool(self.opts.get("as_sql", False))
        self.purge = bool(self.opts.get("purge", False))
        self._migrations_fn: MigrationsFn | None = self.opts.get("fn")
        self._start_from_rev: str | None = self.opts.get("starting_rev")
        self._transaction_per_migration = bool(self.opts.get("transaction_per_migration", False))
        self.on_version_apply_callbacks = tuple(self.opts.get("on_version_apply") or ())
        self.output_buffer: TextIO = self.opts.get("output_buffer") or sys.stdout
        encoding = self.opts.get("output_encoding")
        if self.as_sql and encoding:
            # As Alembic: the script's text reaches the (binary) buffer encoded.
            self.output_buffer = encoded_output(self.output_buffer, str(encoding))
        self.connection: Connection | None = None if self.as_sql else connection
        self._in_external_transaction = bool(
            self.connection is not None and self.connection.in_transaction()
        )
        self.sink: Sink
        if self.as_sql:
            self.sink = ScriptSink(
                self.output_buffer,
                dialect,
                literal_binds=bool(self.opts.get("literal_binds", False)),
            )
        else:
            if self.connection is None:
                raise DatabaseError(
                    "online migration needs a connection",
                    "pass connection=... to context.configure(), or run with --sql",
                )
            self.sink = LiveSink(self.connection)
        self.impl: DefaultImpl = _impl_class(dialect)(dialect, self.sink, self.opts)
        if isinstance(self.sink, ScriptSink):
            self.sink.terminator = self.impl.command_terminator
        self._setup_transactions()
        self.version_table = str(self.opts.get("version_table") or "alembic_version")
        self.version_table_schema: str | None = self.opts.get("version_table_schema")
        self._version = VersionTable(
            self.sink,
            self.version_table,
            self.version_table_schema,
            bool(self.opts.get("version_table_pk", True)),
        )
        self._lock: RunLock | None = None
        self._run_start_heads: tuple[str, ...] = ()
        #: Writes the applied-history rows queued in this transaction (set while steps run).
        self._flush_history: Callable[[], None] | None = None
        self._outer_open = 0
        self._log_start()

    def _setup_transactions(self) -> None:
        explicit = self.opts.get("transactional_ddl")
        # Online, the dialect layer may make DDL transactional by opening the
        # transaction itself (the driver would commit DDL by itself otherwise).
        driver_begin = None if self.as_sql else _driver_begin(self.dialect)
        if explicit is not None:
            self.transactional_ddl = bool(explicit)
        elif self.as_sql:
            self.transactional_ddl = bool(self.impl.transactional_ddl)
        else:
            self.transactional_ddl = bool(self.impl.transactional_ddl) or bool(driver_begin)
        self._driver_begin = driver_begin if self.transactional_ddl else None

    def _log_start(self) -> None:
        log.info("Context impl %s.", type(self.impl).__name__)
        if self.as_sql:
            log.info("Generating static SQL")
        kind = "transactional" if self.transactional_ddl else "non-transactional"
        log.info("Will assume %s DDL.", kind)

    @classmethod
    def configure(
        cls,
        connection: Connection | None = None,
        url: Any = None,
        dialect_name: str | None = None,
        dialect: Dialect | None = None,
        environment_context: EnvironmentContext | None = None,
        dialect_opts: Mapping[str, Any] | None = None,
        opts: Mapping[str, Any] | None = None,
    ) -> MigrationContext:
        """Return a context for a connection, a URL or a dialect name (offline)."""
        opts = dict(opts or {})
        if connection is not None:
            if not isinstance(connection, Connection):
                raise DatabaseError(
                    "'connection' must be a sqlalchemy Connection, "
                    f"not {type(connection).__name__}",
                    "pass engine.connect() (an Engine is not accepted since SQLAlchemy 2.0)",
                )
            dialect = connection.dialect
        elif url is not None:
            dialect = make_url(url).get_dialect()(**(dialect_opts or {}))
        elif dialect_name is not None:
            dialect = make_url(f"{dialect_name}://").get_dialect()(**(dialect_opts or {}))
        elif dialect is None:
            raise DatabaseError(
                "connection, url, or dialect_name is required",
                "pass one of them to context.configure()",
            )
        return cls(dialect, connection, opts, environment_context)

    # --- Alembic's accessors -----------------------------------------------------------

    @property
    def bind(self) -> Connection | None:
        """Return the connection (None offline)."""
        return self.connection

    @property
    def config(self) -> Any:
        """Return the Config of the EnvironmentContext, if any."""
        return self.environment_context.config if self.environment_context else None

    def execute(
        self, sql: str | ClauseElement, execution_options: Mapping[str, Any] | None = None
    ) -> None:
        """Run (or render) a statement in the migration's transaction."""
        self.impl.execute(sql, execution_options=execution_options)

    def get_current_heads(self) -> tuple[str, ...]:
        """Return the version table's rows (offline: the starting revision)."""
        if self.as_sql:
            start = self._start_from_rev
            if start is None or start == "base":
                return ()
            names = [s for s in str(start).split(",") if s and s != "base"]
            if self.script is None:
                return tuple(names)
            # Symbolic starts (``label@head``, partial ids) resolve through the scripts.
            found = [self.script.get_revision(name) for name in names]
            return tuple(str(rev.revision) for rev in found if rev is not None)
        try:
            return self._version.heads()
        except sa_exc.DBAPIError as exc:
            raise DatabaseError(
                f"could not read {self.version_table}: {str(exc).splitlines()[0]}",
                "check the connection and that the version table is readable",
            ) from exc

    def get_current_revision(self) -> str | None:
        """Return the single current revision, or None; raise if there are several."""
        heads = self.get_current_heads()
        if len(heads) > 1:
            raise TidalError(
                f"Version table '{self.version_table}' has more than one head present; "
                "please use get_current_heads()",
                "call get_current_heads() when branches are applied side by side",
            )
        return heads[0] if heads else None

    def _ensure_version_table(self, purge: bool = False) -> None:
        # No transaction of our own: inside the run's transaction where there is one,
        # autobegun otherwise (and adopted by the first step's transaction).
        if purge:
            self._version.purge()
        else:
            self._version.create()

    def _has_version_table(self) -> bool:
        return self._version.exists()

    # --- transactions ------------------------------------------------------------------

    def _begin_driver(self) -> None:
        conn = self.connection
        if conn is None or self._driver_begin is None:
            return
        dbapi = conn.connection.dbapi_connection
        if getattr(dbapi, "in_transaction", True):
            return  # the driver already began (or cannot tell us): nothing to do
        try:
            conn.exec_driver_sql(self._driver_begin)
        except sa_exc.OperationalError as exc:
            raise LockTimeoutError(
                f"could not take the database's write lock: {str(exc).splitlines()[0]}",
                "another migration is writing to this database; wait for it and retry",
            ) from exc

    @contextmanager
    def _begin_live(self) -> Iterator[None]:
        conn = self.connection
        assert conn is not None
        if not conn.in_transaction():
            conn.begin()
        self._begin_driver()
        try:
            yield
        except BaseException:
            trans = conn.get_transaction()
            if trans is not None and trans.is_active:
                trans.rollback()
            raise
        trans = conn.get_transaction()
        if trans is not None and trans.is_active:
            trans.commit()

    def begin_transaction(self, _per_migration: bool = False) -> AbstractContextManager[Any]:
        """Return the context manager for a transaction, as policy and dialect decide.

        Transactional DDL: one transaction for the run, or one per migration with
        ``transaction_per_migration``. Otherwise one per migration, so each step's
        version-table change is committed with it.
        """
        if self._in_external_transaction:
            return nullcontext()
        if self.transactional_ddl:
            now = _per_migration == self._transaction_per_migration
        else:
            now = _per_migration
        if not now:
            return nullcontext()
        if self.as_sql:
            return self._offline_block() if self.transactional_ddl else nullcontext()
        return self._tracked(self._begin_live(), outer=not _per_migration)

    @contextmanager
    def _offline_block(self) -> Iterator[None]:
        self.impl.emit_begin()
        yield
        self.impl.emit_commit()

    @contextmanager
    def _tracked(self, block: AbstractContextManager[None], outer: bool) -> Iterator[None]:
        self._outer_open += outer
        try:
            with block:
                yield
        finally:
            self._outer_open -= outer
            if outer and not self._outer_open:
                self.release_lock()

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        """Run the block outside any transaction (e.g. CREATE INDEX CONCURRENTLY)."""
        if self.as_sql:
            if self.transactional_ddl:
                self.impl.emit_commit()
            try:
                yield
            finally:
                if self.transactional_ddl:
                    self.impl.emit_begin()
            return
        conn = self.connection
        assert conn is not None
        was_open = conn.in_transaction()
        if was_open:
            if self._flush_history is not None:
                self._flush_history()  # the steps this commit makes permanent keep their rows
            trans = conn.get_transaction()
            assert trans is not None
            trans.commit()
        level = conn.get_isolation_level()
        conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield
        finally:
            if conn.in_transaction():
                conn.commit()
            conn.execution_options(isolation_level=level)
            if was_open:
                conn.begin()
                self._begin_driver()

    # --- the run -----------------------------------------------------------------------

    def acquire_lock(self) -> None:
        """Take the run lock for this version table (online; no-op offline or if off)."""
        if self.as_sql or self.connection is None or self._lock is not None:
            return
        if self.opts.get("tidal_lock", True) is False:
            return
        database = self.connection.engine.url.database
        name = lock_name(database, self.version_table_schema, self.version_table)
        timeout = self.opts.get("lock_timeout")
        getter = getattr(self.config, "get_main_option", None)
        if timeout is None and getter is not None:
            timeout = getter("tidal_lock_timeout")
        timeout = float(timeout) if timeout not in (None, "") else DEFAULT_LOCK_TIMEOUT
        self._lock = RunLock(self.connection, name, float(timeout))
        self._lock.acquire()

    def release_lock(self) -> None:
        """Release the run lock if this context holds it."""
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def _start_heads(self) -> tuple[str, ...]:
        if self.purge:
            if self.as_sql:
                raise TidalError("Can't use --purge with --sql mode", "run stamp --purge online")
            return ()
        return self.get_current_heads()

    def _prepare_version_table(self, heads: tuple[str, ...]) -> None:
        """Create (or purge) the version table, after the steps were planned."""
        if self.purge:
            self._ensure_version_table(purge=True)
        elif not self.as_sql and not heads and not self.opts.get("dont_mutate", False):
            self._ensure_version_table()

    def run_migrations(self, **kw: Any) -> None:
        """Run the steps ``fn(heads, context)`` yields, recording each in the version table."""
        from tidal.runtime.executor import run_steps

        if not self.opts.get("dont_mutate", False):
            self.acquire_lock()
        try:
            with _operations_context(self):
                run_steps(self, self._start_heads(), kw)
        finally:
            if not self._outer_open:
                self.release_lock()

    def stamp(self, script_directory: Any, revision: str | Iterable[str]) -> None:
        """Set the version table to ``revision`` without running any script."""
        from tidal.runtime.steps import StepSource

        heads = self.get_current_heads()
        if not self.as_sql and not heads:
            self._ensure_version_table()
        source = StepSource(script_directory)
        for step in source.stamp(revision, heads, self):
            changes = plan.step_changes(step.step, heads, source.ancestry)
            self._version.apply(changes)
            heads = plan.apply_changes(heads, changes)
