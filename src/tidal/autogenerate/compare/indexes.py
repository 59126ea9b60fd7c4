"""Indexes and unique constraints, matched by name (unnamed uniques by their columns).

Some databases keep a unique constraint as a unique index and report it both ways;
a model's unique constraint matches either, as does a model's unique index.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import TableSnapshot
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import CreateIndexOp, DropConstraintOp, DropIndexOp

__all__ = ["compare_indexes", "create_index", "drop_index", "keep_name", "on_table"]

#: Alembic's logger name, so env.py logging configuration shows these lines as it does.
log = logging.getLogger("alembic.autogenerate.compare.constraints")


def _sql(ctx: AutogenContext, expr: Any) -> str:
    """Return an index expression or WHERE clause as the dialect writes it, normalised."""
    if not isinstance(expr, str):
        kw = {"literal_binds": True, "include_table": False}
        expr = str(expr.compile(dialect=ctx.dialect, compile_kwargs=kw))
    return ctx.rules.normalize_check(expr)


def _where_key(ctx: AutogenContext) -> str:
    return f"{ctx.dialect.name}_where"


def _index_cols(ctx: AutogenContext, index: sa.Index) -> tuple[str, ...]:
    """Return what identifies an index's contents: columns, expressions, WHERE clause."""
    out: list[str] = []
    for expr in index.expressions:
        if isinstance(expr, sa.Column):
            out.append(expr.name)
        elif isinstance(expr, str):
            out.append(expr)
        else:
            out.append("expr:" + _sql(ctx, expr))
    where = index.dialect_kwargs.get(_where_key(ctx))
    if where is not None:
        out.append("where:" + _sql(ctx, where))
    return tuple(out)


def _db_index_cols(ctx: AutogenContext, ix: dict[str, Any]) -> tuple[str, ...]:
    names = ix.get("column_names") or []
    exprs = ix.get("expressions") or []
    out = [
        n if n is not None else "expr:" + _sql(ctx, exprs[i] if i < len(exprs) else "")
        for i, n in enumerate(names)
    ]
    where = (ix.get("dialect_options") or {}).get(_where_key(ctx))
    if where is not None:
        out.append("where:" + _sql(ctx, str(where)))
    return tuple(out)


def _fk_made(ctx: AutogenContext, kept_fks: set[tuple[str, ...]], ix: dict[str, Any]) -> bool:
    """Return True for an index the database made itself to back a kept foreign key."""
    if not ctx.rules.fk_creates_index or ix.get("unique"):
        return False
    return tuple(_db_index_cols(ctx, ix)) in kept_fks


def compare_indexes(
    ctx: AutogenContext,
    model: sa.Table,
    db: sa.Table,
    snap: TableSnapshot,
    kept_fks: set[tuple[str, ...]],
) -> tuple[list[MigrateOperation], list[MigrateOperation]]:
    """Return ``(dropped, added)`` index and unique constraint ops of one table.

    ``kept_fks`` are the local columns of the foreign keys that stay: an index the
    database made for one of those is not the models' business.
    """
    db_indexes = {
        ix["name"]: _renamed(ctx, model.name, ix)
        for ix in snap.indexes
        if not ix.get("duplicates_constraint")
    }
    db_uniques = [_renamed(ctx, model.name, uq) for uq in snap.uniques]
    matched: set[str] = set()
    dropped: list[MigrateOperation] = []
    added: list[MigrateOperation] = []
    for index in sorted(model.indexes, key=lambda i: str(i.name)):
        name = str(index.name) if index.name else None
        if not ctx.include_object(index, name, "index", False, None):
            continue
        found = db_indexes.get(name) if name else None
        if found is not None:
            matched.add(str(name))
            same_cols = _db_index_cols(ctx, found) == _index_cols(ctx, index)
            if bool(found.get("unique")) == bool(index.unique) and same_cols:
                continue
            log.info("Detected changed index '%s' on '%s'", name, model.name)
            dropped.append(on_table(_drop_index(_db_index(db, str(name))), model.name))
        elif name and index.unique and _take_unique(db_uniques, name, None, matched):
            matched.add(name)
            continue
        elif name and _unreflected(ctx, model, snap, index):
            continue  # an expression index the inspector cannot report exists by that name
        else:
            log.info("Detected added index '%s' on '%s'", name, _index_cols(ctx, index))
        added.append(create_index(index))
    _compare_uniques(ctx, model, db, db_uniques, db_indexes, matched, dropped, added)
    for name, ix in sorted(db_indexes.items()):
        if name in matched or _fk_made(ctx, kept_fks, ix):
            continue
        if not _db_allowed(ctx, model, name, "index"):
            continue
        log.info("Detected removed index '%s' on '%s'", name, model.name)
        dropped.append(on_table(_drop_index(_db_index(db, name)), model.name))
    return dropped, added


def _unreflected(
    ctx: AutogenContext, model: sa.Table, snap: TableSnapshot, index: sa.Index
) -> bool:
    """Return True for an expression index the database has but does not reflect."""
    rules = ctx.rules
    if rules.reflects_expression_indexes or ctx.connection is None:
        return False
    if all(isinstance(e, sa.Column) for e in index.expressions):
        return False
    return str(index.name) in rules.index_names(ctx.connection, snap.schema, snap.name)


def create_index(index: sa.Index) -> CreateIndexOp:
    """Return CreateIndexOp.from_index keeping a convention-made name as such."""
    op = CreateIndexOp.from_index(index)
    op.index_name = index.name
    return op


def _drop_index(index: sa.Index) -> DropIndexOp:
    op = DropIndexOp.from_index(index)
    if index.name is not None:
        op.index_name = index.name
        if op._reverse is not None:
            op._reverse.index_name = index.name
    return op


def drop_index(index: sa.Index) -> DropIndexOp:
    """Return DropIndexOp.from_index keeping a convention-made name as such."""
    return _drop_index(index)


def on_table(op: Any, table_name: str) -> Any:
    """Return ``op`` (and its reverse) aimed at ``table_name``: a renamed table's new name."""
    op.table_name = table_name
    reverse = getattr(op, "_reverse", None)
    if reverse is not None:
        reverse.table_name = table_name
        if hasattr(reverse, "source_table"):
            reverse.source_table = table_name
    return op


def keep_name(op: Any, name: Any) -> Any:
    """Put the constraint's own name (a ``conv`` stays one) back on ``op``."""
    if name is not None:
        op.constraint_name = name
        reverse = getattr(op, "_reverse", None)
        if reverse is not None:
            reverse.constraint_name = name
    return op


def _renamed(ctx: AutogenContext, table: str, found: dict[str, Any]) -> dict[str, Any]:
    """Return a reflected index or unique with renamed columns under their new names."""
    if not ctx.column_renames:
        return found
    names = [
        ctx.column_renames.get((table, n), n) if n is not None else None
        for n in found.get("column_names") or []
    ]
    return {**found, "column_names": names}


def _db_index(db: sa.Table, name: str) -> sa.Index:
    for index in db.indexes:
        if index.name == name:
            return index
    raise KeyError(name)  # pragma: no cover - every reflected index is on the table


def _take_unique(
    db_uniques: list[dict[str, Any]], name: str | None, cols: Any, matched: set[str]
) -> bool:
    """Remove the reflected unique constraint ``name`` (or with ``cols``); True if found."""
    for i, uq in enumerate(db_uniques):
        if (name is not None and uq.get("name") == name) or (
            name is None and cols is not None and tuple(uq["column_names"]) == cols
        ):
            del db_uniques[i]
            if uq.get("duplicates_index"):
                matched.add(str(uq["duplicates_index"]))
            return True
    return False


def _db_allowed(ctx: AutogenContext, model: sa.Table, name: str | None, type_: str) -> bool:
    parents = {"table_name": model.name, "schema_name": model.schema}
    return ctx.include_name(name, type_, parents)


def _compare_uniques(  # noqa: PLR0913 - one pass shared with compare_indexes
    ctx: AutogenContext,
    model: sa.Table,
    db: sa.Table,
    db_uniques: list[dict[str, Any]],
    db_indexes: dict[str, dict[str, Any]],
    matched: set[str],
    dropped: list[MigrateOperation],
    added: list[MigrateOperation],
) -> None:
    from tidal.operations.ops import AddConstraintOp

    uniques = [c for c in model.constraints if isinstance(c, sa.UniqueConstraint)]
    for uq in sorted(uniques, key=lambda c: str(c.name)):
        name = str(uq.name) if uq.name else None
        cols = tuple(c.name for c in uq.columns)
        if not ctx.include_object(uq, name, "unique_constraint", False, None):
            continue
        if _take_unique(db_uniques, name, cols if name is None else None, matched):
            continue
        ix = db_indexes.get(name) if name else None
        if ix is not None and ix.get("unique"):
            matched.add(str(name))
            continue
        if name is None and _take_unique(db_uniques, None, cols, matched):
            continue
        log.info("Detected added unique constraint %r on '%s'", name, cols)
        added.append(keep_name(AddConstraintOp.from_constraint(uq), uq.name))
    for left in db_uniques:
        name = left.get("name")
        if left.get("duplicates_index"):
            continue  # it is a unique index there: dropped as one, as Alembic does
        if not _db_allowed(ctx, model, name, "unique_constraint"):
            continue
        const = _db_unique(db, left)
        if const is None:
            continue
        log.info("Detected removed unique constraint '%s' on '%s'", name, model.name)
        dropped.append(
            on_table(keep_name(DropConstraintOp.from_constraint(const), const.name), model.name)
        )


def _db_unique(db: sa.Table, found: dict[str, Any]) -> sa.UniqueConstraint | None:
    cols = tuple(found["column_names"])
    for const in db.constraints:
        if isinstance(const, sa.UniqueConstraint) and const.name == found.get("name"):
            return const
    for const in db.constraints:
        if isinstance(const, sa.UniqueConstraint) and tuple(c.name for c in const.columns) == cols:
            return const
    return None
