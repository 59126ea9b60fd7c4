"""SQLite: no ALTER of constraints or column types; batch mode copies the table.

SQLite can add, rename and (3.35+) drop columns and rename tables. Everything else
(constraints, a column's type, nullability or default) needs the table rebuilt, which
:mod:`tidal.operations.batch` does when ``supports_alter_column`` is False.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from sqlalchemy import Column, Index, UniqueConstraint, inspect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler

from tidal.dialects import ddl
from tidal.dialects.impl import DefaultImpl
from tidal.errors import OperationError

__all__ = ["SQLiteImpl"]

log = logging.getLogger("tidal.dialects")


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

    def add_column_needs_rebuild(self, column: Column[Any]) -> bool:
        """Return True for a primary key, a STORED computed column or a non-constant default.

        SQLite's ALTER TABLE ADD COLUMN refuses all three.
        """
        if column.primary_key:
            return True
        if column.computed is not None and column.computed.persisted:
            return True
        default = column.server_default
        arg = getattr(default, "arg", None)
        if arg is None or isinstance(arg, str):
            return False
        text_value = str(getattr(arg, "text", "")).strip()
        # A quoted string or a number is constant; CURRENT_TIMESTAMP, (expr), func() are not.
        return not (text_value[:1] in ("'", '"') or text_value.replace(".", "", 1).isdigit())

    def drop_column_needs_rebuild(
        self, table_name: str, column_name: str, schema: str | None = None
    ) -> bool:
        """Return True when the column is in a key, index or constraint (SQLite refuses)."""
        conn = self.connection
        if conn is None:
            return False
        insp = inspect(conn)
        if not insp.has_table(table_name, schema=schema):
            return False
        groups: list[list[str]] = [
            insp.get_pk_constraint(table_name, schema)["constrained_columns"]
        ]
        groups += [i["column_names"] for i in insp.get_indexes(table_name, schema)]  # type: ignore[misc]
        groups += [u["column_names"] for u in insp.get_unique_constraints(table_name, schema)]
        groups += [f["constrained_columns"] for f in insp.get_foreign_keys(table_name, schema)]
        return any(column_name in group for group in groups)

    def run_table_move(
        self, move: Callable[[], None], autocommit_block: Callable[[], AbstractContextManager[Any]]
    ) -> None:
        """Move the table with foreign keys off, as SQLite's ALTER TABLE guide says.

        With ``PRAGMA foreign_keys=ON``, ``DROP TABLE`` of the old copy would delete (ON
        DELETE CASCADE) or reject the rows that reference it. The pragma cannot change
        inside a transaction, so the move runs in its own transaction, outside the
        migration's, and is checked with ``PRAGMA foreign_key_check`` before it commits.
        """
        conn = self.connection
        if conn is None or not conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
            move()
            return
        log.info("foreign keys are on: moving the table in its own transaction with them off")
        with autocommit_block():
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            try:
                conn.exec_driver_sql("BEGIN")
                try:
                    move()
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if problems:
                        raise OperationError(
                            f"recreating the table would break {len(problems)} foreign key "
                            f"reference(s), e.g. {tuple(problems[0])}",
                            "fix the rows first; PRAGMA foreign_key_check lists them",
                        )
                except BaseException:
                    conn.exec_driver_sql("ROLLBACK")
                    raise
                conn.exec_driver_sql("COMMIT")
            finally:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")


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
