"""The ``op`` module migration scripts call (``from alembic import op`` resolves here).

Each function forwards to the :class:`~tidal.operations.Operations` of the running
migration, held in a ContextVar set by ``Operations.context(migration_context)``.
Nothing is written into this module at run time; custom operations registered with
``Operations.register_operation`` are found through the module's ``__getattr__``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Column, Table
from sqlalchemy.engine import Connection
from sqlalchemy.schema import SchemaItem
from sqlalchemy.sql.elements import ClauseElement, conv
from sqlalchemy.types import TypeEngine

from tidal.operations import registry as _registry
from tidal.operations.core import MigrateOperation, current_operations

if TYPE_CHECKING:
    from tidal.operations.base import BatchOperations, Operations

__all__ = [
    "add_column",
    "alter_column",
    "batch_alter_table",
    "bulk_insert",
    "create_check_constraint",
    "create_exclude_constraint",
    "create_foreign_key",
    "create_index",
    "create_primary_key",
    "create_table",
    "create_table_comment",
    "create_unique_constraint",
    "drop_column",
    "drop_constraint",
    "drop_index",
    "drop_table",
    "drop_table_comment",
    "execute",
    "f",
    "get_bind",
    "get_context",
    "implementation_for",
    "inline_literal",
    "invoke",
    "register_operation",
    "rename_table",
    "run_async",
]

_T = TypeVar("_T")
_TypeArg = TypeEngine[Any] | type[TypeEngine[Any]] | None


def _ops() -> Operations:
    return cast("Operations", current_operations())


def __getattr__(name: str) -> Any:
    # Custom operations registered with Operations.register_operation("name").
    method = _registry.custom_method("operations", name)
    if method is None:
        raise AttributeError(f"module 'tidal.op' has no attribute {name!r}")

    def call(*args: Any, **kw: Any) -> Any:
        return method(_ops(), *args, **kw)

    call.__name__ = name
    return call


def add_column(
    table_name: str,
    column: Column[Any],
    *,
    schema: str | None = None,
    if_not_exists: bool | None = None,
) -> None:
    """Add a column to a table."""
    _ops().add_column(table_name, column, schema=schema, if_not_exists=if_not_exists)


def alter_column(
    table_name: str,
    column_name: str,
    *,
    nullable: bool | None = None,
    comment: str | None | bool = False,
    server_default: Any = False,
    new_column_name: str | None = None,
    type_: _TypeArg = None,
    existing_type: _TypeArg = None,
    existing_server_default: Any = False,
    existing_nullable: bool | None = None,
    existing_comment: str | None = None,
    schema: str | None = None,
    **kw: Any,
) -> None:
    """Alter a column's nullability, default, type, comment or name."""
    _ops().alter_column(
        table_name,
        column_name,
        nullable=nullable,
        comment=comment,
        server_default=server_default,
        new_column_name=new_column_name,
        type_=type_,
        existing_type=existing_type,
        existing_server_default=existing_server_default,
        existing_nullable=existing_nullable,
        existing_comment=existing_comment,
        schema=schema,
        **kw,
    )


def batch_alter_table(
    table_name: str,
    schema: str | None = None,
    recreate: str = "auto",
    partial_reordering: Sequence[Sequence[str]] | None = None,
    copy_from: Table | None = None,
    table_args: Sequence[Any] = (),
    table_kwargs: Mapping[str, Any] | None = None,
    reflect_args: Sequence[Any] = (),
    reflect_kwargs: Mapping[str, Any] | None = None,
    naming_convention: Mapping[str, Any] | None = None,
) -> AbstractContextManager[BatchOperations]:
    """Alter a table in one batch (by copying it where ALTER falls short)."""
    return _ops().batch_alter_table(
        table_name,
        schema=schema,
        recreate=recreate,
        partial_reordering=partial_reordering,
        copy_from=copy_from,
        table_args=table_args,
        table_kwargs=table_kwargs,
        reflect_args=reflect_args,
        reflect_kwargs=reflect_kwargs,
        naming_convention=naming_convention,
    )


def bulk_insert(
    table: Table | Any, rows: Sequence[Mapping[str, Any]], *, multiinsert: bool = True
) -> None:
    """Insert rows into a table."""
    _ops().bulk_insert(table, rows, multiinsert=multiinsert)


def create_check_constraint(
    constraint_name: str | None,
    table_name: str,
    condition: str | ClauseElement,
    *,
    schema: str | None = None,
    **kw: Any,
) -> None:
    """Add a check constraint."""
    _ops().create_check_constraint(constraint_name, table_name, condition, schema=schema, **kw)


def create_exclude_constraint(
    constraint_name: str, table_name: str, *elements: Any, **kw: Any
) -> None:
    """Add an EXCLUDE constraint (where the database has them)."""
    _ops().create_exclude_constraint(constraint_name, table_name, *elements, **kw)


def create_foreign_key(
    constraint_name: str | None,
    source_table: str,
    referent_table: str,
    local_cols: list[str],
    remote_cols: list[str],
    *,
    onupdate: str | None = None,
    ondelete: str | None = None,
    deferrable: bool | None = None,
    initially: str | None = None,
    match: str | None = None,
    source_schema: str | None = None,
    referent_schema: str | None = None,
    **dialect_kw: Any,
) -> None:
    """Add a foreign key."""
    _ops().create_foreign_key(
        constraint_name,
        source_table,
        referent_table,
        local_cols,
        remote_cols,
        onupdate=onupdate,
        ondelete=ondelete,
        deferrable=deferrable,
        initially=initially,
        match=match,
        source_schema=source_schema,
        referent_schema=referent_schema,
        **dialect_kw,
    )


def create_index(
    index_name: str | None,
    table_name: str,
    columns: Sequence[str | ClauseElement],
    *,
    schema: str | None = None,
    unique: bool = False,
    if_not_exists: bool | None = None,
    **kw: Any,
) -> None:
    """Create an index."""
    _ops().create_index(
        index_name,
        table_name,
        columns,
        schema=schema,
        unique=unique,
        if_not_exists=if_not_exists,
        **kw,
    )


def create_primary_key(
    constraint_name: str | None, table_name: str, columns: list[str], *, schema: str | None = None
) -> None:
    """Add a primary key."""
    _ops().create_primary_key(constraint_name, table_name, columns, schema=schema)


def create_table(
    table_name: str, *columns: SchemaItem, if_not_exists: bool | None = None, **kw: Any
) -> Table:
    """Create a table and return it."""
    return _ops().create_table(table_name, *columns, if_not_exists=if_not_exists, **kw)


def create_table_comment(
    table_name: str,
    comment: str | None,
    *,
    existing_comment: str | None = None,
    schema: str | None = None,
) -> None:
    """Set a table's comment."""
    _ops().create_table_comment(
        table_name, comment, existing_comment=existing_comment, schema=schema
    )


def create_unique_constraint(
    constraint_name: str | None,
    table_name: str,
    columns: Sequence[str],
    *,
    schema: str | None = None,
    **kw: Any,
) -> Any:
    """Add a unique constraint."""
    return _ops().create_unique_constraint(
        constraint_name, table_name, columns, schema=schema, **kw
    )


def drop_column(
    table_name: str,
    column_name: str,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> None:
    """Drop a column."""
    _ops().drop_column(table_name, column_name, schema=schema, if_exists=if_exists, **kw)


def drop_constraint(
    constraint_name: str,
    table_name: str,
    type_: str | None = None,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
) -> None:
    """Drop a constraint."""
    _ops().drop_constraint(
        constraint_name, table_name, type_=type_, schema=schema, if_exists=if_exists
    )


def drop_index(
    index_name: str,
    table_name: str | None = None,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> None:
    """Drop an index."""
    _ops().drop_index(index_name, table_name, schema=schema, if_exists=if_exists, **kw)


def drop_table(
    table_name: str, *, schema: str | None = None, if_exists: bool | None = None, **kw: Any
) -> None:
    """Drop a table."""
    _ops().drop_table(table_name, schema=schema, if_exists=if_exists, **kw)


def drop_table_comment(
    table_name: str, *, existing_comment: str | None = None, schema: str | None = None
) -> None:
    """Remove a table's comment."""
    _ops().drop_table_comment(table_name, existing_comment=existing_comment, schema=schema)


def execute(
    sqltext: str | ClauseElement, *, execution_options: Mapping[str, Any] | None = None
) -> Any:
    """Run SQL: a string, ``text()`` or any executable."""
    return _ops().execute(sqltext, execution_options=execution_options)


def f(name: str) -> conv:
    """Mark a name as final: naming conventions leave it alone."""
    return conv(name)


def get_bind() -> Connection:
    """Return the migration's connection."""
    return _ops().get_bind()


def get_context() -> Any:
    """Return the migration context."""
    return _ops().get_context()


def implementation_for(op_cls: type) -> Callable[[Any], Any]:
    """Return a decorator registering how a custom operation runs."""
    return _registry.implementation_for(op_cls)


def inline_literal(value: Any, type_: TypeEngine[Any] | None = None) -> Any:
    """Return a value rendered inline as a SQL literal."""
    return _ops().inline_literal(value, type_)


def invoke(operation: MigrateOperation) -> Any:
    """Run an operation object."""
    return _ops().invoke(operation)


def register_operation(name: str, sourcename: str | None = None) -> Callable[[type[_T]], type[_T]]:
    """Return a class decorator registering ``op.<name>``."""
    return _registry.register_operation(name, sourcename)


def rename_table(old_table_name: str, new_table_name: str, *, schema: str | None = None) -> None:
    """Rename a table."""
    _ops().rename_table(old_table_name, new_table_name, schema=schema)


def run_async(async_function: Callable[..., Any], *args: Any, **kw_args: Any) -> Any:
    """Call an async function with the migration's async connection."""
    return _ops().run_async(async_function, *args, **kw_args)
