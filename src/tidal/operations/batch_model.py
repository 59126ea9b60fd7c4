"""The in-memory model of one table that batch mode edits before copying it.

``TableModel`` starts from a Table (``copy_from`` or reflected), takes the batch's
operations one by one (pure edits, no SQL), and finally builds the new Table plus the
``INSERT ... SELECT`` column mapping that moves the rows across.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy import column as sql_column
from sqlalchemy.sql.elements import conv

from tidal.errors import OperationError

__all__ = ["ColumnPlan", "TableModel"]


@dataclass
class ColumnPlan:
    """A column of the new table, and the old column its values come from (if any)."""

    column: Column[Any]
    source: str | None
    old_type: Any = None


@dataclass
class TableModel:
    """A table's columns, constraints and indexes, editable by batch operations."""

    name: str
    schema: str | None
    columns: dict[str, ColumnPlan]
    pk_name: str | None = None
    pk_columns: list[str] = field(default_factory=list)
    uniques: list[UniqueConstraint] = field(default_factory=list)
    checks: list[CheckConstraint] = field(default_factory=list)
    fks: list[ForeignKeyConstraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: Table) -> TableModel:
        """Return the model of ``table`` with every column copied from itself."""
        model = cls(table.name, table.schema, {}, comment=table.comment, kwargs=dict(table.kwargs))
        for col in table.columns:
            copy = col._copy()
            # Keys, indexes and uniques are kept in the model, not on the columns.
            copy.primary_key = False
            copy.index = copy.unique = None
            model.columns[col.name] = ColumnPlan(copy, col.name, col.type)
        pk = table.primary_key
        model.pk_name = str(pk.name) if pk is not None and pk.name else None
        model.pk_columns = [c.name for c in pk.columns] if pk is not None else []
        for const in sorted(table.constraints, key=lambda c: c._creation_order):
            if isinstance(const, UniqueConstraint):
                model.uniques.append(const)
            elif isinstance(const, CheckConstraint) and not _is_type_check(const):
                model.checks.append(const)
            elif isinstance(const, ForeignKeyConstraint):
                model.fks.append(const)
        model.indexes = [ix for ix in table.indexes]
        return model

    # --- edits -------------------------------------------------------------------------

    def column_plan(self, name: str) -> ColumnPlan:
        """Return the plan of column ``name``; raise with the columns that exist."""
        try:
            return self.columns[name]
        except KeyError:
            from tidal.errors import did_you_mean

            raise OperationError(
                f"table {self.name!r} has no column {name!r}",
                did_you_mean(name, self.columns) or f"columns: {', '.join(self.columns)}",
            ) from None

    def add_column(
        self,
        column: Column[Any],
        insert_before: str | None = None,
        insert_after: str | None = None,
    ) -> None:
        """Add a column at the end, or before/after a named one."""
        copy = column._copy()
        if column.primary_key:
            self.pk_columns.append(column.name)
            copy.primary_key = False
        for fk in column.foreign_keys:
            self.fks.append(
                ForeignKeyConstraint(
                    [column.name],
                    [fk.target_fullname],
                    name=fk.name,
                    ondelete=fk.ondelete,
                    onupdate=fk.onupdate,
                )
            )
        copy.foreign_keys = set()
        copy.constraints = set()
        copy.index = copy.unique = None
        if column.index:
            self.indexes.append(Index(None, sql_column(column.name), unique=bool(column.unique)))
        elif column.unique:
            self.uniques.append(UniqueConstraint(column.name))
        self._place(column.name, ColumnPlan(copy, None), insert_before, insert_after)

    def _place(self, name: str, plan: ColumnPlan, before: str | None, after: str | None) -> None:
        items = [(k, v) for k, v in self.columns.items() if k != name]
        keys = [k for k, _ in items]
        if before is not None:
            pos = keys.index(self.column_plan(before).column.name)
        elif after is not None:
            pos = keys.index(self.column_plan(after).column.name) + 1
        else:
            pos = len(items)
        items.insert(pos, (name, plan))
        self.columns = dict(items)

    def drop_column(self, name: str) -> None:
        """Drop a column and every constraint and index that uses it."""
        self.column_plan(name)
        del self.columns[name]
        self.pk_columns = [c for c in self.pk_columns if c != name]
        self.uniques = [u for u in self.uniques if name not in _names(u)]
        self.fks = [f for f in self.fks if name not in [c for c in f.column_keys]]
        self.indexes = [i for i in self.indexes if name not in _names(i)]
        self.checks = [c for c in self.checks if not _mentions(c, name)]

    def alter_column(self, column_name: str, **kw: Any) -> None:
        """Change a column's nullability, type, default, comment, name or position."""
        name = column_name
        plan = self.column_plan(name)
        col = plan.column
        if kw.get("nullable") is not None:
            col.nullable = kw["nullable"]
        if kw.get("type_") is not None:
            col.type = kw["type_"]
        if kw.get("server_default", False) is not False:
            default = kw["server_default"]
            col.server_default = None
            if default is not None:
                col.server_default = Column("x", server_default=default).server_default
        if kw.get("comment", False) is not False:
            col.comment = kw["comment"]
        if kw.get("autoincrement") is not None:
            col.autoincrement = kw["autoincrement"]
        new_name = kw.get("name")
        if new_name and new_name != name:
            self._rename(name, new_name)
        before, after = kw.get("insert_before"), kw.get("insert_after")
        if before or after:
            final = new_name or name
            self._place(final, self.columns[final], before, after)

    def _rename(self, old: str, new: str) -> None:
        plan = self.columns[old]
        plan.column.name = plan.column.key = new
        self.columns = {(new if k == old else k): v for k, v in self.columns.items()}
        self.pk_columns = [new if c == old else c for c in self.pk_columns]
        self._renames = {**getattr(self, "_renames", {}), old: new}

    def rename_map(self) -> dict[str, str]:
        """Return old column name -> new name for the renames so far."""
        renames: dict[str, str] = getattr(self, "_renames", {})
        return renames

    def drop_named(self, name: str, type_: str | None) -> None:
        """Drop the constraint or index named ``name``."""
        before = (len(self.uniques), len(self.checks), len(self.fks), len(self.indexes))
        if type_ in (None, "primary") and self.pk_name == name:
            self.pk_name, self.pk_columns = None, []
            return
        self.uniques = [u for u in self.uniques if str(u.name) != name]
        self.checks = [c for c in self.checks if str(c.name) != name]
        self.fks = [f for f in self.fks if str(f.name) != name]
        self.indexes = [i for i in self.indexes if str(i.name) != name]
        after = (len(self.uniques), len(self.checks), len(self.fks), len(self.indexes))
        if before == after:
            raise OperationError(
                f"table {self.name!r} has no constraint or index named {name!r}",
                "check the name (reflected names, or pass naming_convention= to batch mode)",
            )

    def partial_reorder(self, orderings: Sequence[Sequence[str]]) -> None:
        """Put each tuple's columns in the given relative order."""
        for order in orderings:
            for prev, name in zip(order, order[1:], strict=False):
                self._place(name, self.columns[name], None, prev)

    # --- output ------------------------------------------------------------------------

    def build(self, name: str, metadata: MetaData, with_indexes: bool = False) -> Table:
        """Return the new table named ``name`` (constraints renamed for its columns)."""
        items: list[Any] = [plan.column._copy() for plan in self.columns.values()]
        if self.pk_columns:
            items.append(PrimaryKeyConstraint(*self._cols(self.pk_columns), name=_n(self.pk_name)))
        # Keep the constraints in the order they were made, as a copy of the table would.
        originals: list[Any] = [*self.uniques, *self.fks, *self.checks]
        originals.sort(key=lambda c: getattr(c, "_creation_order", 0))
        items.extend(self._copy_constraint(c) for c in originals)
        if with_indexes:
            items.extend(self.build_indexes())
        return Table(
            name, metadata, *items, schema=self.schema, comment=self.comment, **self.kwargs
        )

    def _cols(self, names: Sequence[str]) -> list[str]:
        renames = self.rename_map()
        return [renames.get(n, n) for n in names]

    def _copy_constraint(self, const: Any) -> Any:
        if isinstance(const, UniqueConstraint):
            return UniqueConstraint(*self._cols(_names(const)), name=_n(const.name))
        if isinstance(const, ForeignKeyConstraint):
            return ForeignKeyConstraint(
                self._cols(list(const.column_keys)),
                [e.target_fullname for e in const.elements],
                name=_n(const.name),
                ondelete=const.ondelete,
                onupdate=const.onupdate,
                deferrable=const.deferrable,
                initially=const.initially,
                match=const.match,
            )
        sqltext = str(const.sqltext)
        for old, new in self.rename_map().items():
            sqltext = re.sub(rf"\b{re.escape(old)}\b", new, sqltext)
        return CheckConstraint(text(sqltext), name=_n(const.name))

    def build_indexes(self) -> list[Index]:
        """Return the indexes (by column names, renames applied) for the new table."""
        renames = self.rename_map()
        out = []
        for ix in self.indexes:
            exprs: list[Any] = []
            for expr in ix.expressions:
                col_name = getattr(expr, "name", None)
                exprs.append(renames.get(col_name, col_name) if col_name else expr)
            out.append(Index(_n(ix.name), *exprs, unique=ix.unique, **ix.dialect_kwargs))
        return out


def _n(name: Any) -> Any:
    # Keep a name exactly as it is: the naming convention must not rename it again.
    if name is None or type(name).__name__ == "_NoneName":
        return None
    return conv(str(name))


def _names(item: UniqueConstraint | Index) -> list[str]:
    if isinstance(item, Index):
        return [str(getattr(e, "name", "")) for e in item.expressions]
    return [c.name for c in item.columns] or list(item._pending_colargs)  # type: ignore[arg-type]


def _mentions(check: CheckConstraint, column: str) -> bool:
    return re.search(rf"\b{re.escape(column)}\b", str(check.sqltext)) is not None


def _is_type_check(const: CheckConstraint) -> bool:
    # The CHECK a Boolean/Enum type adds for itself is re-created by the column's type.
    return bool(getattr(const, "_type_bound", False))
