"""Tidal's own DDL constructs (the ALTER statements SQLAlchemy has no element for).

Each construct is a plain :class:`~sqlalchemy.schema.ExecutableDDLElement` holding the
names it needs. The generic SQL for each is compiled here; the dialect modules
(``sqlite.py``, ``postgresql.py``, ``mysql.py``) register their own variants with
:func:`sqlalchemy.ext.compiler.compiles` where the database's syntax differs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.compiler import DDLCompiler, IdentifierPreparer, SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import TypeEngine

__all__ = [
    "AddColumn",
    "AlterColumn",
    "ColumnComment",
    "ColumnDefault",
    "ColumnName",
    "ColumnNullable",
    "ColumnType",
    "DropColumn",
    "InlineLiteral",
    "RawStatement",
    "RenameTable",
    "format_column_name",
    "format_server_default",
    "format_table_name",
    "format_type",
]


class AlterTable(ExecutableDDLElement):
    """An ``ALTER TABLE`` statement on one (optionally schema-qualified) table."""

    inherit_cache = False

    def __init__(self, table_name: str, schema: str | None = None) -> None:
        self.table_name = table_name
        self.schema = schema


class RenameTable(AlterTable):
    """``ALTER TABLE old RENAME TO new``."""

    def __init__(self, old_name: str, new_name: str, schema: str | None = None) -> None:
        super().__init__(old_name, schema)
        self.new_name = new_name


class AddColumn(AlterTable):
    """``ALTER TABLE t ADD COLUMN <spec>``."""

    def __init__(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_not_exists: bool | None = None,
    ) -> None:
        super().__init__(table_name, schema)
        self.column = column
        self.if_not_exists = if_not_exists


class DropColumn(AlterTable):
    """``ALTER TABLE t DROP COLUMN c``."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        schema: str | None = None,
        if_exists: bool | None = None,
    ) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.if_exists = if_exists


class AlterColumn(AlterTable):
    """Base of the one-aspect ``ALTER TABLE t ALTER COLUMN c ...`` statements."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        schema: str | None = None,
        existing_type: TypeEngine[Any] | None = None,
        existing_nullable: bool | None = None,
        existing_server_default: Any = None,
        existing_comment: str | None = None,
    ) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.existing_type = existing_type
        self.existing_nullable = existing_nullable
        self.existing_server_default = existing_server_default
        self.existing_comment = existing_comment


class ColumnNullable(AlterColumn):
    """``SET NOT NULL`` / ``DROP NOT NULL``."""

    def __init__(self, table_name: str, column_name: str, nullable: bool, **kw: Any) -> None:
        super().__init__(table_name, column_name, **kw)
        self.nullable = nullable


class ColumnType(AlterColumn):
    """``ALTER COLUMN c TYPE t`` (``USING expr`` on PostgreSQL)."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        type_: TypeEngine[Any],
        using: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(table_name, column_name, **kw)
        self.type_ = type_
        self.using = using


class ColumnDefault(AlterColumn):
    """``SET DEFAULT x`` / ``DROP DEFAULT`` (``default`` None drops it)."""

    def __init__(self, table_name: str, column_name: str, default: Any, **kw: Any) -> None:
        super().__init__(table_name, column_name, **kw)
        self.default = default


class ColumnName(AlterColumn):
    """``RENAME COLUMN c TO d``."""

    def __init__(self, table_name: str, column_name: str, new_name: str, **kw: Any) -> None:
        super().__init__(table_name, column_name, **kw)
        self.new_name = new_name


class ColumnComment(AlterColumn):
    """``COMMENT ON COLUMN t.c IS ...`` (``comment`` None removes it)."""

    def __init__(self, table_name: str, column_name: str, comment: str | None, **kw: Any) -> None:
        super().__init__(table_name, column_name, **kw)
        self.comment = comment


# --- helpers shared by the dialect compilers -------------------------------------------


def format_table_name(compiler: DDLCompiler, name: str, schema: str | None) -> str:
    """Return the quoted, schema-qualified table name."""
    preparer: IdentifierPreparer = compiler.preparer
    quoted = preparer.quote(name)
    return f"{preparer.quote_schema(schema)}.{quoted}" if schema else quoted


def format_column_name(compiler: DDLCompiler, name: str) -> str:
    """Return the quoted column name."""
    return compiler.preparer.quote(name)


def format_type(compiler: DDLCompiler, type_: TypeEngine[Any]) -> str:
    """Return the type as the dialect spells it in DDL."""
    return compiler.dialect.type_compiler_instance.process(type_)


def format_server_default(compiler: DDLCompiler, default: Any) -> str | None:
    """Return a server default (str, text(), function, DefaultClause) as DDL text."""
    if default is None or default is False:
        return None
    column: Column[Any] = Column("_tidal_default", server_default=default)
    return compiler.get_column_default_string(column)


def alter_table(compiler: DDLCompiler, element: AlterTable) -> str:
    """Return ``ALTER TABLE <name>``."""
    return "ALTER TABLE " + format_table_name(compiler, element.table_name, element.schema)


def _alter_column(compiler: DDLCompiler, element: AlterColumn) -> str:
    return f"{alter_table(compiler, element)} ALTER COLUMN " + format_column_name(
        compiler, element.column_name
    )


# --- generic compilation ----------------------------------------------------------------


@compiles(RenameTable)
def _rename_table(element: RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    return f"{alter_table(compiler, element)} RENAME TO " + format_table_name(
        compiler, element.new_name, None
    )


@compiles(AddColumn)
def _add_column(element: AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    ine = "IF NOT EXISTS " if element.if_not_exists else ""
    spec = compiler.get_column_specification(element.column)
    return f"{alter_table(compiler, element)} ADD COLUMN {ine}{spec}"


@compiles(DropColumn)
def _drop_column(element: DropColumn, compiler: DDLCompiler, **kw: Any) -> str:
    ie = "IF EXISTS " if element.if_exists else ""
    name = format_column_name(compiler, element.column_name)
    return f"{alter_table(compiler, element)} DROP COLUMN {ie}{name}"


@compiles(ColumnNullable)
def _nullable(element: ColumnNullable, compiler: DDLCompiler, **kw: Any) -> str:
    verb = "DROP" if element.nullable else "SET"
    return f"{_alter_column(compiler, element)} {verb} NOT NULL"


@compiles(ColumnType)
def _type(element: ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    return f"{_alter_column(compiler, element)} TYPE {format_type(compiler, element.type_)}"


@compiles(ColumnDefault)
def _default(element: ColumnDefault, compiler: DDLCompiler, **kw: Any) -> str:
    rendered = format_server_default(compiler, element.default)
    if rendered is None:
        return f"{_alter_column(compiler, element)} DROP DEFAULT"
    return f"{_alter_column(compiler, element)} SET DEFAULT {rendered}"


@compiles(ColumnName)
def _name(element: ColumnName, compiler: DDLCompiler, **kw: Any) -> str:
    old = format_column_name(compiler, element.column_name)
    new = format_column_name(compiler, element.new_name)
    return f"{alter_table(compiler, element)} RENAME COLUMN {old} TO {new}"


@compiles(ColumnComment)
def _comment(element: ColumnComment, compiler: DDLCompiler, **kw: Any) -> str:
    table = format_table_name(compiler, element.table_name, element.schema)
    column = format_column_name(compiler, element.column_name)
    value = (
        "NULL"
        if element.comment is None
        else compiler.sql_compiler.render_literal_value(element.comment, _STRING)
    )
    return f"COMMENT ON COLUMN {table}.{column} IS {value}"


def _string_type() -> TypeEngine[Any]:
    from sqlalchemy import String

    return String()


_STRING = _string_type()


class RawStatement(ExecutableDDLElement):
    """A statement already rendered to text (e.g. an offline INSERT with literal values).

    Unlike ``text()``, colons in the text are not read as bind parameters.
    """

    inherit_cache = False

    def __init__(self, sql: str) -> None:
        self.sql = sql


@compiles(RawStatement)
def _raw(element: RawStatement, compiler: DDLCompiler, **kw: Any) -> str:
    return element.sql


class InlineLiteral(BindParameter[Any]):
    """A bound value always rendered inline as a literal (``op.inline_literal``)."""

    inherit_cache = True


@compiles(InlineLiteral)
def _inline_literal(element: InlineLiteral, compiler: SQLCompiler, **kw: Any) -> str:
    kw.pop("literal_binds", None)
    rendered: str = compiler.render_literal_bindparam(element, **kw)  # type: ignore[no-untyped-call]
    return rendered
