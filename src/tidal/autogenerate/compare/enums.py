"""Named enum types (where the database has them): create, add values, drop when unused.

Alembic leaves these alone, so ``add_column`` with a new enum fails and a dropped
table leaves its type behind. Here each change becomes an :class:`EnumTypeOp` whose
upgrade and downgrade statements are each other's reverse. A type that a
``create_table`` of this migration makes by itself needs no statement upgrading,
only its ``DROP TYPE`` downgrading (and the other way round for dropped tables).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.compare.defaults import model_default_sql
from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import TableSnapshot
from tidal.operations.core import MigrateOperation, OperationsCore

__all__ = ["EnumTypeOp", "compare_enums"]


class EnumTypeOp(MigrateOperation):
    """Statements that change one named enum type, with the ones that undo them."""

    def __init__(
        self,
        name: str,
        up: list[str],
        down: list[str],
        *,
        old: list[str] | None = None,
        new: list[str] | None = None,
        up_outside: bool = False,
        down_outside: bool = False,
    ) -> None:
        self.name = name
        self.up = up
        self.down = down
        self.old = old
        self.new = new
        #: Run ``up`` (``down``) in an autocommit block: a value added to an enum type cannot
        #: be used in the transaction that adds it, and the migration may use it.
        self.up_outside = up_outside
        self.down_outside = down_outside

    def forward(self, operations: OperationsCore) -> None:
        if not self.up_outside:
            for statement in self.up:
                operations.execute(statement)
            return
        with operations.get_context().autocommit_block():
            for statement in self.up:
                operations.execute(statement)

    def reverse(self) -> EnumTypeOp:
        return EnumTypeOp(
            self.name,
            self.down,
            self.up,
            old=self.new,
            new=self.old,
            up_outside=self.down_outside,
            down_outside=self.up_outside,
        )

    def describe(self) -> str:
        return f"change enum type {self.name}"

    def to_diff_tuple(self) -> tuple[Any, ...]:
        if self.old is None:
            return ("add_enum", self.name, self.new)
        if self.new is None:
            return ("remove_enum", self.name, self.old)
        return ("modify_enum", self.name, self.old, self.new)


#: enum name -> (values, [(table, column, server default SQL or None)]).
Users = dict[str, tuple[list[str], list[tuple[str, str, str | None]]]]


def _add(out: Users, table: str, column: str, type_: Any, default: str | None) -> None:
    if isinstance(type_, sa.Enum) and type_.native_enum and type_.name:
        _, users = out.setdefault(str(type_.name), (list(type_.enums), []))
        users.append((table, column, default))


def _enums_of(tables: Iterable[sa.Table], ctx: AutogenContext | None = None) -> Users:
    """Return named native enums used by ``tables``: name -> (values, [(table, column, default)]).

    The default is the column's server default as SQL (with ``ctx``; None without).
    """
    out: Users = {}
    for table in tables:
        for col in table.columns:
            default = model_default_sql(ctx, col) if ctx is not None else None
            _add(out, table.name, col.name, col.type, default)
    return out


def _enums_of_snapshots(snaps: Iterable[TableSnapshot]) -> Users:
    """Return the named enums reflected columns use (no Table is built)."""
    out: Users = {}
    for snap in snaps:
        for col in snap.columns:
            _add(out, snap.name, col["name"], col["type"], col.get("default"))
    return out


def compare_enums(
    ctx: AutogenContext,
    model_tables: list[sa.Table],
    new_tables: list[sa.Table],
    db_tables: list[TableSnapshot],
    gone_tables: list[sa.Table],
) -> tuple[list[MigrateOperation], list[MigrateOperation]]:
    """Return ``(first, last)``: enum ops to run before and after everything else."""
    rules = ctx.rules
    if not rules.named_enums or ctx.connection is None:
        return [], []
    db = rules.reflect_enums(ctx.connection, None)
    model = _enums_of(model_tables, ctx)
    made_by_create = set(_enums_of(new_tables))
    used_in_db = _enums_of_snapshots(db_tables)
    dropped_with_table = set(_enums_of(gone_tables))
    d = ctx.dialect
    first: list[MigrateOperation] = []
    last: list[MigrateOperation] = []
    for name, (values, users) in sorted(model.items()):
        if name not in db:
            create = [] if name in made_by_create else [rules.create_enum_sql(d, name, values)]
            first.append(EnumTypeOp(name, create, [rules.drop_enum_sql(d, name)], new=values))
        elif db[name] != values:
            old = db[name]
            cols = used_in_db.get(name, ([], []))[1]
            appended = all(v in values for v in old) and values[: len(old)] == old
            if appended:
                up = [rules.add_enum_value_sql(d, name, v) for v in values[len(old) :]]
            else:
                up = rules.recreate_enum_sql(d, name, values, users)
            down = rules.recreate_enum_sql(d, name, old, cols or users)
            first.append(EnumTypeOp(name, up, down, old=old, new=values, up_outside=appended))
    for name in sorted(set(used_in_db) - set(model)):
        labels = db.get(name)
        if labels is None:
            continue
        create = [] if name in dropped_with_table else [rules.create_enum_sql(d, name, labels)]
        last.append(EnumTypeOp(name, [rules.drop_enum_sql(d, name)], create, old=labels))
    return first, last
