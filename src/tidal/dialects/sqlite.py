"""SQLite: no ALTER of constraints or column types; batch mode copies the table.

SQLite can add, rename and (3.35+) drop columns and rename tables. Everything else
(constraints, a column's type, nullability or default) needs the table rebuilt, which
:mod:`tidal.operations.batch` does when ``supports_alter_column`` is False.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler

from tidal.dialects import ddl
from tidal.dialects.impl import DefaultImpl

__all__ = ["SQLiteImpl"]


class SQLiteImpl(DefaultImpl):
    """SQLite's implementation."""

    name: ClassVar[str] = "sqlite"
    transactional_ddl: ClassVar[bool] = False
    supports_alter_constraints: ClassVar[bool] = False
    supports_alter_column: ClassVar[bool] = False
    batch_recreates_by_default: ClassVar[bool] = True

    def add_column(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_not_exists: bool | None = None,
    ) -> None:
        """Add a column; its foreign keys go inline as ``REFERENCES``."""
        self._exec(ddl.AddColumn(table_name, column, schema, if_not_exists))
        for index in column.table.indexes:
            self.create_index(index)
        for const in column.table.constraints:
            if isinstance(const, UniqueConstraint):
                # SQLite has no ADD CONSTRAINT; a unique index enforces the same rule.
                cols = [c.name for c in const.columns]
                name = str(const.name) if const.name else f"uq_{table_name}_{'_'.join(cols)}"
                self.create_index(Index(name, *const.columns, unique=True))


@compiles(ddl.AddColumn, "sqlite")
def _add_column(element: ddl.AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    # SQLite cannot ALTER TABLE ADD CONSTRAINT, but it accepts REFERENCES inline.
    ine = "IF NOT EXISTS " if element.if_not_exists else ""
    spec = compiler.get_column_specification(element.column)
    for fk in element.column.foreign_keys:
        *schema, table, column = fk.target_fullname.split(".")
        remote = ddl.format_table_name(compiler, table, ".".join(schema) or None)
        spec += f" REFERENCES {remote} ({compiler.preparer.quote(column)})"
    return f"{ddl.alter_table(compiler, element)} ADD COLUMN {ine}{spec}"
