"""MySQL and MariaDB: ``MODIFY`` / ``CHANGE`` rewrite the whole column definition.

MySQL has no ``ALTER COLUMN ... TYPE`` or ``SET NOT NULL``: changing a column's type,
nullability, comment or name restates the full column, so the existing type must be
known (``existing_type=``), and the other ``existing_*`` values keep what is not
meant to change. Online, missing ``existing_*`` values are read from the live column
(:mod:`tidal.dialects.existing`); ``--sql`` has no database and needs them given.
A generic ``DROP CONSTRAINT`` does not exist either: the type of the constraint
decides the statement.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import (
    CheckConstraint,
    Constraint,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.types import String, TypeEngine

from tidal.dialects import ddl
from tidal.dialects.existing import fill_existing, needs_reflection, reflect_column
from tidal.dialects.impl import DefaultImpl
from tidal.errors import OperationError

__all__ = ["MySQLImpl", "MySQLModifyColumn"]


class MySQLModifyColumn(ddl.AlterTable):
    """``MODIFY c <full definition>`` or, with ``new_name``, ``CHANGE c d <definition>``."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None,
        type_: TypeEngine[Any],
        nullable: bool,
        server_default: Any,
        autoincrement: bool | None,
        comment: str | None,
        new_name: str | None = None,
    ) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.type_ = type_
        self.nullable = nullable
        self.server_default = server_default
        self.autoincrement = autoincrement
        self.comment = comment
        self.new_name = new_name


class MySQLImpl(DefaultImpl):
    """MySQL's and MariaDB's implementation."""

    name: ClassVar[str] = "mysql"
    transactional_ddl: ClassVar[bool] = False

    def alter_column(
        self,
        table_name: str,
        column_name: str,
        **kw: Any,
    ) -> None:
        """Alter a column with ``CHANGE``, ``MODIFY`` or ``ALTER COLUMN ... DEFAULT``."""
        name = kw.get("name")
        nullable = kw.get("nullable")
        type_ = kw.get("type_")
        autoincrement = kw.get("autoincrement")
        comment = kw.get("comment", False)
        server_default = kw.get("server_default", False)
        schema = kw.get("schema")
        kw = self._with_existing(table_name, column_name, kw)
        _require_type(self.dialect.name, table_name, column_name, kw)
        if not _restates(kw):
            if server_default is not False:
                stmt = ddl.ColumnDefault(table_name, column_name, server_default, schema=schema)
                self._exec(stmt)
            return
        full_type = type_ if type_ is not None else kw["existing_type"]
        existing_nullable = kw.get("existing_nullable")
        self._exec(
            MySQLModifyColumn(
                table_name,
                column_name,
                schema=schema,
                type_=full_type,
                nullable=(
                    nullable
                    if nullable is not None
                    else (existing_nullable if existing_nullable is not None else True)
                ),
                server_default=(
                    server_default
                    if server_default is not False
                    else kw.get("existing_server_default")
                ),
                autoincrement=(
                    autoincrement if autoincrement is not None else kw.get("existing_autoincrement")
                ),
                comment=comment if comment is not False else kw.get("existing_comment"),
                new_name=name,
            )
        )

    def _with_existing(
        self, table_name: str, column_name: str, kw: dict[str, Any]
    ) -> dict[str, Any]:
        """Return ``kw`` with missing ``existing_*`` read from the live column (online only)."""
        conn = self.connection
        if conn is None or self.as_sql or not _restates(kw) or not needs_reflection(kw):
            return kw
        reflected = reflect_column(conn, table_name, column_name, kw.get("schema"))
        return fill_existing(kw, reflected)

    def check_alter_column(self, table_name: str, column_name: str, **kw: Any) -> None:
        """Raise before anything runs when MODIFY/CHANGE would need the unknown type.

        Online, a missing ``existing_type`` is read from the database instead, so the
        check only asks that the table and column exist.
        """
        kw = self._with_existing(table_name, column_name, kw)
        _require_type(self.dialect.name, table_name, column_name, kw)

    def drop_constraint(self, const: Constraint, if_exists: bool | None = None) -> None:
        """Drop a constraint; its type must be known."""
        kinds = (ForeignKeyConstraint, PrimaryKeyConstraint, UniqueConstraint, CheckConstraint)
        if not isinstance(const, kinds):
            raise OperationError(
                f"drop_constraint({const.name!r}) on {self.dialect.name} needs the constraint's "
                "type: there is no generic DROP CONSTRAINT",
                "pass type_='foreignkey', 'primary', 'unique' or 'check'",
            )
        super().drop_constraint(const, if_exists)


def _require_type(dialect_name: str, table_name: str, column_name: str, kw: dict[str, Any]) -> None:
    """Raise when MODIFY/CHANGE would need a type that is neither given nor reflected."""
    if _restates(kw) and kw.get("type_") is None and kw.get("existing_type") is None:
        raise OperationError(
            f"alter_column({table_name!r}, {column_name!r}) on {dialect_name} needs the "
            "column's existing type: MODIFY/CHANGE restate the whole column",
            "pass existing_type= (and existing_nullable=, existing_server_default=, "
            "existing_comment= to keep them)",
        )


def _restates(kw: dict[str, Any]) -> bool:
    """Return True when the change needs MODIFY/CHANGE (the whole column restated)."""
    return (
        kw.get("name") is not None
        or kw.get("nullable") is not None
        or kw.get("type_") is not None
        or kw.get("autoincrement") is not None
        or kw.get("comment", False) is not False
    )


@compiles(ddl.RenameTable, "mysql")
def _rename_table(element: ddl.RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    new = ddl.format_table_name(compiler, element.new_name, element.schema)
    return f"{ddl.alter_table(compiler, element)} RENAME TO {new}"


@compiles(MySQLModifyColumn, "mysql")
def _modify(element: MySQLModifyColumn, compiler: DDLCompiler, **kw: Any) -> str:
    old = ddl.format_column_name(compiler, element.column_name)
    if element.new_name is not None:
        head = f"CHANGE {old} {ddl.format_column_name(compiler, element.new_name)}"
    else:
        head = f"MODIFY {old}"
    parts = [head, ddl.format_type(compiler, element.type_)]
    parts.append("NULL" if element.nullable else "NOT NULL")
    default = ddl.format_server_default(compiler, element.server_default)
    if default is not None:
        parts.append(f"DEFAULT {default}")
    if element.autoincrement:
        parts.append("AUTO_INCREMENT")
    if element.comment is not None:
        literal = compiler.sql_compiler.render_literal_value(element.comment, String())
        parts.append(f"COMMENT {literal}")
    return f"{ddl.alter_table(compiler, element)} " + " ".join(parts)
