"""EnvironmentContext: runs a project's env.py and answers the ``context`` API it calls.

While :meth:`EnvironmentContext.run_env` runs env.py, the context is the current one
in a :class:`contextvars.ContextVar` (so two runs in two threads never see each other's)
and ``alembic.*`` imports resolve to Tidal (:func:`tidal.compat.alembic_shim`).
The method names and ``configure()`` keywords are Alembic's.
"""

from __future__ import annotations

import contextvars
import runpy
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ClauseElement

from tidal.compat import alembic_shim
from tidal.errors import EnvironmentError_, TidalError
from tidal.runtime.env_errors import env_errors, mask_url
from tidal.runtime.migration import MigrationContext

__all__ = ["EnvironmentContext", "current_environment", "mask_url"]

_CURRENT: contextvars.ContextVar[EnvironmentContext | None] = contextvars.ContextVar(
    "tidal_environment", default=None
)


def current_environment() -> EnvironmentContext:
    """Return the EnvironmentContext of the running env.py; raise outside one."""
    env = _CURRENT.get()
    if env is None:
        raise EnvironmentError_(
            "no migration environment is active (context used outside env.py)",
            "use `from alembic import context` only in env.py, run by a tidal command",
        )
    return env


def _tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple | set):
        return tuple(value)
    return (value,)


class EnvironmentContext:
    """The ``context`` of env.py: configuration, arguments and the migration context.

    Args:
        config: The run's :class:`tidal.config.Config`.
        script: The run's :class:`tidal.script.ScriptDirectory`.
        **kw: Run options (``fn``, ``as_sql``, ``starting_rev``, ``destination_rev``,
            ``tag``, ``purge``, ...), kept in ``context_opts``.
    """

    _migration_context: MigrationContext | None = None

    def __init__(self, config: Any, script: Any, **kw: Any) -> None:
        self.config = config
        self.script = script
        self.context_opts: dict[str, Any] = kw
        self._tokens: list[contextvars.Token[EnvironmentContext | None]] = []
        # env.py may configure() several times (one per database): release every lock.
        self._contexts: list[MigrationContext] = []

    def __enter__(self) -> EnvironmentContext:
        self._tokens.append(_CURRENT.set(self))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            for context in self._contexts:
                context.release_lock()
        finally:
            _CURRENT.reset(self._tokens.pop())

    # --- arguments ---------------------------------------------------------------------

    def is_offline_mode(self) -> bool:
        """Return True for ``--sql`` runs."""
        return bool(self.context_opts.get("as_sql", False))

    def requires_connection(self) -> bool:
        """Return True when env.py must connect (online)."""
        return not self.is_offline_mode()

    def is_transactional_ddl(self) -> bool:
        """Return True when DDL runs in transactions on this database."""
        return self.get_context().transactional_ddl

    def get_head_revision(self) -> str | None:
        """Return the single head's id (raise when there are several)."""
        return self.script.as_revision_number("head")  # type: ignore[no-any-return]

    def get_head_revisions(self) -> tuple[str, ...] | str | None:
        """Return every head's id."""
        return self.script.as_revision_number("heads")  # type: ignore[no-any-return]

    def get_starting_revision_argument(self) -> tuple[str, ...] | str | None:
        """Return the ``start`` of an ``--sql`` ``start:end`` range."""
        if self._migration_context is not None:
            start = self._migration_context._start_from_rev
        elif "starting_rev" in self.context_opts:
            start = self.context_opts["starting_rev"]
        else:
            raise TidalError(
                "No starting revision argument is available.",
                "give a range start:end with --sql",
            )
        return self.script.as_revision_number(start)  # type: ignore[no-any-return]

    def get_revision_argument(self) -> tuple[str, ...] | str | None:
        """Return the command's target revision, resolved as far as ``head``/``heads``."""
        return self.script.as_revision_number(  # type: ignore[no-any-return]
            self.context_opts["destination_rev"]
        )

    def get_tag_argument(self) -> str | None:
        """Return ``--tag``."""
        tag = self.context_opts.get("tag")
        return None if tag is None else str(tag)

    def get_x_argument(self, as_dictionary: bool = False) -> list[str] | dict[str, str]:
        """Return the ``-x`` arguments, as a list or as ``{key: value}``."""
        cmd_opts = getattr(self.config, "cmd_opts", None)
        values = list(getattr(cmd_opts, "x", None) or []) if cmd_opts is not None else []
        if not as_dictionary:
            return values
        out: dict[str, str] = {}
        for arg in values:
            key, _, value = arg.partition("=")
            out[key] = value
        return out

    # --- configure ---------------------------------------------------------------------

    def configure(
        self,
        connection: Connection | None = None,
        url: Any = None,
        dialect_name: str | None = None,
        dialect_opts: Mapping[str, Any] | None = None,
        transactional_ddl: bool | None = None,
        transaction_per_migration: bool = False,
        output_buffer: TextIO | None = None,
        starting_rev: str | None = None,
        tag: str | None = None,
        template_args: Mapping[str, Any] | None = None,
        render_as_batch: bool = False,
        target_metadata: Any = None,
        include_name: Callable[..., bool] | None = None,
        include_object: Callable[..., bool] | None = None,
        include_schemas: bool = False,
        process_revision_directives: Callable[..., None] | None = None,
        compare_type: Any = True,
        compare_server_default: Any = False,
        render_item: Callable[..., Any] | None = None,
        literal_binds: bool = False,
        upgrade_token: str = "upgrades",
        downgrade_token: str = "downgrades",
        alembic_module_prefix: str = "op.",
        sqlalchemy_module_prefix: str = "sa.",
        user_module_prefix: str | None = None,
        on_version_apply: Any = None,
        **kw: Any,
    ) -> None:
        """Configure the migration context (Alembic's keywords; others kept in opts)."""
        opts = self.context_opts
        opts.update(kw)
        if transactional_ddl is not None:
            opts["transactional_ddl"] = transactional_ddl
        if output_buffer is not None:
            opts["output_buffer"] = output_buffer
        elif getattr(self.config, "output_buffer", None) is not None:
            opts["output_buffer"] = self.config.output_buffer
        if starting_rev:
            opts["starting_rev"] = starting_rev
        if tag:
            opts["tag"] = tag
        if template_args and "template_args" in opts:
            opts["template_args"].update(template_args)
        elif template_args:
            opts["template_args"] = dict(template_args)
        opts.update(
            transaction_per_migration=transaction_per_migration,
            render_as_batch=render_as_batch,
            target_metadata=target_metadata,
            include_name=include_name,
            include_object=include_object,
            include_schemas=include_schemas,
            process_revision_directives=process_revision_directives,
            compare_type=compare_type,
            compare_server_default=compare_server_default,
            render_item=render_item,
            literal_binds=literal_binds,
            upgrade_token=upgrade_token,
            downgrade_token=downgrade_token,
            alembic_module_prefix=alembic_module_prefix,
            sqlalchemy_module_prefix=sqlalchemy_module_prefix,
            user_module_prefix=user_module_prefix,
            on_version_apply=_tuple(on_version_apply),
            script=self.script,
        )
        self._migration_context = MigrationContext.configure(
            connection=connection,
            url=url,
            dialect_name=dialect_name,
            environment_context=self,
            dialect_opts=dialect_opts,
            opts=opts,
        )
        self._contexts.append(self._migration_context)

    # --- running -----------------------------------------------------------------------

    def get_context(self) -> MigrationContext:
        """Return the configured MigrationContext; raise before ``configure()``."""
        if self._migration_context is None:
            raise EnvironmentError_(
                "No context has been configured yet.",
                "call context.configure(...) in env.py before using the migration context",
            )
        return self._migration_context

    def get_bind(self) -> Connection | None:
        """Return the connection (None offline)."""
        return self.get_context().bind

    def get_impl(self) -> Any:
        """Return the dialect implementation."""
        return self.get_context().impl

    def run_migrations(self, **kw: Any) -> None:
        """Run the command's migrations; keywords go to each script's functions."""
        self.get_context().run_migrations(**kw)

    def execute(
        self, sql: str | ClauseElement, execution_options: Mapping[str, Any] | None = None
    ) -> None:
        """Run (or render) a statement."""
        self.get_context().execute(sql, execution_options=execution_options)

    def static_output(self, text: str) -> None:
        """Write raw text to the ``--sql`` output."""
        self.get_context().impl.static_output(text)

    def begin_transaction(self) -> AbstractContextManager[Any]:
        """Return the run's transaction block (see MigrationContext.begin_transaction)."""
        return self.get_context().begin_transaction()

    def run_env(self) -> None:
        """Run the project's env.py with this context current and the alembic shim on."""
        with self, alembic_shim(), env_errors(self, _env_location(self.script)):
            runner = getattr(self.script, "run_env", None)
            if callable(runner):
                runner()
            else:
                _run_env_file(self.script)


def _env_location(script: Any) -> Path:
    location = getattr(script, "env_py_location", None)
    if location is None:
        location = Path(str(getattr(script, "dir", "."))) / "env.py"
    return Path(str(location))


def _run_env_file(script: Any) -> None:
    path = _env_location(script)
    if not path.is_file():
        raise EnvironmentError_(
            f"no env.py at {path}",
            "restore env.py, or run `tidal init` to create an environment",
        )
    runpy.run_path(str(path), run_name="env_py")
