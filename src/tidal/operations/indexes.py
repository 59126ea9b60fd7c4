"""Index operations: create and drop.

An index the database cannot build inside a transaction (a concurrent
build, for one) runs inside the context's ``autocommit_block()``
automatically, so scripts need not write it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Index
from sqlalchemy.sql.elements import ClauseElement

from tidal.operations.core import MigrateOperation, OperationsCore

__all__ = ["CreateIndexOp", "DropIndexOp", "IndexOperations"]


def _in_autocommit(operations: OperationsCore) -> bool:
    # Already inside a (user-written) autocommit_block: do not nest another.
    bind = operations.migration_context.bind
    if bind is None:
        return bool(getattr(operations.migration_context, "in_autocommit_block", False))
    return bool(bind.get_execution_options().get("isolation_level") == "AUTOCOMMIT")


def _run(operations: OperationsCore, index: Index, action: Any) -> None:
    if operations.impl.index_needs_autocommit(index) and not _in_autocommit(operations):
        with operations.migration_context.autocommit_block():
            action()
    else:
        action()


class CreateIndexOp(MigrateOperation):
    """Create an index."""

    def __init__(
        self,
        index_name: str | None,
        table_name: str,
        columns: Sequence[str | ClauseElement],
        *,
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = index_name
        self.table_name = table_name
        self.columns = list(columns)
        self.schema = schema
        self.unique = unique
        self.if_not_exists = if_not_exists
        self.kw = kw

    @classmethod
    def from_index(cls, index: Index) -> CreateIndexOp:
        """Return the op creating ``index`` (which must belong to a table)."""
        table = index.table
        assert table is not None
        op = cls(
            str(index.name) if index.name else None,
            table.name,
            list(index.expressions),
            schema=table.schema,
            unique=bool(index.unique),
            **index.kwargs,
        )
        op._source_index = index
        return op

    _source_index: Index | None = None

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_index", self.to_index())

    def to_index(self, operations: OperationsCore | None = None) -> Index:
        """Return the Index on a stub table."""
        from tidal.operations.schemaobj import SchemaObjects

        if self._source_index is not None:
            return self._source_index
        objs = operations.schema_obj if operations is not None else SchemaObjects()
        return objs.index(
            self.index_name,
            self.table_name,
            self.columns,
            schema=self.schema,
            unique=self.unique,
            **self.kw,
        )

    def forward(self, operations: OperationsCore) -> None:
        index = self.to_index(operations)
        _run(
            operations,
            index,
            lambda: operations.impl.create_index(index, if_not_exists=self.if_not_exists),
        )

    def reverse(self) -> DropIndexOp:
        return DropIndexOp(
            self.index_name or "", self.table_name, schema=self.schema, _reverse=self, **self.kw
        )

    def describe(self) -> str:
        return f"create index {self.index_name} on {self.table_name}"


class DropIndexOp(MigrateOperation):
    """Drop an index."""

    def __init__(
        self,
        index_name: str,
        table_name: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        _reverse: CreateIndexOp | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = index_name
        self.table_name = table_name
        self.schema = schema
        self.if_exists = if_exists
        self._reverse = _reverse
        self.kw = kw

    def to_index(self, operations: OperationsCore | None = None) -> Index:
        """Return the Index on a stub table."""
        from tidal.operations.schemaobj import SchemaObjects

        objs = operations.schema_obj if operations is not None else SchemaObjects()
        columns: list[str | ClauseElement] = (
            list(self._reverse.columns) if self._reverse is not None else ["x"]
        )
        return objs.index(
            self.index_name, self.table_name or "unknown", columns, schema=self.schema, **self.kw
        )

    @classmethod
    def from_index(cls, index: Index) -> DropIndexOp:
        """Return the op dropping ``index`` (reversible)."""
        table = index.table
        assert table is not None
        return cls(
            str(index.name),
            table.name,
            schema=table.schema,
            _reverse=CreateIndexOp.from_index(index),
            **index.kwargs,
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_index", self.to_index())

    def forward(self, operations: OperationsCore) -> None:
        index = self.to_index(operations)
        _run(
            operations,
            index,
            lambda: operations.impl.drop_index(index, if_exists=self.if_exists),
        )

    def reverse(self) -> CreateIndexOp:
        if self._reverse is None:
            from tidal.errors import IrreversibleOperationError

            raise IrreversibleOperationError(
                f"drop_index({self.index_name!r}) cannot be reversed",
                "the index's columns are unknown; write the create_index by hand",
            )
        return self._reverse

    def describe(self) -> str:
        return f"drop index {self.index_name}"


class IndexOperations(OperationsCore):
    """The ``op.*`` methods for indexes."""

    def create_index(
        self,
        index_name: str | None,
        table_name: str,
        columns: Sequence[str | ClauseElement],
        *,
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Create an index (``<dialect>_*`` keywords go to the dialect)."""
        self.invoke(
            CreateIndexOp(
                index_name,
                table_name,
                columns,
                schema=schema,
                unique=unique,
                if_not_exists=if_not_exists,
                **kw,
            )
        )

    def drop_index(
        self,
        index_name: str,
        table_name: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop an index."""
        self.invoke(DropIndexOp(index_name, table_name, schema=schema, if_exists=if_exists, **kw))
