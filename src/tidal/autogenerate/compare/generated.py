"""Generated columns: computed expressions and identity options, where they are reflected.

Alembic only warns that a changed ``Computed()`` cannot be migrated. A computed
column's values come from its expression, so dropping it and adding it back with the
new one loses nothing: a changed expression (or a column that becomes or stops being
computed) is a ``drop_column`` then an ``add_column``. Identity options (where the
dialect's rules can alter them) change in place with ``ALTER COLUMN ... SET ...``, or
``ADD``/``DROP IDENTITY``, as an :class:`IdentityOp` whose statements undo each other.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import TableSnapshot, computed_sql
from tidal.operations.core import MigrateOperation, OperationsCore
from tidal.operations.ops import AddColumnOp, DropColumnOp

__all__ = ["IdentityOp", "compare_generated", "computed_differs", "identity_of"]

#: Alembic's logger name, so env.py logging configuration shows these lines as it does.
log = logging.getLogger("alembic.autogenerate.compare.tables")

#: The identity options compared, as ``sa.Identity`` and the inspector name them.
IDENTITY_KEYS = ("always", "start", "increment", "minvalue", "maxvalue", "cycle")


class IdentityOp(MigrateOperation):
    """Statements that change one column's identity, with the ones that undo them."""

    def __init__(  # noqa: PLR0913 - one value per part of the difference
        self,
        schema: str | None,
        table: str,
        column: str,
        up: list[str],
        down: list[str],
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> None:
        self.schema, self.table_name, self.column = schema, table, column
        self.up, self.down, self.old, self.new = up, down, old, new

    def forward(self, operations: OperationsCore) -> None:
        for statement in self.up:
            operations.execute(statement)

    def reverse(self) -> IdentityOp:
        return IdentityOp(
            self.schema, self.table_name, self.column, self.down, self.up, self.new, self.old
        )

    def describe(self) -> str:
        return f"change identity of {self.table_name}.{self.column}"

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return (
            "modify_identity",
            self.schema,
            self.table_name,
            self.column,
            {},
            self.old,
            self.new,
        )


def identity_of(col: sa.Column[Any]) -> dict[str, Any] | None:
    """Return the options a model column's ``Identity()`` sets (None for none)."""
    identity = col.identity
    if identity is None:
        return None
    out: dict[str, Any] = {"always": bool(identity.always)}
    for key in IDENTITY_KEYS[1:]:
        value = getattr(identity, key, None)
        if value is not None:
            out[key] = value
    return out


def _identity_changed(model: dict[str, Any] | None, found: dict[str, Any] | None) -> bool:
    if model is None or found is None:
        return (model is None) != (found is None)
    return any(found.get(k) != v for k, v in model.items())


def computed_differs(ctx: AutogenContext, col: sa.Column[Any], found: dict[str, Any]) -> bool:
    """Return True when the model's computed expression (or persistence) is not the database's."""
    ours, theirs = col.computed, found.get("computed")
    if ours is None or not theirs:
        return (ours is None) != (not theirs)
    norm = ctx.rules.normalize_check
    sql = str(ours.sqltext.compile(dialect=ctx.dialect, compile_kwargs={"literal_binds": True}))
    if norm(sql) != norm(computed_sql(theirs)):
        return True
    persisted = theirs.get("persisted")
    wanted = ours.persisted
    return (
        ctx.rules.virtual_columns
        and wanted is not None
        and persisted is not None
        and (bool(wanted) != bool(persisted))
    )


def identity_differs(ctx: AutogenContext, col: sa.Column[Any], found: dict[str, Any]) -> bool:
    """Return True when identity options differ where the database reflects them."""
    if not ctx.rules.alters_identity:
        return False
    if col.identity is None and found.get("identity") is None:
        return False
    if col.identity is not None and found.get("identity") is None and found.get("default"):
        return False  # a serial column the model now spells Identity(): left alone
    return _identity_changed(identity_of(col), found.get("identity"))


def compare_generated(
    ctx: AutogenContext, model: sa.Table, db: sa.Table, snap: TableSnapshot, schema: str | None
) -> tuple[list[MigrateOperation], list[MigrateOperation]]:
    """Return ``(first, last)``: ops to run before the column changes, and after them.

    A dropped identity goes first (its column may then become nullable); re-created
    computed columns and added or changed identities go last.
    """
    old_names = {new: old for (t, old), new in ctx.column_renames.items() if t == model.name}
    first: list[MigrateOperation] = []
    ops: list[MigrateOperation] = []
    for col in model.columns:
        name = old_names.get(col.name, col.name)
        found = snap.column(name)
        if found is None or name not in db.c:
            continue
        if computed_differs(ctx, col, found):
            log.info("Detected changed computed column '%s.%s'", model.name, col.name)
            ops.append(DropColumnOp.from_column_and_tablename(schema, model.name, db.c[name]))
            ops.append(AddColumnOp.from_column_and_tablename(schema, model.name, col))
        elif identity_differs(ctx, col, found):
            log.info("Detected changed identity on '%s.%s'", model.name, col.name)
            op = _identity_op(ctx, model.name, col.name, schema, found, col)
            (first if op.new is None else ops).append(op)
    return first, ops


def _identity_op(  # noqa: PLR0913 - the column and both sides of it
    ctx: AutogenContext,
    table: str,
    column: str,
    schema: str | None,
    found: dict[str, Any],
    col: sa.Column[Any],
) -> IdentityOp:
    old, new = found.get("identity"), identity_of(col)
    rules, d = ctx.rules, ctx.dialect
    up = rules.identity_sql(d, schema, table, column, old, new)
    down = rules.identity_sql(d, schema, table, column, new, old)
    return IdentityOp(schema, table, column, up, down, old, new)
