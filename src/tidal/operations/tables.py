"""Table operations: create, drop, rename, and table comments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.schema import SchemaItem

from tidal.operations.core import MigrateOperation, OperationsCore

__all__ = [
    "CreateTableCommentOp",
    "CreateTableOp",
    "DropTableCommentOp",
    "DropTableOp",
    "RenameTableOp",
    "TableOperations",
]


class CreateTableOp(MigrateOperation):
    """Create a table from columns, constraints and indexes."""

    #: The Table this op was made from (``from_table``), copied when run.
    _source_table: Table | None = None

    def __init__(
        self,
        table_name: str,
        columns: Sequence[SchemaItem],
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        _namespace_metadata: Any = None,
        _constraints_included: bool = False,
        **kw: Any,
    ) -> None:
        self.table_name = table_name
        self.columns = list(columns)
        self.schema = schema
        self.if_not_exists = if_not_exists
        self.comment = kw.pop("comment", None)
        self.prefixes = kw.pop("prefixes", None)
        self.info_ = kw.pop("info", None)
        self._namespace_metadata = _namespace_metadata
        self._constraints_included = _constraints_included
        self.kw = kw

    @classmethod
    def from_table(cls, table: Table, **kw: Any) -> CreateTableOp:
        """Return the op that creates ``table`` as it is."""
        items: list[SchemaItem] = [*table.columns, *table.constraints, *table.indexes]
        op = cls(
            table.name,
            items,
            schema=table.schema,
            comment=table.comment,
            _namespace_metadata=table.metadata,
            _constraints_included=True,
            **dict(table.kwargs),
            **kw,
        )
        op._source_table = table
        return op

    def to_table(self, operations: OperationsCore | None = None) -> Table:
        """Return the Table this op creates."""
        from tidal.operations.schemaobj import SchemaObjects

        schema_obj = operations.schema_obj if operations is not None else SchemaObjects()
        source = self._source_table
        if source is not None:
            # The columns already belong to ``source``; work on a copy of it.
            return source.to_metadata(schema_obj.metadata())
        extra: dict[str, Any] = dict(self.kw)
        if self.comment is not None:
            extra["comment"] = self.comment
        if self.prefixes:
            extra["prefixes"] = self.prefixes
        if self.info_:
            extra["info"] = self.info_
        return schema_obj.table(self.table_name, *self.columns, schema=self.schema, **extra)

    def forward(self, operations: OperationsCore) -> Table:
        table = self.to_table(operations)
        operations.impl.create_table(table, if_not_exists=self.if_not_exists)
        return table

    def reverse(self) -> DropTableOp:
        return DropTableOp(self.table_name, schema=self.schema, _reverse=self)

    def describe(self) -> str:
        return f"create table {_qualified(self.table_name, self.schema)}"

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_table", self.to_table())


class DropTableOp(MigrateOperation):
    """Drop a table."""

    def __init__(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        table_kw: dict[str, Any] | None = None,
        _reverse: CreateTableOp | None = None,
        if_exists: bool | None = None,
    ) -> None:
        self.table_name = table_name
        self.schema = schema
        self.table_kw = dict(table_kw or {})
        self._reverse = _reverse
        self.if_exists = if_exists

    @classmethod
    def from_table(cls, table: Table) -> DropTableOp:
        """Return the op that drops ``table`` (and can recreate it)."""
        return cls(table.name, schema=table.schema, _reverse=CreateTableOp.from_table(table))

    def to_table(self, operations: OperationsCore | None = None) -> Table:
        """Return the Table this op drops (with its columns when known)."""
        if self._reverse is not None:
            return self._reverse.to_table(operations)
        from tidal.operations.schemaobj import SchemaObjects

        schema_obj = operations.schema_obj if operations is not None else SchemaObjects()
        return schema_obj.table(self.table_name, schema=self.schema, **self.table_kw)

    def forward(self, operations: OperationsCore) -> None:
        operations.impl.drop_table(self.to_table(operations), if_exists=self.if_exists)

    def reverse(self) -> CreateTableOp:
        if self._reverse is not None:
            return self._reverse
        return CreateTableOp(self.table_name, [], schema=self.schema, **self.table_kw)

    def describe(self) -> str:
        return f"drop table {_qualified(self.table_name, self.schema)}"

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_table", self.to_table())


class RenameTableOp(MigrateOperation):
    """Rename a table."""

    def __init__(
        self, old_table_name: str, new_table_name: str, *, schema: str | None = None
    ) -> None:
        self.table_name = old_table_name
        self.new_table_name = new_table_name
        self.schema = schema

    def forward(self, operations: OperationsCore) -> None:
        operations.impl.rename_table(self.table_name, self.new_table_name, self.schema)

    def reverse(self) -> RenameTableOp:
        return RenameTableOp(self.new_table_name, self.table_name, schema=self.schema)

    def describe(self) -> str:
        return f"rename table {_qualified(self.table_name, self.schema)} to {self.new_table_name}"


class CreateTableCommentOp(MigrateOperation):
    """Set a table's comment."""

    def __init__(
        self,
        table_name: str,
        comment: str | None,
        *,
        schema: str | None = None,
        existing_comment: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.comment = comment
        self.existing_comment = existing_comment
        self.schema = schema

    def forward(self, operations: OperationsCore) -> None:
        table = operations.schema_obj.table(
            self.table_name, schema=self.schema, comment=self.comment
        )
        _comment_or_skip(operations, lambda: operations.impl.create_table_comment(table))

    def reverse(self) -> MigrateOperation:
        if self.existing_comment is None:
            return DropTableCommentOp(
                self.table_name, existing_comment=self.comment, schema=self.schema
            )
        return CreateTableCommentOp(
            self.table_name,
            self.existing_comment,
            existing_comment=self.comment,
            schema=self.schema,
        )

    def describe(self) -> str:
        return f"set comment on table {_qualified(self.table_name, self.schema)}"


class DropTableCommentOp(MigrateOperation):
    """Remove a table's comment."""

    def __init__(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        existing_comment: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.existing_comment = existing_comment
        self.schema = schema

    def forward(self, operations: OperationsCore) -> None:
        table = operations.schema_obj.table(self.table_name, schema=self.schema)
        _comment_or_skip(operations, lambda: operations.impl.drop_table_comment(table))

    def reverse(self) -> CreateTableCommentOp:
        return CreateTableCommentOp(self.table_name, self.existing_comment, schema=self.schema)

    def describe(self) -> str:
        return f"drop comment on table {_qualified(self.table_name, self.schema)}"


def _comment_or_skip(operations: OperationsCore, run: Any) -> None:
    # Alembic renders COMMENT ON even where the database keeps no comments; --sql keeps
    # that text, but online we skip what the database would reject.
    if operations.impl.supports_comments or operations.impl.as_sql:
        run()


def _qualified(name: str, schema: str | None) -> str:
    return f"{schema}.{name}" if schema else name


class TableOperations(OperationsCore):
    """The ``op.*`` methods for tables."""

    def create_table(
        self, table_name: str, *columns: SchemaItem, if_not_exists: bool | None = None, **kw: Any
    ) -> Table:
        """Create a table and return it (usable with ``bulk_insert``)."""
        table: Table = self.invoke(
            CreateTableOp(table_name, columns, if_not_exists=if_not_exists, **kw)
        )
        return table

    def drop_table(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop a table."""
        self.invoke(DropTableOp(table_name, schema=schema, table_kw=kw, if_exists=if_exists))

    def rename_table(
        self, old_table_name: str, new_table_name: str, *, schema: str | None = None
    ) -> None:
        """Rename a table."""
        self.invoke(RenameTableOp(old_table_name, new_table_name, schema=schema))

    def create_table_comment(
        self,
        table_name: str,
        comment: str | None,
        *,
        existing_comment: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Set a table's comment."""
        self.invoke(
            CreateTableCommentOp(
                table_name, comment, existing_comment=existing_comment, schema=schema
            )
        )

    def drop_table_comment(
        self,
        table_name: str,
        *,
        existing_comment: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Remove a table's comment."""
        self.invoke(
            DropTableCommentOp(table_name, existing_comment=existing_comment, schema=schema)
        )
