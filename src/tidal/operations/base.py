"""``Operations`` (what ``op`` forwards to) and ``BatchOperations`` (``batch_op``).

Each method builds one Op object and runs it through :meth:`OperationsCore.invoke`;
the per-concern methods live in the mixins of ``tables``, ``columns``, ``constraints``,
``indexes`` and ``data``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from tidal.operations import columns as _columns
from tidal.operations.batch import BatchRunner
from tidal.operations.columns import AddColumnOp, AlterColumnOp, ColumnOperations, DropColumnOp
from tidal.operations.constraints import (
    ConstraintOperations,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreatePrimaryKeyOp,
    CreateUniqueConstraintOp,
    DropConstraintOp,
)
from tidal.operations.core import MigrateOperation, OperationsCore
from tidal.operations.data import DataOperations, ExecuteSQLOp
from tidal.operations.indexes import CreateIndexOp, DropIndexOp, IndexOperations
from tidal.operations.tables import CreateTableCommentOp, DropTableCommentOp, TableOperations

__all__ = ["BatchOperations", "Operations"]


class Operations(
    TableOperations, ColumnOperations, ConstraintOperations, IndexOperations, DataOperations
):
    """Every ``op.*`` a migration script calls."""

    @contextmanager
    def batch_alter_table(  # noqa: PLR0913 - Alembic's keywords
        self,
        table_name: str,
        schema: str | None = None,
        recreate: str = "auto",
        partial_reordering: Sequence[Sequence[str]] | None = None,
        copy_from: Table | None = None,
        table_args: Sequence[Any] = (),
        table_kwargs: Mapping[str, Any] | None = None,
        reflect_args: Sequence[Any] = (),
        reflect_kwargs: Mapping[str, Any] | None = None,
        naming_convention: Mapping[str, Any] | None = None,
    ) -> Iterator[BatchOperations]:
        """Alter a table in one batch, copying it where the database cannot ALTER."""
        runner = BatchRunner(
            self,
            table_name,
            schema,
            recreate,
            copy_from,
            table_args,
            table_kwargs,
            reflect_args,
            reflect_kwargs,
            naming_convention,
            partial_reordering,
        )
        batch_op = BatchOperations(self.migration_context, runner)
        yield batch_op
        runner.flush()


class BatchOperations(OperationsCore):
    """The ``batch_op.*`` methods: like ``op.*`` without the table name."""

    _kind = "batch"

    def __init__(self, migration_context: Any, runner: BatchRunner) -> None:
        super().__init__(migration_context, runner.operations.impl)
        self.runner = runner
        self.table_name = runner.table_name
        self.schema = runner.schema

    def invoke(self, operation: MigrateOperation) -> Any:
        """Queue ``operation`` in the batch."""
        self.runner.add(operation)

    def add_column(
        self,
        column: Column[Any],
        *,
        insert_before: str | None = None,
        insert_after: str | None = None,
        if_not_exists: bool | None = None,
    ) -> None:
        """Add a column (optionally placed before/after another, when recreating)."""
        op = AddColumnOp(self.table_name, column, schema=self.schema, if_not_exists=if_not_exists)
        self.runner.add(op, insert_before=insert_before, insert_after=insert_after)

    def drop_column(self, column_name: str, *, if_exists: bool | None = None, **kw: Any) -> None:
        """Drop a column."""
        self.runner.add(
            DropColumnOp(self.table_name, column_name, schema=self.schema, if_exists=if_exists)
        )

    def alter_column(  # noqa: PLR0913 - Alembic's signature
        self,
        column_name: str,
        *,
        nullable: bool | None = None,
        comment: str | None | bool = False,
        server_default: Any = False,
        new_column_name: str | None = None,
        type_: TypeEngine[Any] | type[TypeEngine[Any]] | None = None,
        existing_type: TypeEngine[Any] | type[TypeEngine[Any]] | None = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        insert_before: str | None = None,
        insert_after: str | None = None,
        **kw: Any,
    ) -> None:
        """Alter a column."""
        op = AlterColumnOp(
            self.table_name,
            column_name,
            schema=self.schema,
            existing_type=_columns._type(existing_type),
            existing_server_default=existing_server_default,
            existing_nullable=existing_nullable,
            existing_comment=existing_comment,
            modify_nullable=nullable,
            modify_comment=comment,
            modify_server_default=server_default,
            modify_name=new_column_name,
            modify_type=_columns._type(type_),
            **kw,
        )
        self.runner.add(op, insert_before=insert_before, insert_after=insert_after)

    def create_index(
        self, index_name: str | None, columns: Sequence[str | ClauseElement], **kw: Any
    ) -> None:
        """Create an index."""
        self.runner.add(
            CreateIndexOp(index_name, self.table_name, columns, schema=self.schema, **kw)
        )

    def drop_index(self, index_name: str, **kw: Any) -> None:
        """Drop an index."""
        self.runner.add(DropIndexOp(index_name, self.table_name, schema=self.schema, **kw))

    def create_primary_key(self, constraint_name: str | None, columns: list[str]) -> None:
        """Add a primary key."""
        self.runner.add(
            CreatePrimaryKeyOp(constraint_name, self.table_name, columns, schema=self.schema)
        )

    def create_unique_constraint(
        self, constraint_name: str | None, columns: Sequence[str], **kw: Any
    ) -> None:
        """Add a unique constraint."""
        self.runner.add(
            CreateUniqueConstraintOp(
                constraint_name, self.table_name, columns, schema=self.schema, **kw
            )
        )

    def create_foreign_key(
        self,
        constraint_name: str | None,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        referent_schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Add a foreign key from this table."""
        self.runner.add(
            CreateForeignKeyOp(
                constraint_name,
                self.table_name,
                referent_table,
                local_cols,
                remote_cols,
                source_schema=self.schema,
                referent_schema=referent_schema,
                **kw,
            )
        )

    def create_check_constraint(
        self, constraint_name: str | None, condition: str | ClauseElement, **kw: Any
    ) -> None:
        """Add a check constraint."""
        self.runner.add(
            CreateCheckConstraintOp(
                constraint_name, self.table_name, condition, schema=self.schema, **kw
            )
        )

    def drop_constraint(self, constraint_name: str, type_: str | None = None) -> None:
        """Drop a constraint."""
        self.runner.add(
            DropConstraintOp(constraint_name, self.table_name, type_=type_, schema=self.schema)
        )

    def create_table_comment(
        self, comment: str | None, *, existing_comment: str | None = None
    ) -> None:
        """Set the table's comment."""
        self.runner.add(
            CreateTableCommentOp(
                self.table_name, comment, existing_comment=existing_comment, schema=self.schema
            )
        )

    def drop_table_comment(self, *, existing_comment: str | None = None) -> None:
        """Remove the table's comment."""
        self.runner.add(
            DropTableCommentOp(
                self.table_name, existing_comment=existing_comment, schema=self.schema
            )
        )

    def execute(
        self,
        sqltext: str | ClauseElement,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> None:
        """Run SQL in order with the batch's other operations."""
        self.runner.add(ExecuteSQLOp(sqltext, execution_options=execution_options))
