"""Columns: added, dropped, and altered (type, nullability, server default, comment)."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.compare.comments import comments_compared
from tidal.autogenerate.compare.defaults import default_changed
from tidal.autogenerate.compare.renames import RENAME_COMMENT, RenamePolicy, unpaired
from tidal.autogenerate.compare.types import type_changed
from tidal.autogenerate.context import AutogenContext
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import AddColumnOp, AlterColumnOp, DropColumnOp

__all__ = ["compare_columns"]

#: Alembic's logger name, so env.py logging configuration shows these lines as it does.
log = logging.getLogger("alembic.autogenerate.compare.tables")


def _parents(table: sa.Table, schema: str | None) -> dict[str, Any]:
    qual = f"{schema}.{table.name}" if schema else table.name
    return {"table_name": table.name, "schema_name": schema, "schema_qualified_table_name": qual}


def compare_columns(
    ctx: AutogenContext, model: sa.Table, db: sa.Table, schema: str | None
) -> tuple[list[MigrateOperation], list[MigrateOperation], list[MigrateOperation]]:
    """Return ``(added, altered, dropped)`` column ops of one table present on both sides."""
    parents = _parents(model, schema)
    added: list[MigrateOperation] = []
    altered: list[MigrateOperation] = []
    dropped: list[MigrateOperation] = []
    for col in model.columns:
        if not ctx.include_object(col, col.name, "column", False, db.c.get(col.name)):
            continue
        db_col = db.c.get(col.name)
        if db_col is None:
            log.info("Detected added column '%s.%s'", model.name, col.name)
            added.append(AddColumnOp.from_column_and_tablename(schema, model.name, col))
            continue
        op = _alter(ctx, col, db_col, schema)
        if op is not None:
            altered.append(op)
    for db_col in db.columns:
        if db_col.name in model.c:
            continue
        if not ctx.include_name(db_col.name, "column", parents):
            continue
        if not ctx.include_object(db_col, db_col.name, "column", True, None):
            continue
        log.info("Detected removed column '%s.%s'", model.name, db_col.name)
        dropped.append(DropColumnOp.from_column_and_tablename(schema, model.name, db_col))
    policy = ctx.rename_policy or RenamePolicy(ctx)
    if added and dropped and policy.wants_columns(model.name, db.name):
        return _renames(ctx, policy, model, db.name, schema, (added, altered, dropped))
    return added, altered, dropped


def _renames(
    ctx: AutogenContext,
    policy: RenamePolicy,
    model: sa.Table,
    db_name: str,
    schema: str | None,
    ops: tuple[list[MigrateOperation], list[MigrateOperation], list[MigrateOperation]],
) -> tuple[list[MigrateOperation], list[MigrateOperation], list[MigrateOperation]]:
    """Turn a dropped and an added column into a rename, as the policy pairs them."""
    added, altered, dropped = ops
    adds = {id(op.column): op for op in added if isinstance(op, AddColumnOp)}
    drops = {
        id(op._reverse.column): op
        for op in dropped
        if isinstance(op, DropColumnOp) and op._reverse is not None
    }
    found = policy.columns(
        model,
        db_name,
        [op.column for op in adds.values()],
        [op._reverse.column for op in drops.values() if op._reverse is not None],
    )
    pairs = [(adds[id(m)], drops[id(d)]) for m, d in found]
    renames: list[MigrateOperation] = []
    for add, drop in pairs:
        assert drop._reverse is not None
        db_col = drop._reverse.column
        log.info(
            "Detected renamed column '%s.%s' -> '%s'", model.name, db_col.name, add.column.name
        )
        ctx.column_renames[(model.name, db_col.name)] = add.column.name
        rename = AlterColumnOp(
            model.name,
            db_col.name,
            schema=schema,
            modify_name=add.column.name,
            existing_type=db_col.type,
            existing_nullable=bool(db_col.nullable),
            existing_server_default=_existing_default(db_col),
            existing_comment=db_col.comment,
        )
        rename.info["comment"] = RENAME_COMMENT
        renames.append(rename)
        follow = _alter(ctx, add.column, db_col, schema)
        if follow is not None:
            renames.append(follow)
    return (
        unpaired(added, [a for a, _ in pairs]),
        [*renames, *altered],
        unpaired(dropped, [d for _, d in pairs]),
    )


def _existing_default(db_col: sa.Column[Any]) -> Any:
    default = db_col.server_default
    if isinstance(default, sa.DefaultClause):
        return default
    return None


def _alter(
    ctx: AutogenContext, col: sa.Column[Any], db_col: sa.Column[Any], schema: str | None
) -> AlterColumnOp | None:
    table = col.table.name
    op = AlterColumnOp(
        table,
        col.name,
        schema=schema,
        existing_type=db_col.type,
        existing_server_default=_existing_default(db_col),
        existing_nullable=bool(db_col.nullable),
        existing_comment=db_col.comment,
    )
    changed = False
    if type_changed(ctx, col, db_col):
        log.info(
            "Detected type change from %r to %r on '%s.%s'", db_col.type, col.type, table, col.name
        )
        op.modify_type = col.type
        changed = True
    # A key column is NOT NULL whatever the model says; one joining the key is made so.
    nullable = bool(col.nullable) and not col.primary_key
    if bool(db_col.nullable) != nullable and not (col.primary_key and db_col.primary_key):
        log.info(
            "Detected %s on column '%s.%s'", "NULL" if nullable else "NOT NULL", table, col.name
        )
        op.modify_nullable = nullable
        changed = True
    if default_changed(ctx, col, db_col):
        log.info("Detected server default on column '%s.%s'", table, col.name)
        op.modify_server_default = col.server_default
        changed = True
    if comments_compared(ctx) and (col.comment or None) != (db_col.comment or None):
        log.info("Detected column comment '%s.%s'", table, col.name)
        op.modify_comment = col.comment
        changed = True
    return op if changed else None
