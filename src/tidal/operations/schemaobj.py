"""Build the SQLAlchemy schema objects an operation needs from its plain arguments.

Operations take names (``"account"``, ``["id"]``); the dialect impls take Tables,
Columns, Indexes and Constraints. Stub tables stand in for the ones named, carrying
the migration's naming convention (``target_metadata``'s, or the batch's own).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.types import NULLTYPE

__all__ = ["SchemaObjects"]


class SchemaObjects:
    """Factory of stub schema objects for one migration context.

    Args:
        naming_convention: The convention new constraint and index names follow.
    """

    def __init__(self, naming_convention: Mapping[str, Any] | None = None) -> None:
        self.naming_convention = dict(naming_convention or {})

    @classmethod
    def for_context(cls, migration_context: Any) -> SchemaObjects:
        """Return the factory using ``target_metadata``'s naming convention, if any."""
        opts = getattr(migration_context, "opts", None) or {}
        target = opts.get("target_metadata")
        if isinstance(target, Sequence) and target:
            target = target[0]
        convention = getattr(target, "naming_convention", None)
        return cls(convention)

    def metadata(self) -> MetaData:
        """Return a new MetaData with the naming convention."""
        if self.naming_convention:
            return MetaData(naming_convention=self.naming_convention)
        return MetaData()

    def table(self, name: str, *items: Any, schema: str | None = None, **kw: Any) -> Table:
        """Return a Table named ``name`` with the given columns and constraints."""
        metadata = kw.pop("metadata", None) or self.metadata()
        table = Table(name, metadata, *items, schema=schema, **kw)
        for item in items:
            if isinstance(item, Column):
                for fk in item.foreign_keys:
                    self._stub_referent(metadata, fk.target_fullname)
        for const in table.constraints:
            if isinstance(const, ForeignKeyConstraint):
                for fk in const.elements:
                    self._stub_referent(metadata, fk.target_fullname)
        return table

    def _stub_referent(self, metadata: MetaData, fullname: str) -> None:
        *schema_parts, table_name, column_name = fullname.split(".")
        schema = ".".join(schema_parts) or None
        key = f"{schema}.{table_name}" if schema else table_name
        if key in metadata.tables:
            table = metadata.tables[key]
            if column_name not in table.c:
                table.append_column(Column(column_name, NULLTYPE))
        else:
            Table(table_name, metadata, Column(column_name, NULLTYPE), schema=schema)

    def stub_columns(self, names: Sequence[str]) -> list[Column[Any]]:
        """Return NULLTYPE columns for ``names``."""
        return [Column(n, NULLTYPE) for n in names]

    def column(self, name: str, type_: Any = NULLTYPE) -> Column[Any]:
        """Return a column."""
        return Column(name, type_)

    def primary_key(
        self, name: str | None, table_name: str, cols: Sequence[str], schema: str | None = None
    ) -> PrimaryKeyConstraint:
        """Return a primary key constraint on a stub table."""
        const = PrimaryKeyConstraint(*cols, name=name)
        self.table(table_name, *self.stub_columns(cols), const, schema=schema)
        return const

    def unique(
        self,
        name: str | None,
        table_name: str,
        cols: Sequence[str],
        schema: str | None = None,
        **kw: Any,
    ) -> UniqueConstraint:
        """Return a unique constraint on a stub table."""
        const = UniqueConstraint(*cols, name=name, **kw)
        self.table(table_name, *self.stub_columns(cols), const, schema=schema)
        return const

    def check(
        self,
        name: str | None,
        table_name: str,
        condition: str | ClauseElement,
        schema: str | None = None,
        **kw: Any,
    ) -> CheckConstraint:
        """Return a check constraint on a stub table."""
        sqltext: Any = text(condition) if isinstance(condition, str) else condition
        const = CheckConstraint(sqltext, name=name, **kw)
        self.table(table_name, const, schema=schema)
        return const

    def foreign_key(  # noqa: PLR0913 - mirrors op.create_foreign_key
        self,
        name: str | None,
        source: str,
        referent: str,
        local_cols: Sequence[str],
        remote_cols: Sequence[str],
        *,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        **kw: Any,
    ) -> ForeignKeyConstraint:
        """Return a foreign key between stub tables."""
        metadata = self.metadata()
        prefix = f"{referent_schema}.{referent}" if referent_schema else referent
        const = ForeignKeyConstraint(
            list(local_cols), [f"{prefix}.{c}" for c in remote_cols], name=name, **kw
        )
        if (source, source_schema) != (referent, referent_schema):
            Table(referent, metadata, *self.stub_columns(remote_cols), schema=referent_schema)
            cols = self.stub_columns(local_cols)
        else:
            cols = self.stub_columns(sorted(set(local_cols) | set(remote_cols)))
        Table(source, metadata, *cols, const, schema=source_schema)
        return const

    def generic_constraint(
        self, name: str, table_name: str, type_: str | None, schema: str | None = None
    ) -> Any:
        """Return a constraint of kind ``type_`` (or untyped) named ``name``, for dropping."""
        from sqlalchemy.schema import Constraint

        kinds: dict[str | None, Any] = {
            "foreignkey": lambda: ForeignKeyConstraint([], [], name=name),
            "primary": lambda: PrimaryKeyConstraint(name=name),
            "unique": lambda: UniqueConstraint(name=name),
            "check": lambda: CheckConstraint("", name=name),
            None: lambda: Constraint(name=name),
        }
        const = kinds[type_]()
        table = self.table(table_name, schema=schema)
        table.append_constraint(const)
        return const

    def index(
        self,
        name: str | None,
        table_name: str,
        columns: Sequence[str | ClauseElement],
        schema: str | None = None,
        unique: bool = False,
        **kw: Any,
    ) -> Index:
        """Return an index on a stub table; strings name columns, other items are expressions."""
        table = self.table(table_name, schema=schema)
        for key, value in kw.items():
            # <dialect>_include=[...] names columns the stub table must have.
            if key.endswith("_include"):
                for col_name in value or ():
                    if isinstance(col_name, str) and col_name not in table.c:
                        table.append_column(Column(col_name, NULLTYPE))
        exprs: list[Any] = []
        for col in columns:
            if isinstance(col, str):
                if col not in table.c:
                    table.append_column(Column(col, NULLTYPE))
                exprs.append(table.c[col])
            elif isinstance(col, TextClause):
                exprs.append(col)
            else:
                exprs.append(col)
        return Index(name, *exprs, unique=unique, _table=table, **kw)
