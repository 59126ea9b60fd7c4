"""PostgreSQL: transactional DDL, ``USING`` on type changes, enums, CONCURRENTLY.

Named enum types used by a table's columns are created before the table and dropped
after it, as SQLAlchemy's ``metadata.create_all()`` does (and as Alembic does, with
``checkfirst=False``: an ``ENUM(..., create_type=False)`` is left alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from sqlalchemy import Index, Table
from sqlalchemy.dialects.postgresql import ENUM, ExcludeConstraint
from sqlalchemy.dialects.postgresql.named_types import CreateEnumType, DropEnumType
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import Constraint
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.types import TypeEngine

from tidal.dialects import ddl
from tidal.dialects.impl import DefaultImpl

__all__ = ["PostgresqlImpl"]


class PostgresqlImpl(DefaultImpl):
    """PostgreSQL's implementation."""

    name: ClassVar[str] = "postgresql"
    transactional_ddl: ClassVar[bool] = True

    def _enums(self, table: Table) -> Iterator[ENUM]:
        seen: set[tuple[str | None, str]] = set()
        for column in table.columns:
            impl = column.type.dialect_impl(self.dialect)
            if isinstance(impl, ENUM) and impl.name and getattr(impl, "create_type", True):
                key = (impl.schema, impl.name)
                if key not in seen:
                    seen.add(key)
                    yield impl

    def before_create_table(self, table: Table) -> None:
        """Create the table's enum types first."""
        for enum in self._enums(table):
            self._exec(CreateEnumType(enum))

    def after_drop_table(self, table: Table) -> None:
        """Drop the table's enum types after it."""
        for enum in self._enums(table):
            self._exec(DropEnumType(enum))

    def alter_column(self, table_name: str, column_name: str, **kw: Any) -> None:
        """Alter a column; a type change comes first, with ``postgresql_using``."""
        type_: TypeEngine[Any] | None = kw.pop("type_", None)
        using: str | None = kw.pop("postgresql_using", None)
        if type_ is not None:
            self._exec(
                ddl.ColumnType(
                    table_name,
                    column_name,
                    type_,
                    using=using,
                    schema=kw.get("schema"),
                    existing_type=kw.get("existing_type"),
                )
            )
        super().alter_column(table_name, column_name, **kw)

    def index_needs_autocommit(self, index: Index) -> bool:
        """Return True for ``postgresql_concurrently=True``: it cannot run in a transaction."""
        return bool(index.dialect_options["postgresql"].get("concurrently"))

    def build_exclude_constraint(self, *elements: Any, **kw: Any) -> Constraint:
        """Return an ``EXCLUDE`` constraint."""
        return ExcludeConstraint(*elements, **kw)


@compiles(ddl.ColumnType, "postgresql")
def _type(element: ddl.ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    table = ddl.alter_table(compiler, element)
    column = ddl.format_column_name(compiler, element.column_name)
    sql = f"{table} ALTER COLUMN {column} TYPE {ddl.format_type(compiler, element.type_)}"
    if element.using:
        sql += f" USING {element.using}"
    return sql


@compiles(ddl.ColumnName, "postgresql")
def _name(element: ddl.ColumnName, compiler: DDLCompiler, **kw: Any) -> str:
    old = ddl.format_column_name(compiler, element.column_name)
    new = ddl.format_column_name(compiler, element.new_name)
    return f"{ddl.alter_table(compiler, element)} RENAME {old} TO {new}"
