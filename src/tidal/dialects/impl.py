"""DefaultImpl: how one database carries out each DDL action.

An impl is built per run as ``impl_cls(sa_dialect, sink, context_opts)``. Every
statement goes through the run's :class:`~tidal.runtime.sink.Sink`, so the same code
runs online and renders ``--sql`` text. Subclasses in this package override only what
their database does differently, and answer capability questions (``supports_*``,
``requires_*``) so that code outside ``tidal.dialects`` never names a database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from sqlalchemy import Column, Index, Table, literal
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.schema import (
    AddConstraint,
    Constraint,
    CreateIndex,
    CreateTable,
    DropConstraint,
    DropIndex,
    DropTable,
    DropTableComment,
    SetColumnComment,
    SetTableComment,
    UniqueConstraint,
)
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from tidal.dialects import ddl
from tidal.errors import OperationError
from tidal.runtime.sink import Sink

__all__ = ["DefaultImpl"]

log = logging.getLogger("tidal.dialects")

#: Impls that declared ``__dialect__`` (Alembic-style third-party dialects).
DECLARED_IMPLS: dict[str, type[DefaultImpl]] = {}


class DefaultImpl:
    """The generic implementation: ANSI-ish ALTER statements through SQLAlchemy.

    Args:
        dialect: SQLAlchemy's dialect of the database.
        sink: Where statements go (a live connection or the ``--sql`` script).
        context_opts: Every ``configure()`` keyword of the migration context.
    """

    #: The database's name as SQLAlchemy spells it; "default" for the generic impl.
    name: ClassVar[str] = "default"
    #: DDL runs inside a transaction and rolls back with it.
    transactional_ddl: ClassVar[bool] = False
    #: Ends each statement in ``--sql`` output.
    command_terminator: ClassVar[str] = ";"
    #: ``ALTER TABLE ... ADD/DROP CONSTRAINT`` is available.
    supports_alter_constraints: ClassVar[bool] = True
    #: ``ALTER COLUMN`` of type, nullability and default is available.
    supports_alter_column: ClassVar[bool] = True
    #: Batch mode with ``recreate="auto"`` copies the table instead of ALTERing it.
    batch_recreates_by_default: ClassVar[bool] = False

    def __init_subclass__(cls, **kw: Any) -> None:
        # Alembic's way to plug in a third-party dialect: ``__dialect__ = "name"``.
        super().__init_subclass__(**kw)
        declared = cls.__dict__.get("__dialect__")
        if isinstance(declared, str):
            DECLARED_IMPLS[declared] = cls

    def __init__(self, dialect: Dialect, sink: Sink, context_opts: Mapping[str, Any]) -> None:
        self.dialect = dialect
        self.sink = sink
        self.context_opts = dict(context_opts)

    # --- plumbing ----------------------------------------------------------------------

    @property
    def connection(self) -> Connection | None:
        """Return the live connection, or None when rendering ``--sql``."""
        conn = getattr(self.sink, "connection", None)
        return conn if isinstance(conn, Connection) else None

    @property
    def as_sql(self) -> bool:
        """Return True when statements are rendered rather than run."""
        return bool(self.sink.as_sql)

    @property
    def supports_comments(self) -> bool:
        """Return True when the database stores table and column comments."""
        return bool(self.dialect.supports_comments)

    @property
    def inline_comments(self) -> bool:
        """Return True when comments are part of the column/table DDL itself."""
        return bool(self.dialect.inline_comments)

    def static_output(self, text: str) -> None:
        """Write raw text to the ``--sql`` script."""
        self.sink.static_output(text)

    def emit_begin(self) -> None:
        """Write ``BEGIN`` to the ``--sql`` script."""
        self.static_output("BEGIN" + self.command_terminator)

    def emit_commit(self) -> None:
        """Write ``COMMIT`` to the ``--sql`` script."""
        self.static_output("COMMIT" + self.command_terminator)

    def execute(
        self,
        sql: str | ClauseElement,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Any:
        """Run (or render) a statement given by the user."""
        return self.sink.execute(sql, execution_options=execution_options)

    def _exec(
        self,
        construct: str | ClauseElement,
        multiparams: Sequence[Mapping[str, Any]] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        return self.sink.execute(construct, multiparams=multiparams, params=params)

    def unsupported(self, operation: str, hint: str) -> OperationError:
        """Return the error for an operation this database cannot do."""
        return OperationError(f"{operation} is not supported on {self.dialect.name}", hint)

    # --- tables ------------------------------------------------------------------------

    def create_table(self, table: Table, if_not_exists: bool | None = None) -> None:
        """Create a table, then its indexes and (where not inline) its comments."""
        self.before_create_table(table)
        self._exec(CreateTable(table, if_not_exists=bool(if_not_exists)))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            # Alembic applies if_not_exists to the table only, not to its indexes.
            self._exec(CreateIndex(index))
        if self.supports_comments and not self.inline_comments:
            if table.comment:
                self.create_table_comment(table)
            for column in table.columns:
                if column.comment:
                    self.create_column_comment(column)

    def before_create_table(self, table: Table) -> None:
        """Create what the table needs first (PostgreSQL's enum types)."""

    def after_drop_table(self, table: Table) -> None:
        """Drop what the table alone used (PostgreSQL's enum types)."""

    def drop_table(self, table: Table, if_exists: bool | None = None) -> None:
        """Drop a table."""
        self._exec(DropTable(table, if_exists=bool(if_exists)))
        self.after_drop_table(table)

    def rename_table(self, old_name: str, new_name: str, schema: str | None = None) -> None:
        """Rename a table."""
        self._exec(ddl.RenameTable(old_name, new_name, schema))

    def create_table_comment(self, table: Table) -> None:
        """Set a table's comment."""
        self._exec(SetTableComment(table))

    def drop_table_comment(self, table: Table) -> None:
        """Remove a table's comment."""
        self._exec(DropTableComment(table))

    def create_column_comment(self, column: Column[Any]) -> None:
        """Set a column's comment."""
        self._exec(SetColumnComment(column))

    # --- columns -----------------------------------------------------------------------

    def add_column(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_not_exists: bool | None = None,
    ) -> None:
        """Add a column, then its foreign keys, comment, index and unique constraint."""
        self._exec(ddl.AddColumn(table_name, column, schema, if_not_exists))
        table = column.table
        for fk in column.foreign_keys:
            if fk.constraint is not None:
                self.add_constraint(fk.constraint)
        if column.comment and self.supports_comments and not self.inline_comments:
            self.create_column_comment(column)
        for index in table.indexes:
            self.create_index(index)
        for const in table.constraints:
            if isinstance(const, UniqueConstraint):
                self.add_constraint(const)

    def drop_column(
        self,
        table_name: str,
        column_name: str,
        schema: str | None = None,
        if_exists: bool | None = None,
    ) -> None:
        """Drop a column."""
        self._exec(ddl.DropColumn(table_name, column_name, schema, if_exists))

    def alter_column(
        self,
        table_name: str,
        column_name: str,
        *,
        nullable: bool | None = None,
        server_default: Any = False,
        name: str | None = None,
        type_: TypeEngine[Any] | None = None,
        schema: str | None = None,
        autoincrement: bool | None = None,
        comment: str | None | bool = False,
        existing_comment: str | None = None,
        existing_type: TypeEngine[Any] | None = None,
        existing_server_default: Any = None,
        existing_nullable: bool | None = None,
        existing_autoincrement: bool | None = None,
        **kw: Any,
    ) -> None:
        """Alter one column: nullability, default, type, comment, then its name."""
        if autoincrement is not None or existing_autoincrement is not None:
            log.warning("autoincrement and existing_autoincrement only take effect on MySQL")
        common: dict[str, Any] = {
            "schema": schema,
            "existing_type": existing_type,
            "existing_nullable": existing_nullable,
            "existing_server_default": existing_server_default,
            "existing_comment": existing_comment,
        }
        if nullable is not None:
            self._exec(ddl.ColumnNullable(table_name, column_name, nullable, **common))
        if server_default is not False:
            self._exec(ddl.ColumnDefault(table_name, column_name, server_default, **common))
        if type_ is not None:
            self._exec(ddl.ColumnType(table_name, column_name, type_, **common))
        if comment is not False:
            self.alter_column_comment(table_name, column_name, comment, common)
        if name is not None:
            self._exec(ddl.ColumnName(table_name, column_name, name, **common))

    def check_alter_column(self, table_name: str, column_name: str, **kw: Any) -> None:
        """Raise :class:`OperationError` if this database cannot make the change as given."""

    def alter_column_comment(
        self, table_name: str, column_name: str, comment: Any, common: dict[str, Any]
    ) -> None:
        """Change or remove one column's comment."""
        if not self.supports_comments:
            log.info("%s keeps no column comments; comment change skipped", self.dialect.name)
            return
        self._exec(ddl.ColumnComment(table_name, column_name, comment or None, **common))

    # --- indexes and constraints -------------------------------------------------------

    def create_index(self, index: Index, if_not_exists: bool | None = None) -> None:
        """Create an index."""
        self._exec(CreateIndex(index, if_not_exists=bool(if_not_exists)))

    def drop_index(self, index: Index, if_exists: bool | None = None) -> None:
        """Drop an index."""
        self._exec(DropIndex(index, if_exists=bool(if_exists)))

    def index_needs_autocommit(self, index: Index) -> bool:
        """Return True when building this index cannot run inside a transaction."""
        return False

    def add_constraint(self, const: Constraint) -> None:
        """Add a constraint with ``ALTER TABLE``."""
        if not self.supports_alter_constraints:
            raise self.unsupported(
                "adding a constraint with ALTER",
                "use `with op.batch_alter_table(...)`, which recreates the table",
            )
        self._exec(AddConstraint(const))

    def drop_constraint(self, const: Constraint, if_exists: bool | None = None) -> None:
        """Drop a constraint with ``ALTER TABLE``."""
        if not self.supports_alter_constraints:
            raise self.unsupported(
                "dropping a constraint with ALTER",
                "use `with op.batch_alter_table(...)`, which recreates the table",
            )
        self._exec(DropConstraint(const, if_exists=bool(if_exists)))

    def build_exclude_constraint(self, *elements: Any, **kw: Any) -> Constraint:
        """Return an EXCLUDE constraint (PostgreSQL only)."""
        raise self.unsupported(
            "an EXCLUDE constraint", "EXCLUDE constraints exist only on PostgreSQL"
        )

    # --- data --------------------------------------------------------------------------

    def bulk_insert(
        self, table: Table | Any, rows: Sequence[Mapping[str, Any]], multiinsert: bool = True
    ) -> None:
        """Insert rows: executemany online, one INSERT with literal values per row offline."""
        if not rows:
            return
        if self.as_sql:
            for row in rows:
                unknown = [k for k in row if k not in table.c]
                if unknown:
                    raise OperationError(
                        f"bulk_insert into {table.name!r}: no column {unknown[0]!r} in the table",
                        f"the table given has: {', '.join(c.name for c in table.c)}",
                    )
                values = {k: literal(v, table.c[k].type) for k, v in row.items()}
                stmt = table.insert().values(**values)
                sql = stmt.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True})
                self._exec(ddl.RawStatement(str(sql).replace("\t", "    ").strip()))
            return
        if multiinsert:
            self._exec(table.insert(), multiparams=list(rows))
        else:
            for row in rows:
                self._exec(table.insert(), params=row)

    # --- batch -------------------------------------------------------------------------

    def add_column_needs_rebuild(self, column: Column[Any]) -> bool:
        """Return True when ``ADD COLUMN`` cannot add this column in place."""
        return False

    def drop_column_needs_rebuild(
        self, table_name: str, column_name: str, schema: str | None = None
    ) -> bool:
        """Return True when ``DROP COLUMN`` cannot drop this column in place."""
        return False

    def run_table_move(
        self, move: Callable[[], None], autocommit_block: Callable[[], AbstractContextManager[Any]]
    ) -> None:
        """Run a batch-mode copy-and-move (``move``); databases may need guards around it."""
        move()

    def requires_recreate_in_batch(self, ops_kinds: Iterable[str]) -> bool:
        """Return True when batch mode ``recreate="auto"`` must copy the table."""
        return self.batch_recreates_by_default
