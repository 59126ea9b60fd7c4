"""Warn in the script when an upgrade drops data, or will fail on the rows there are.

A dropped column with rows in it is the data loss autogenerate must never make
silently: each such drop gets a ``# WARNING`` comment above it in the script. So do a new
NOT NULL column without a server default on a table with rows, and NOT NULL set on a
column that holds NULLs: both fail when they run. One ``SELECT ... LIMIT 1`` per such
operation, and none when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import (
    AddColumnOp,
    AlterColumnOp,
    DropColumnOp,
    DropTableOp,
    ModifyTableOps,
)

__all__ = ["mark_data_loss", "warning_text"]


def warning_text(what: str) -> str:
    """Return the comment put above a drop that loses data.

    Example:
        >>> warning_text("column t.c")
        'WARNING: column t.c holds data; this drops it'
    """
    return f"WARNING: {what} holds data; this drops it"


def _has_rows(ctx: AutogenContext, query: sa.Select[Any]) -> bool:
    assert ctx.connection is not None
    try:
        return ctx.connection.execute(query.limit(1)).first() is not None
    except sa.exc.DBAPIError:
        return False  # cannot tell (permissions); the drop is still in plain sight


def _table(ctx: AutogenContext, schema: str | None, name: str) -> sa.Table | None:
    old = {new: old for old, new in ctx.table_renames.items()}.get(name, name)
    snap = ctx.snapshot.tables.get((ctx.model_schema(schema), old))
    return None if snap is None else ctx.db_table(snap)


def mark_data_loss(ctx: AutogenContext, operations: Iterable[MigrateOperation]) -> None:
    """Put a WARNING comment on each drop of a table or column that holds rows."""
    for op in operations:
        if isinstance(op, ModifyTableOps):
            mark_data_loss(ctx, op.ops)
        elif isinstance(op, DropTableOp):
            table = _table(ctx, op.schema, op.table_name)
            if table is not None and _has_rows(ctx, sa.select(sa.literal(1)).select_from(table)):
                op.info.setdefault("comment", warning_text(f"table {op.table_name}"))
        elif isinstance(op, DropColumnOp):
            table = _table(ctx, op.schema, op.table_name)
            if table is None or op.column_name not in table.c:
                continue
            col = table.c[op.column_name]
            if col.computed is not None:
                continue  # its values come from its expression: nothing is lost
            query = sa.select(sa.literal(1)).select_from(table).where(col.is_not(None))
            if _has_rows(ctx, query):
                op.info.setdefault("comment", warning_text(f"column {op.table_name}.{col.name}"))
        elif isinstance(op, AddColumnOp) and _needs_value(op.column):
            table = _table(ctx, op.schema, op.table_name)
            if table is not None and _has_rows(ctx, sa.select(sa.literal(1)).select_from(table)):
                op.info.setdefault(
                    "comment",
                    f"WARNING: {op.table_name} holds rows and {op.column.name} is NOT NULL with "
                    "no server_default, so this fails: give it a server_default, or add it "
                    "nullable, fill it, then make it NOT NULL",
                )
        elif isinstance(op, AlterColumnOp) and op.modify_nullable is False:
            table = _table(ctx, op.schema, op.table_name)
            if table is None or op.column_name not in table.c:
                continue
            col = table.c[op.column_name]
            query = sa.select(sa.literal(1)).select_from(table).where(col.is_(None))
            if _has_rows(ctx, query):
                op.info.setdefault(
                    "comment",
                    f"WARNING: column {op.table_name}.{op.column_name} holds NULLs, so NOT NULL "
                    "fails: fill them first (op.execute an UPDATE above this)",
                )


def _needs_value(column: sa.Column[Any]) -> bool:
    """Whether existing rows have no value to give the new column (NOT NULL, no default)."""
    return not (
        column.nullable
        or column.server_default is not None
        or column.computed is not None
        or column.identity is not None
    )
