"""Tables added and removed, and the per-table comparisons, in a runnable order.

The upgrade runs, in order: new tables (referenced ones first, each followed by its
indexes); foreign keys dropped; the other changes per table; foreign keys added;
tables removed (referencing ones first, their indexes before them). So on a database
that enforces foreign keys, no key is added before its target exists and no table is
dropped while a key still points at it. The downgrade is the exact reverse.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.compare.checks import checks_compared, compare_checks
from tidal.autogenerate.compare.columns import compare_columns
from tidal.autogenerate.compare.comments import compare_table_comment
from tidal.autogenerate.compare.enums import compare_enums
from tidal.autogenerate.compare.foreign_keys import compare_foreign_keys
from tidal.autogenerate.compare.generated import compare_generated
from tidal.autogenerate.compare.indexes import (
    compare_indexes,
    create_index,
    drop_index,
    keep_name,
)
from tidal.autogenerate.compare.primary_keys import compare_primary_key
from tidal.autogenerate.compare.renames import RENAME_COMMENT, RenamePolicy, unpaired
from tidal.autogenerate.compare.unchanged import unchanged
from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import reflect
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import (
    AddConstraintOp,
    CreateTableOp,
    DropConstraintOp,
    DropTableOp,
    ModifyTableOps,
    RenameTableOp,
)

__all__ = ["compare_tables"]

#: Alembic's logger name, so env.py logging configuration shows these lines as it does.
log = logging.getLogger("alembic.autogenerate.compare.tables")

Key = tuple[str | None, str]


def _parents(schema: str | None, name: str) -> dict[str, Any]:
    return {
        "schema_name": schema,
        "schema_qualified_table_name": f"{schema}.{name}" if schema else name,
    }


def compare_tables(ctx: AutogenContext) -> list[MigrateOperation]:
    """Reflect the database and return the upgrade operations, in running order."""
    assert ctx.connection is not None
    ctx.snapshot = reflect(
        ctx.connection,
        ctx.schemas(),
        skip=ctx.is_own_table,
        include_name=ctx.include_name,
        checks=checks_compared(ctx),
        comments=bool(ctx.dialect.supports_comments),
    )
    model = {
        k: t
        for k, t in ctx.model_tables().items()
        if k[0] in ctx.schemas() and ctx.include_name(t.name, "table", _parents(*k))
    }
    db_keys = set(ctx.snapshot.tables)
    new = [t for k, t in model.items() if k not in db_keys]
    new = [t for t in new if ctx.include_object(t, t.name, "table", False, None)]
    gone = [ctx.snapshot.tables[k] for k in sorted(db_keys - set(model), key=str)]
    pairs: dict[Key, sa.Table] = {}
    gone_tables = [
        t
        for t in ctx.sorted_db_tables(gone)
        if (ctx.model_schema(t.schema), t.name) in db_keys - set(model)
        and ctx.include_object(t, t.name, "table", True, None)
    ]
    ctx.rename_policy = policy = RenamePolicy(ctx)
    policy.set_known([k[1] for k in model] + [k[1] for k in db_keys])
    renamed = policy.tables(new, gone_tables)
    new = unpaired(new, [m for m, _ in renamed])
    gone_tables = unpaired(gone_tables, [d for _, d in renamed])
    renames = _rename_ops(ctx, renamed, pairs)
    creates = _create_ops(new)
    fk_drops, middle, fk_adds = _modify(ctx, model, db_keys, pairs)
    first, last = compare_enums(
        ctx,
        list(model.values()),
        list(new),
        list(ctx.snapshot.tables.values()),
        gone_tables,
    )
    drops = _drop_ops(ctx, gone_tables)
    policy.check_all_used()
    if _names_collide(new, gone_tables):
        # A new table reuses an index or constraint name, which some databases keep per
        # schema rather than per table: the old tables go first, after the keys that point
        # at them.
        ops = [*renames, *fk_drops, *drops, *creates, *middle, *fk_adds]
    else:
        ops = [*renames, *creates, *fk_drops, *middle, *fk_adds, *drops]
    return [*first, *ops, *last]


def _object_names(tables: list[sa.Table]) -> set[tuple[str | None, str]]:
    """Return (schema, name) of every named index and constraint of ``tables``."""
    names: set[tuple[str | None, str]] = set()
    for table in tables:
        items: list[sa.Index | sa.Constraint] = [*table.indexes, *table.constraints]
        for item in items:
            name = item.name
            if isinstance(name, str) and name:
                names.add((table.schema, str(name)))
    return names


def _names_collide(new: list[sa.Table], gone: list[sa.Table]) -> bool:
    return bool(new and gone and _object_names(new) & _object_names(gone))


def _rename_ops(
    ctx: AutogenContext, renamed: list[tuple[sa.Table, sa.Table]], pairs: dict[Key, sa.Table]
) -> list[MigrateOperation]:
    ops: list[MigrateOperation] = []
    for model_table, db_table in renamed:
        log.info("Detected renamed table '%s' -> '%s'", _qual(db_table), model_table.name)
        ctx.table_renames[db_table.name] = model_table.name
        rename = RenameTableOp(db_table.name, model_table.name, schema=model_table.schema)
        rename.info["comment"] = RENAME_COMMENT
        ops.append(rename)
        pairs[(ctx.model_schema(model_table.schema), model_table.name)] = db_table
    return ops


def _split_cycles(
    tables: list[sa.Table],
) -> tuple[list[sa.Table], list[sa.ForeignKeyConstraint]]:
    """Return the tables, referenced ones first, and the keys of FK cycles among them."""
    ordered: list[sa.Table] = []
    cycles: list[sa.ForeignKeyConstraint] = []
    for table, fkcs in sa.schema.sort_tables_and_constraints(tables):  # type: ignore[no-untyped-call]
        if table is None:
            cycles.extend(sorted(fkcs, key=lambda c: (c.table.name, str(c.name))))
        else:
            ordered.append(table)
    return ordered, cycles


def _without(items: list[Any], drop: list[sa.ForeignKeyConstraint]) -> list[Any]:
    # By identity: == on a Column builds a SQL expression.
    ids = {id(c) for c in drop}
    return [i for i in items if id(i) not in ids]


def _create_ops(new: list[sa.Table]) -> list[MigrateOperation]:
    """Create tables referenced-first; keys in a cycle are added once all tables exist."""
    ordered, cycles = _split_cycles(new)
    ops: list[MigrateOperation] = []
    for table in ordered:
        log.info("Detected added table '%s'", _qual(table))
        create = CreateTableOp.from_table(table)
        create.columns = _without(create.columns, cycles)
        ops.append(create)
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            ops.append(create_index(index))
    for fk in cycles:
        add = keep_name(AddConstraintOp.from_constraint(fk), fk.name)
        ops.append(ModifyTableOps(fk.table.name, [add], schema=fk.table.schema))
    return ops


def _drop_ops(ctx: AutogenContext, gone_tables: list[sa.Table]) -> list[MigrateOperation]:
    """Drop tables referencing-first; keys in a cycle among them are dropped before."""
    ordered, cycles = _split_cycles(gone_tables)
    ops: list[MigrateOperation] = []
    for fk in cycles:
        drop = keep_name(DropConstraintOp.from_constraint(fk), fk.name)
        ops.append(ModifyTableOps(fk.table.name, [drop], schema=fk.table.schema))
    for table in reversed(ordered):
        log.info("Detected removed table '%s'", _qual(table))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if not _backs_fk(ctx, table, index):
                ops.append(drop_index(index))
        drop_table = DropTableOp.from_table(table)
        assert drop_table._reverse is not None
        drop_table._reverse.columns = _without(drop_table._reverse.columns, cycles)
        ops.append(drop_table)
    return ops


def _backs_fk(ctx: AutogenContext, table: sa.Table, index: sa.Index) -> bool:
    """Return True for an index the database made for a foreign key (it goes with it)."""
    if not ctx.rules.fk_creates_index or index.unique:
        return False
    cols = tuple(c.name for c in index.columns)
    return any(tuple(fk.column_keys) == cols for fk in table.foreign_key_constraints)


def _qual(table: sa.Table) -> str:
    return f"{table.schema}.{table.name}" if table.schema else table.name


def _modify(
    ctx: AutogenContext,
    model: dict[Key, sa.Table],
    db_keys: set[Key],
    renamed: dict[Key, sa.Table],
) -> tuple[list[MigrateOperation], list[MigrateOperation], list[MigrateOperation]]:
    """Return the changes to tables on both sides: (FK drops, the rest, FK adds)."""
    # Columns first, for every table: the column renames they find are what the
    # foreign key and index comparisons must see.
    work: list[tuple[Key, sa.Table, sa.Table, Any, tuple[list[MigrateOperation], ...]]] = []
    for key in sorted((k for k in model if k in db_keys or k in renamed), key=str):
        table = model[key]
        old = renamed.get(key)
        snap = ctx.snapshot.tables[(key[0], old.name) if old is not None else key]
        if old is None and unchanged(ctx, table, snap):
            continue
        db = ctx.db_table(snap)
        if not ctx.include_object(table, key[1], "table", False, db):
            continue
        work.append((key, table, db, snap, compare_columns(ctx, table, db, key[0])))
    fk_drops: list[MigrateOperation] = []
    middle: list[MigrateOperation] = []
    fk_adds: list[MigrateOperation] = []
    for (schema, name), table, db, snap, (added, altered, dropped) in work:
        dropped_fks, added_fks = compare_foreign_keys(ctx, table, db)
        gone = {tuple(op.to_diff_tuple()[1].column_keys) for op in dropped_fks}
        kept = {tuple(fk["constrained_columns"]) for fk in snap.foreign_keys} - gone
        dropped_ix, added_ix = compare_indexes(ctx, table, db, snap, kept)
        comment = compare_table_comment(ctx, table, snap)
        pk_drop, pk_add = compare_primary_key(ctx, table, snap, schema)
        ck_drop, ck_add = compare_checks(ctx, table, snap, schema)
        generated_first, generated = compare_generated(ctx, table, db, snap, schema)
        body = [
            *pk_drop,
            *ck_drop,
            *generated_first,
            *added,
            *altered,
            *dropped_ix,
            *added_ix,
            *dropped,
            *generated,
            *pk_add,
            *ck_add,
            *comment,
        ]
        for group, out in ((dropped_fks, fk_drops), (body, middle), (added_fks, fk_adds)):
            if group:
                out.append(ModifyTableOps(name, group, schema=schema))
    return fk_drops, middle, fk_adds
