"""Named enum types (where the database has them): create, add values, drop when unused.

Alembic leaves these alone, so ``add_column`` with a new enum fails and a dropped
table leaves its type behind. Here each change becomes an :class:`EnumTypeOp` whose
upgrade and downgrade statements are each other's reverse. A type that a
``create_table`` of this migration makes by itself needs no statement upgrading,
only its ``DROP TYPE`` downgrading (and the other way round for dropped tables).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
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
        block = operations.get_context().autocommit_block() if self.up_outside else nullcontext()
        with block:
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


#: An enum type: (schema, name), None for the default schema.
EnumKey = tuple[str | None, str]

#: enum -> (values, [(table schema, table, column, server default SQL or None)]).
Users = dict[EnumKey, tuple[list[str], list[tuple[str | None, str, str, str | None]]]]


def _add(
    out: Users,
    ctx: AutogenContext,
    table: sa.Table | TableSnapshot,
    column: str,
    type_: Any,
    default: str | None,
) -> None:
    if isinstance(type_, sa.Enum) and type_.native_enum and type_.name:
        key = (ctx.model_schema(type_.schema), str(type_.name))
        _, users = out.setdefault(key, (list(type_.enums), []))
        users.append((ctx.model_schema(table.schema), table.name, column, default))


def _enums_of(tables: Iterable[sa.Table], ctx: AutogenContext, defaults: bool = False) -> Users:
    """Return named native enums used by ``tables`` (with their columns' server defaults)."""
    out: Users = {}
    for table in tables:
        for col in table.columns:
            default = model_default_sql(ctx, col) if defaults else None
            _add(out, ctx, table, col.name, col.type, default)
    return out


def _enums_of_snapshots(snaps: Iterable[TableSnapshot], ctx: AutogenContext) -> Users:
    """Return the named enums reflected columns use (no Table is built)."""
    out: Users = {}
    for snap in snaps:
        for col in snap.columns:
            _add(out, ctx, snap, col["name"], col["type"], col.get("default"))
    return out


def _label(key: EnumKey) -> str:
    return f"{key[0]}.{key[1]}" if key[0] else key[1]


def _order(key: EnumKey) -> tuple[str, str]:
    return (key[0] or "", key[1])


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
    db: dict[EnumKey, list[str]] = {}
    for schema in ctx.schemas():
        for name, found in rules.reflect_enums(ctx.connection, schema).items():
            db[(ctx.model_schema(schema), name)] = found
    model = _enums_of(model_tables, ctx, defaults=True)
    made_by_create = set(_enums_of(new_tables, ctx))
    used_in_db = _enums_of_snapshots(db_tables, ctx)
    dropped_with_table = set(_enums_of(gone_tables, ctx))
    d = ctx.dialect
    first: list[MigrateOperation] = []
    last: list[MigrateOperation] = []
    for key, (values, users) in sorted(model.items(), key=lambda kv: _order(kv[0])):
        schema, name = key
        if key not in db:
            create = (
                [] if key in made_by_create else [rules.create_enum_sql(d, name, values, schema)]
            )
            drop = [rules.drop_enum_sql(d, name, schema)]
            first.append(EnumTypeOp(_label(key), create, drop, new=values))
        elif db[key] != values:
            old = db[key]
            cols = used_in_db.get(key, ([], []))[1]
            appended = all(v in values for v in old) and values[: len(old)] == old
            if appended:
                up = [rules.add_enum_value_sql(d, name, v, schema) for v in values[len(old) :]]
            else:
                up = rules.recreate_enum_sql(d, name, values, users, schema)
            down = rules.recreate_enum_sql(d, name, old, cols or users, schema)
            first.append(
                EnumTypeOp(_label(key), up, down, old=old, new=values, up_outside=appended)
            )
    for key in sorted(set(used_in_db) - set(model), key=_order):
        schema, name = key
        labels = db.get(key)
        if labels is None:
            continue
        create = (
            [] if key in dropped_with_table else [rules.create_enum_sql(d, name, labels, schema)]
        )
        last.append(
            EnumTypeOp(_label(key), [rules.drop_enum_sql(d, name, schema)], create, old=labels)
        )
    return first, last
