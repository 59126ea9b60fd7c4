"""Data operations: execute SQL, bulk insert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.sql.elements import ClauseElement

from tidal.operations.core import MigrateOperation, OperationsCore

__all__ = ["BulkInsertOp", "DataOperations", "ExecuteSQLOp"]


class ExecuteSQLOp(MigrateOperation):
    """Run a SQL string, ``text()`` or any executable construct."""

    def __init__(
        self,
        sqltext: str | ClauseElement,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.sqltext = sqltext
        self.execution_options = execution_options

    def forward(self, operations: OperationsCore) -> Any:
        return operations.impl.execute(self.sqltext, execution_options=self.execution_options)

    def describe(self) -> str:
        return f"execute {str(self.sqltext)[:40]!r}"


class BulkInsertOp(MigrateOperation):
    """Insert rows into a table (``sa.table()`` or ``Table``)."""

    def __init__(
        self, table: Table | Any, rows: Sequence[Mapping[str, Any]], *, multiinsert: bool = True
    ) -> None:
        self.table = table
        self.rows = list(rows)
        self.multiinsert = multiinsert

    def forward(self, operations: OperationsCore) -> None:
        operations.impl.bulk_insert(self.table, self.rows, multiinsert=self.multiinsert)

    def describe(self) -> str:
        return f"insert {len(self.rows)} rows into {self.table.name}"


class DataOperations(OperationsCore):
    """The ``op.*`` methods for data."""

    def execute(
        self,
        sqltext: str | ClauseElement,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Any:
        """Run SQL: a string, ``text()``, or any SQLAlchemy executable."""
        return self.invoke(ExecuteSQLOp(sqltext, execution_options=execution_options))

    def bulk_insert(
        self,
        table: Table | Any,
        rows: Sequence[Mapping[str, Any]],
        *,
        multiinsert: bool = True,
    ) -> None:
        """Insert rows; offline each row becomes an INSERT with literal values."""
        self.invoke(BulkInsertOp(table, rows, multiinsert=multiinsert))
