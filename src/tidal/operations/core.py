"""The Op base class, op containers, and the core every Operations object shares.

``MigrateOperation`` is what every operation class derives from (Alembic's name): it
runs with ``forward(operations)``, may have a ``reverse()``, and says what it does with
``describe()``. ``OperationsCore`` holds the migration context and its dialect impl,
dispatches ops (``invoke``), and owns the ContextVar that :mod:`tidal.op` forwards to.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import conv
from sqlalchemy.types import TypeEngine

from tidal.dialects.ddl import InlineLiteral
from tidal.dialects.impl import DefaultImpl
from tidal.errors import IrreversibleOperationError, OperationError
from tidal.operations import registry
from tidal.operations.schemaobj import SchemaObjects

__all__ = ["MigrateOperation", "OperationsCore", "current_operations"]

_T = TypeVar("_T")
_SelfT = TypeVar("_SelfT", bound="OperationsCore")

_CURRENT: contextvars.ContextVar[OperationsCore | None] = contextvars.ContextVar(
    "tidal_operations", default=None
)


def current_operations() -> OperationsCore:
    """Return the Operations of the running migration; raise outside of one."""
    ops = _CURRENT.get()
    if ops is None:
        raise OperationError(
            "op.* was called outside of a migration run",
            "call op functions from upgrade()/downgrade() of a script run by `tidal upgrade`, "
            "or wrap the code in `with Operations.context(migration_context):`",
        )
    return ops


class MigrateOperation:
    """Base of every operation: data plus ``forward``, ``reverse`` and ``describe``."""

    #: ``to_diff_tuple()`` returns several diffs (Alembic's alter_column does).
    diff_is_list: ClassVar[bool] = False

    #: Free-form data for autogenerate hooks (Alembic's ``info``).
    @property
    def info(self) -> dict[Any, Any]:
        """Return the operation's info dictionary."""
        info: dict[Any, Any] | None = self.__dict__.get("_info")
        if info is None:
            info = self.__dict__["_info"] = {}
        return info

    def forward(self, operations: OperationsCore) -> Any:
        """Carry the operation out through ``operations.impl``."""
        raise OperationError(
            f"{type(self).__name__} has no implementation",
            "register one with @Operations.implementation_for(<op class>)",
        )

    def reverse(self) -> MigrateOperation:
        """Return the operation that undoes this one."""
        raise IrreversibleOperationError(f"{type(self).__name__} cannot be reversed")

    def describe(self) -> str:
        """Return a one-line human description."""
        return type(self).__name__

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """Return Alembic's autogenerate diff tuple for this operation."""
        raise OperationError(f"{type(self).__name__} has no diff tuple")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.describe()}>"


class OperationsCore:
    """What ``Operations`` and ``BatchOperations`` share.

    Args:
        migration_context: Exposes ``impl``, ``dialect``, ``bind``, ``opts``, ``as_sql``
            and ``autocommit_block()``.
        impl: The dialect impl to use; the context's by default.
    """

    #: Which registered custom methods apply ("operations" or "batch").
    _kind = "operations"

    def __init__(self, migration_context: Any, impl: DefaultImpl | None = None) -> None:
        self.migration_context = migration_context
        self.impl: DefaultImpl = impl if impl is not None else migration_context.impl
        self.schema_obj = SchemaObjects.for_context(migration_context)

    @classmethod
    @contextmanager
    def context(cls: type[_SelfT], migration_context: Any) -> Iterator[_SelfT]:
        """Make ``tidal.op`` forward to a new instance for the ``with`` block."""
        operations = cls(migration_context)
        token = _CURRENT.set(operations)
        try:
            yield operations
        finally:
            _CURRENT.reset(token)

    # --- the extension API (Alembic's names) -------------------------------------------

    @classmethod
    def register_operation(
        cls, name: str, sourcename: str | None = None
    ) -> Callable[[type[_T]], type[_T]]:
        """Return a class decorator registering ``op.<name>`` (see :mod:`registry`)."""
        return registry.register_operation(name, sourcename, kind=cls._kind)

    @staticmethod
    def implementation_for(op_cls: type) -> Callable[[Any], Any]:
        """Return a decorator registering how ``op_cls`` runs."""
        return registry.implementation_for(op_cls)

    def __getattr__(self, name: str) -> Any:
        method = registry.custom_method(self._kind, name)
        if method is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

        def bound(*args: Any, **kw: Any) -> Any:
            return method(self, *args, **kw)

        return bound

    def invoke(self, operation: MigrateOperation) -> Any:
        """Run one operation object and return what it returns."""
        custom = registry.implementation_of(type(operation))
        if custom is not None:
            return custom(self, operation)
        return operation.forward(self)

    # --- context access ----------------------------------------------------------------

    def get_context(self) -> Any:
        """Return the migration context."""
        return self.migration_context

    def get_bind(self) -> Connection:
        """Return the connection (None when rendering ``--sql``)."""
        bind: Connection = self.migration_context.bind
        return bind

    def inline_literal(self, value: Any, type_: TypeEngine[Any] | None = None) -> Any:
        """Return a value rendered inline as a SQL literal, online and offline."""
        return InlineLiteral(None, value, type_=type_, unique=True)

    def f(self, name: str) -> conv:
        """Mark ``name`` as final: naming conventions leave it as it is."""
        return conv(name)

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        """Run the block outside the migration's transaction."""
        with self.migration_context.autocommit_block():
            yield

    def run_async(self, async_function: Callable[..., Any], *args: Any, **kw_args: Any) -> Any:
        """Call ``async_function(async_connection, *args, **kw)`` on the run's connection."""
        bind = self.migration_context.bind
        if bind is None or not getattr(bind.dialect, "is_async", False):
            raise OperationError(
                "run_async() needs an async connection",
                "configure env.py with an async engine (async_engine_from_config) and run_sync",
            )
        try:
            from sqlalchemy.ext.asyncio import AsyncConnection
            from sqlalchemy.util import await_only

            async_conn = AsyncConnection._retrieve_proxy_for_target(bind)
        except ImportError as exc:
            raise OperationError(
                f"run_async() cannot work here: {exc}", "pip install 'sqlalchemy[asyncio]'"
            ) from exc
        if async_conn is None:
            raise OperationError(
                "run_async() needs an async connection",
                "configure env.py with an async engine (async_engine_from_config) and run_sync",
            )
        return await_only(async_function(async_conn, *args, **kw_args))
