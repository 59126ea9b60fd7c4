"""A quick test on the reflected dictionaries: is a table exactly as the models say?

Most tables of a big schema have not changed. Building a :class:`sqlalchemy.Table`
from the reflection costs more than the comparison itself, so a table that passes
this test is skipped without one. The test is conservative: anything it cannot
decide cheaply (hooks on types or defaults, expression indexes) sends the table to
the full comparison.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.compare.checks import checks_compared
from tidal.autogenerate.compare.foreign_keys import fk_signature
from tidal.autogenerate.compare.generated import computed_differs, identity_differs
from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import TableSnapshot

__all__ = ["unchanged"]


def _columns_same(ctx: AutogenContext, model: sa.Table, snap: TableSnapshot) -> bool:
    if len(snap.columns) != len(model.columns):
        return False
    compare_type = ctx.opts.get("compare_type", True)
    comments = bool(ctx.dialect.supports_comments)
    for found in snap.columns:
        col = model.c.get(found["name"])
        if col is None or bool(col.nullable) != bool(found.get("nullable", True)):
            if col is None or not col.primary_key:
                return False
        if comments and (col.comment or None) != (found.get("comment") or None):
            return False
        if computed_differs(ctx, col, found) or identity_differs(ctx, col, found):
            return False
        if compare_type is True and not isinstance(col.type, sa.types.NullType):
            if ctx.rules.types_differ(col.type, found["type"], ctx.dialect):
                return False
    return True


def _partial(ctx: AutogenContext, model: sa.Table, snap: TableSnapshot) -> bool:
    """Return True when an index on either side has a WHERE clause (the full test reads it)."""
    key = f"{ctx.dialect.name}_where"
    if any(index.dialect_kwargs.get(key) is not None for index in model.indexes):
        return True
    return any((ix.get("dialect_options") or {}).get(key) is not None for ix in snap.indexes)


def _indexes_same(model: sa.Table, snap: TableSnapshot) -> bool:
    db = {
        ix["name"]: (tuple(ix.get("column_names") or ()), bool(ix.get("unique")))
        for ix in snap.indexes
        if not ix.get("duplicates_constraint")
    }
    ours: dict[Any, tuple[tuple[Any, ...], bool]] = {}
    for index in model.indexes:
        if index.name is None or not all(isinstance(e, sa.Column) for e in index.expressions):
            return False
        ours[str(index.name)] = (tuple(c.name for c in index.columns), bool(index.unique))
    uniques = [c for c in model.constraints if isinstance(c, sa.UniqueConstraint)]
    db_uniques = [u for u in snap.uniques if not u.get("duplicates_index")]
    if any(u.get("duplicates_index") for u in snap.uniques):
        return False  # unique constraints kept as indexes: the full comparison sorts them out
    left = [(u.get("name"), tuple(u["column_names"])) for u in db_uniques]
    for uq in uniques:
        cols = tuple(c.name for c in uq.columns)
        # An unnamed one matches by its columns, whatever name the database gave it.
        match = [e for e in left if e[1] == cols and (uq.name is None or e[0] == uq.name)]
        if not match:
            return False
        left.remove(match[0])
    return db == ours and not left


def unchanged(ctx: AutogenContext, model: sa.Table, snap: TableSnapshot) -> bool:
    """Return True only when the table certainly has no difference to report."""
    if ctx.opts.get("compare_server_default", False) is not False:
        return False
    if callable(ctx.opts.get("compare_type", True)) or ctx.table_renames:
        return False
    if checks_compared(ctx) and (snap.checks or model_has_checks(model)):
        return False
    if (model.comment or None) != (snap.comment or None) and ctx.dialect.supports_comments:
        return False
    if not _columns_same(ctx, model, snap) or _partial(ctx, model, snap):
        return False
    if not _indexes_same(model, snap):
        return False
    if [c.name for c in model.primary_key.columns] != list(
        snap.pk.get("constrained_columns") or []
    ):
        return False
    model_fks = sorted(
        fk_signature(ctx, fk) for fk in model.constraints if isinstance(fk, sa.ForeignKeyConstraint)
    )
    db_fks = sorted(_db_fk_signature(ctx, fk) for fk in snap.foreign_keys)
    return model_fks == db_fks


def _db_fk_signature(ctx: AutogenContext, fk: dict[str, Any]) -> Any:
    opts = fk.get("options") or {}
    schema = fk.get("referred_schema")
    return (
        tuple(fk["constrained_columns"]),
        ctx.model_schema(schema) if schema else None,
        fk["referred_table"],
        tuple(fk["referred_columns"]),
        ctx.rules.normalize_fk_action(opts.get("ondelete")),
        ctx.rules.normalize_fk_action(opts.get("onupdate")),
    )


def model_has_checks(model: sa.Table) -> bool:
    """Return True when the table declares a check constraint."""
    return any(isinstance(c, sa.CheckConstraint) for c in model.constraints)
