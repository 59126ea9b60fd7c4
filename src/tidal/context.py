"""The ``context`` module env.py imports: typed functions forwarding to the current run.

``from alembic import context`` (through :mod:`tidal.compat`) and
``from tidal import context`` give this module. Each function forwards to the
:class:`~tidal.runtime.environment.EnvironmentContext` held in a ContextVar, so
concurrent runs in different threads never see each other's context. ``context.config``
and ``context.script`` are attributes, as in Alembic.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql.elements import ClauseElement

    from tidal.runtime.environment import EnvironmentContext
    from tidal.runtime.migration import MigrationContext

__all__ = [
    "begin_transaction",
    "configure",
    "execute",
    "get_bind",
    "get_context",
    "get_head_revision",
    "get_head_revisions",
    "get_impl",
    "get_revision_argument",
    "get_starting_revision_argument",
    "get_tag_argument",
    "get_x_argument",
    "is_offline_mode",
    "is_transactional_ddl",
    "requires_connection",
    "run_migrations",
    "static_output",
]


def _env() -> EnvironmentContext:
    from tidal.runtime.environment import current_environment

    return current_environment()


def __getattr__(name: str) -> Any:
    # ``context.config`` / ``context.script`` are attributes of the current run.
    if name in ("config", "script", "context_opts"):
        return getattr(_env(), name)
    raise AttributeError(f"module 'tidal.context' has no attribute {name!r}")


def configure(*args: Any, **kw: Any) -> None:
    """Configure the migration context (see EnvironmentContext.configure)."""
    _env().configure(*args, **kw)


def is_offline_mode() -> bool:
    """Return True for ``--sql`` runs."""
    return _env().is_offline_mode()


def is_transactional_ddl() -> bool:
    """Return True when DDL runs in transactions on this database."""
    return _env().is_transactional_ddl()


def requires_connection() -> bool:
    """Return True when env.py must connect."""
    return _env().requires_connection()


def begin_transaction() -> AbstractContextManager[Any]:
    """Return the run's transaction block."""
    return _env().begin_transaction()


def run_migrations(**kw: Any) -> None:
    """Run the command's migrations."""
    _env().run_migrations(**kw)


def execute(sql: str | ClauseElement, execution_options: Mapping[str, Any] | None = None) -> None:
    """Run (or render) a statement."""
    _env().execute(sql, execution_options=execution_options)


def static_output(text: str) -> None:
    """Write raw text to the ``--sql`` output."""
    _env().static_output(text)


def get_context() -> MigrationContext:
    """Return the MigrationContext."""
    return _env().get_context()


def get_bind() -> Connection | None:
    """Return the connection (None offline)."""
    return _env().get_bind()


def get_impl() -> Any:
    """Return the dialect implementation."""
    return _env().get_impl()


def get_head_revision() -> str | None:
    """Return the single head's id."""
    return _env().get_head_revision()


def get_head_revisions() -> tuple[str, ...] | str | None:
    """Return every head's id."""
    return _env().get_head_revisions()


def get_revision_argument() -> tuple[str, ...] | str | None:
    """Return the command's target revision."""
    return _env().get_revision_argument()


def get_starting_revision_argument() -> tuple[str, ...] | str | None:
    """Return the start of an ``--sql`` range."""
    return _env().get_starting_revision_argument()


def get_tag_argument() -> str | None:
    """Return ``--tag``."""
    return _env().get_tag_argument()


def get_x_argument(as_dictionary: bool = False) -> list[str] | dict[str, str]:
    """Return the ``-x`` arguments."""
    return _env().get_x_argument(as_dictionary=as_dictionary)
