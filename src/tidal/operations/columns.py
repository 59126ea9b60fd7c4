"""Column operations: add, drop, alter."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Column
from sqlalchemy.types import TypeEngine

from tidal.operations.core import MigrateOperation, OperationsCore

__all__ = ["AddColumnOp", "AlterColumnOp", "ColumnOperations", "DropColumnOp"]

log = logging.getLogger("tidal.operations")


class AddColumnOp(MigrateOperation):
    """Add a column (with its inline foreign keys, index, unique and comment)."""

    def __init__(
        self,
        table_name: str,
        column: Column[Any],
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.table_name = table_name
        self.column = column
        self.schema = schema
        self.if_not_exists = if_not_exists
        self.kw = kw

    @classmethod
    def from_column(cls, col: Column[Any]) -> AddColumnOp:
        """Return the op adding ``col`` to the table it belongs to."""
        return cls(col.table.name, col, schema=col.table.schema)

    @classmethod
    def from_column_and_tablename(
        cls, schema: str | None, tname: str, col: Column[Any]
    ) -> AddColumnOp:
        """Return the op adding ``col`` to ``schema.tname``."""
        return cls(tname, col, schema=schema)

    def forward(self, operations: OperationsCore) -> None:
        if getattr(self.column, "table", None) is None:
            operations.schema_obj.table(self.table_name, self.column, schema=self.schema)
        impl = operations.impl
        if impl.add_column_needs_rebuild(self.column) and not impl.as_sql:
            from tidal.operations.batch import rebuild_table

            log.info(
                "%s cannot ADD COLUMN %s.%s in place; recreating the table (batch mode)",
                impl.dialect.name,
                self.table_name,
                self.column.name,
            )
            rebuild_table(operations, self.table_name, self.schema, [self])
            return
        operations.impl.add_column(
            self.table_name, self.column, schema=self.schema, if_not_exists=self.if_not_exists
        )

    def reverse(self) -> DropColumnOp:
        return DropColumnOp(self.table_name, self.column.name, schema=self.schema, _reverse=self)

    def describe(self) -> str:
        return f"add column {self.column.name} to {self.table_name}"

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_column", self.schema, self.table_name, self.column)


class DropColumnOp(MigrateOperation):
    """Drop a column."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        _reverse: AddColumnOp | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.table_name = table_name
        self.column_name = column_name
        self.schema = schema
        self._reverse = _reverse
        self.if_exists = if_exists
        self.kw = kw

    @classmethod
    def from_column_and_tablename(
        cls, schema: str | None, tname: str, col: Column[Any]
    ) -> DropColumnOp:
        """Return the op dropping ``col`` (reversible: it knows the column)."""
        return cls(
            tname,
            col.name,
            schema=schema,
            _reverse=AddColumnOp.from_column_and_tablename(schema, tname, col),
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        column = self._reverse.column if self._reverse is not None else None
        return ("remove_column", self.schema, self.table_name, column)

    def forward(self, operations: OperationsCore) -> None:
        impl = operations.impl
        if impl.drop_column_needs_rebuild(self.table_name, self.column_name, self.schema):
            from tidal.operations.batch import rebuild_table

            log.info(
                "%s cannot DROP COLUMN %s.%s in place (it is keyed or indexed); "
                "recreating the table (batch mode)",
                impl.dialect.name,
                self.table_name,
                self.column_name,
            )
            rebuild_table(operations, self.table_name, self.schema, [self])
            return
        impl.drop_column(
            self.table_name, self.column_name, schema=self.schema, if_exists=self.if_exists
        )

    def reverse(self) -> AddColumnOp:
        from tidal.errors import IrreversibleOperationError

        if self._reverse is None:
            raise IrreversibleOperationError(
                f"drop_column({self.table_name!r}, {self.column_name!r}) cannot be reversed",
                "the dropped column's definition is unknown; write the add_column by hand",
            )
        return AddColumnOp(self.table_name, self._reverse.column, schema=self.schema)

    def describe(self) -> str:
        return f"drop column {self.column_name} from {self.table_name}"


class AlterColumnOp(MigrateOperation):
    """Alter a column's nullability, default, type, comment or name."""

    diff_is_list = True

    def __init__(  # noqa: PLR0913 - Alembic's signature
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        existing_type: TypeEngine[Any] | None = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        modify_nullable: bool | None = None,
        modify_comment: str | None | bool = False,
        modify_server_default: Any = False,
        modify_name: str | None = None,
        modify_type: TypeEngine[Any] | None = None,
        **kw: Any,
    ) -> None:
        self.table_name = table_name
        self.column_name = column_name
        self.schema = schema
        self.existing_type = existing_type
        self.existing_server_default = existing_server_default
        self.existing_nullable = existing_nullable
        self.existing_comment = existing_comment
        self.modify_nullable = modify_nullable
        self.modify_comment = modify_comment
        self.modify_server_default = modify_server_default
        self.modify_name = modify_name
        self.modify_type = modify_type
        self.kw = kw

    def needs_rebuild(self, operations: OperationsCore) -> bool:
        """Return True when the database cannot ALTER what this op changes."""
        if operations.impl.supports_alter_column:
            return False
        return (
            self.modify_nullable is not None
            or self.modify_type is not None
            or self.modify_server_default is not False
        )

    def impl_kwargs(self) -> dict[str, Any]:
        """Return the keywords for ``impl.alter_column``."""
        return {
            "nullable": self.modify_nullable,
            "server_default": self.modify_server_default,
            "name": self.modify_name,
            "type_": self.modify_type,
            "schema": self.schema,
            "comment": self.modify_comment,
            "existing_type": self.existing_type,
            "existing_server_default": (
                None if self.existing_server_default is False else self.existing_server_default
            ),
            "existing_nullable": self.existing_nullable,
            "existing_comment": self.existing_comment,
            **self.kw,
        }

    def forward(self, operations: OperationsCore) -> None:
        if self.needs_rebuild(operations) and not operations.impl.as_sql:
            from tidal.operations.batch import rebuild_table

            log.info(
                "%s cannot ALTER column %s.%s; recreating the table (batch mode)",
                operations.impl.dialect.name,
                self.table_name,
                self.column_name,
            )
            rebuild_table(operations, self.table_name, self.schema, [self])
            return
        if self.needs_rebuild(operations):
            # Alembic's --sql text, kept for compatibility; the database cannot run it.
            log.warning(
                "%s cannot run ALTER COLUMN on %s.%s; the --sql script will fail there: "
                "use batch_alter_table(..., copy_from=...) instead",
                operations.impl.dialect.name,
                self.table_name,
                self.column_name,
            )
        operations.impl.alter_column(self.table_name, self.column_name, **self.impl_kwargs())

    def reverse(self) -> AlterColumnOp:
        kw: dict[str, Any] = {
            "schema": self.schema,
            "existing_type": self.modify_type or self.existing_type,
            "existing_nullable": (
                self.modify_nullable if self.modify_nullable is not None else self.existing_nullable
            ),
            "existing_server_default": (
                self.modify_server_default
                if self.modify_server_default is not False
                else self.existing_server_default
            ),
            "existing_comment": (
                self.modify_comment if self.modify_comment is not False else self.existing_comment
            ),
        }
        if self.modify_type is not None:
            kw["modify_type"] = self.existing_type
        if self.modify_nullable is not None:
            kw["modify_nullable"] = self.existing_nullable
        if self.modify_server_default is not False:
            kw["modify_server_default"] = (
                None if self.existing_server_default is False else self.existing_server_default
            )
        if self.modify_comment is not False:
            kw["modify_comment"] = self.existing_comment
        name = self.modify_name or self.column_name
        if self.modify_name is not None:
            kw["modify_name"] = self.column_name
        return AlterColumnOp(self.table_name, name, **kw)

    def describe(self) -> str:
        return f"alter column {self.column_name} of {self.table_name}"

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """Return Alembic's list of ``modify_*`` diffs (as a tuple)."""
        where = (self.schema, self.table_name, self.column_name)
        existing = {
            "existing_nullable": self.existing_nullable,
            "existing_server_default": self.existing_server_default or None,
            "existing_comment": self.existing_comment,
            "existing_type": self.existing_type,
        }

        def ctx(*drop: str) -> dict[str, Any]:
            return {k: v for k, v in existing.items() if k not in drop}

        diffs: list[tuple[Any, ...]] = []
        if self.modify_type is not None:
            diffs.append(
                ("modify_type", *where, ctx("existing_type"), self.existing_type, self.modify_type)
            )
        if self.modify_nullable is not None:
            diffs.append(
                (
                    "modify_nullable",
                    *where,
                    ctx("existing_nullable"),
                    self.existing_nullable,
                    self.modify_nullable,
                )
            )
        if self.modify_server_default is not False:
            diffs.append(
                (
                    "modify_default",
                    *where,
                    ctx("existing_server_default"),
                    self.existing_server_default or None,
                    self.modify_server_default,
                )
            )
        if self.modify_comment is not False:
            diffs.append(
                (
                    "modify_comment",
                    *where,
                    ctx("existing_comment"),
                    self.existing_comment,
                    self.modify_comment,
                )
            )
        return tuple(diffs)


class ColumnOperations(OperationsCore):
    """The ``op.*`` methods for columns."""

    def add_column(
        self,
        table_name: str,
        column: Column[Any],
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
    ) -> None:
        """Add a column to a table."""
        self.invoke(AddColumnOp(table_name, column, schema=schema, if_not_exists=if_not_exists))

    def drop_column(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop a column from a table."""
        self.invoke(DropColumnOp(table_name, column_name, schema=schema, if_exists=if_exists, **kw))

    def alter_column(  # noqa: PLR0913 - Alembic's signature
        self,
        table_name: str,
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
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Alter a column (see Alembic's ``op.alter_column`` for each keyword)."""
        self.invoke(
            AlterColumnOp(
                table_name,
                column_name,
                schema=schema,
                existing_type=_type(existing_type),
                existing_server_default=existing_server_default,
                existing_nullable=existing_nullable,
                existing_comment=existing_comment,
                modify_nullable=nullable,
                modify_comment=comment,
                modify_server_default=server_default,
                modify_name=new_column_name,
                modify_type=_type(type_),
                **kw,
            )
        )


def _type(type_: TypeEngine[Any] | type[TypeEngine[Any]] | None) -> TypeEngine[Any] | None:
    """Return an instance for a type class (``sa.Integer`` as well as ``sa.Integer()``)."""
    if isinstance(type_, type):
        return type_()
    return type_
