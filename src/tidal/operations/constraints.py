"""Constraint operations: primary key, unique, foreign key, check, exclude; drop.

Where the database cannot ``ALTER TABLE ... ADD/DROP CONSTRAINT``, the
operation runs as a table rebuild online and says so in the log; offline it fails
before anything is written, pointing at batch mode with ``copy_from``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.schema import Constraint
from sqlalchemy.sql.elements import ClauseElement

from tidal.errors import OperationError
from tidal.operations.core import MigrateOperation, OperationsCore

__all__ = [
    "AddConstraintOp",
    "ConstraintOperations",
    "CreateCheckConstraintOp",
    "CreateExcludeConstraintOp",
    "CreateForeignKeyOp",
    "CreatePrimaryKeyOp",
    "CreateUniqueConstraintOp",
    "DropConstraintOp",
]

log = logging.getLogger("tidal.operations")


def _run_constraint_op(operations: OperationsCore, op: Any, action: str) -> None:
    impl = operations.impl
    if impl.supports_alter_constraints:
        if action == "add":
            impl.add_constraint(op.to_constraint(operations))
        else:
            impl.drop_constraint(op.to_constraint(operations), if_exists=op.if_exists)
        return
    if impl.as_sql:
        raise OperationError(
            f"{op.describe()}: {impl.dialect.name} cannot ALTER constraints, and --sql cannot "
            "read the table to recreate it",
            "use `with op.batch_alter_table(name, copy_from=Table(...))` for --sql",
        )
    from tidal.operations.batch import rebuild_table

    log.info(
        "%s cannot ALTER constraints; recreating table %s (batch mode) to %s",
        impl.dialect.name,
        op.table_name,
        op.describe(),
    )
    rebuild_table(operations, op.table_name, op.schema, [op])


class AddConstraintOp(MigrateOperation):
    """Base of the operations that add one constraint."""

    table_name: str
    schema: str | None
    constraint_name: str | None

    def to_constraint(self, operations: OperationsCore | None = None) -> Constraint:
        """Return the constraint this op adds, on a stub table."""
        raise NotImplementedError

    def forward(self, operations: OperationsCore) -> None:
        _run_constraint_op(operations, self, "add")

    #: The name the database will give the constraint when ``constraint_name`` is None
    #: (autogenerate sets it where the dialect knows it), for the drop that reverses this.
    default_name: str | None = None
    #: With ``default_name``: the naming convention under which batch mode finds the
    #: reflected constraint by that name (where the drop rebuilds the table).
    default_name_convention: dict[str, str] | None = None

    def reverse(self) -> DropConstraintOp:
        drop = DropConstraintOp(
            self.constraint_name if self.constraint_name is not None else self.default_name,
            self.table_name,
            type_=self.constraint_type,
            schema=self.schema,
            _reverse=self,
        )
        if self.constraint_name is None and self.default_name_convention:
            drop.info["naming_convention"] = dict(self.default_name_convention)
        return drop

    constraint_type: str | None = None

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> AddConstraintOp:
        """Return the op adding ``constraint`` (of any kind) to its table."""
        return _from_constraint(constraint)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return (
            "add_constraint" if self.constraint_type != "foreignkey" else "add_fk",
            self.to_constraint(),
        )

    def describe(self) -> str:
        return f"add {self.constraint_type} constraint {self.constraint_name} on {self.table_name}"


def _objs(operations: OperationsCore | None) -> Any:
    from tidal.operations.schemaobj import SchemaObjects

    return operations.schema_obj if operations is not None else SchemaObjects()


class _ColumnListConstraintOp(AddConstraintOp):
    """A constraint over a list of the table's columns (primary key, unique)."""

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.columns = list(columns)
        self.schema = schema
        self.kw = kw


class CreatePrimaryKeyOp(_ColumnListConstraintOp):
    """Add a primary key."""

    constraint_type = "primary"

    def to_constraint(self, operations: OperationsCore | None = None) -> Constraint:
        return _objs(operations).primary_key(  # type: ignore[no-any-return]
            self.constraint_name, self.table_name, self.columns, self.schema
        )


class CreateUniqueConstraintOp(_ColumnListConstraintOp):
    """Add a unique constraint."""

    constraint_type = "unique"

    def to_constraint(self, operations: OperationsCore | None = None) -> Constraint:
        return _objs(operations).unique(  # type: ignore[no-any-return]
            self.constraint_name, self.table_name, self.columns, self.schema, **self.kw
        )


class CreateForeignKeyOp(AddConstraintOp):
    """Add a foreign key."""

    constraint_type = "foreignkey"

    def __init__(
        self,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: Sequence[str],
        remote_cols: Sequence[str],
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.source_table = self.table_name = source_table
        self.referent_table = referent_table
        self.local_cols = list(local_cols)
        self.remote_cols = list(remote_cols)
        self.schema = kw.get("source_schema")
        self.kw = kw

    def to_constraint(self, operations: OperationsCore | None = None) -> Constraint:
        kw = {k: v for k, v in self.kw.items() if v is not None}
        return _objs(operations).foreign_key(  # type: ignore[no-any-return]
            self.constraint_name,
            self.source_table,
            self.referent_table,
            self.local_cols,
            self.remote_cols,
            **kw,
        )


class CreateCheckConstraintOp(AddConstraintOp):
    """Add a check constraint."""

    constraint_type = "check"

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        condition: str | ClauseElement,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.condition = condition
        self.schema = schema
        self.kw = kw

    def to_constraint(self, operations: OperationsCore | None = None) -> Constraint:
        return _objs(operations).check(  # type: ignore[no-any-return]
            self.constraint_name, self.table_name, self.condition, self.schema, **self.kw
        )


class CreateExcludeConstraintOp(AddConstraintOp):
    """Add an ``EXCLUDE`` constraint (where the database has them)."""

    constraint_type = None

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        elements: Sequence[Any],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.elements = list(elements)
        self.schema = schema
        self.kw = kw

    def forward(self, operations: OperationsCore) -> None:
        const = self.to_constraint(operations)
        operations.impl.add_constraint(const)

    def to_constraint(self, operations: OperationsCore | None = None) -> Constraint:
        if operations is None:
            raise OperationError("an EXCLUDE constraint needs the database's dialect")
        from sqlalchemy import Column, text
        from sqlalchemy.types import NULLTYPE

        kw = dict(self.kw)
        where = kw.pop("where", None)
        if isinstance(where, str):
            where = text(where)
        const = operations.impl.build_exclude_constraint(
            *self.elements, name=self.constraint_name, where=where, **kw
        )
        names = [e[0] for e in self.elements if isinstance(e[0], str)]
        cols = [Column(n, NULLTYPE) for n in names]
        operations.schema_obj.table(self.table_name, *cols, const, schema=self.schema)
        return const


def _from_constraint(const: Constraint) -> AddConstraintOp:
    from sqlalchemy import (
        CheckConstraint,
        ForeignKeyConstraint,
        PrimaryKeyConstraint,
        UniqueConstraint,
    )

    table = const.table
    name = str(const.name) if const.name else None
    op: AddConstraintOp
    if isinstance(const, ForeignKeyConstraint):
        first = const.elements[0]
        *ref_schema, ref_table, _ = first.target_fullname.split(".")
        op = CreateForeignKeyOp(
            name,
            table.name,
            ref_table,
            list(const.column_keys),
            [e.target_fullname.split(".")[-1] for e in const.elements],
            onupdate=const.onupdate,
            ondelete=const.ondelete,
            deferrable=const.deferrable,
            initially=const.initially,
            match=const.match,
            source_schema=table.schema,
            referent_schema=".".join(ref_schema) or None,
        )
    elif isinstance(const, PrimaryKeyConstraint):
        op = CreatePrimaryKeyOp(
            name, table.name, [c.name for c in const.columns], schema=table.schema
        )
    elif isinstance(const, UniqueConstraint):
        op = CreateUniqueConstraintOp(
            name, table.name, [c.name for c in const.columns], schema=table.schema
        )
    elif isinstance(const, CheckConstraint):
        op = CreateCheckConstraintOp(name, table.name, const.sqltext, schema=table.schema)
    else:
        raise OperationError(f"no operation adds a {type(const).__name__}")
    return op


class DropConstraintOp(MigrateOperation):
    """Drop a constraint by name (``type_`` is needed by some databases and by batch mode)."""

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        *,
        type_: str | None = None,
        schema: str | None = None,
        _reverse: AddConstraintOp | None = None,
        if_exists: bool | None = None,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.constraint_type = type_
        self.schema = schema
        self._reverse = _reverse
        self.if_exists = if_exists

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> DropConstraintOp:
        """Return the op dropping ``constraint`` (reversible)."""
        add = _from_constraint(constraint)
        return cls(
            add.constraint_name,
            add.table_name,
            type_=add.constraint_type,
            schema=add.schema,
            _reverse=add,
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        if self._reverse is None:
            return ("remove_constraint", self.constraint_name)
        kind = "remove_fk" if self.constraint_type == "foreignkey" else "remove_constraint"
        return (kind, self._reverse.to_constraint())

    def to_constraint(self, operations: OperationsCore | None = None) -> Constraint:
        """Return a stand-in constraint of the right kind, for the DROP statement."""
        if not self.constraint_name:
            raise OperationError(
                f"drop_constraint on {self.table_name!r} needs the constraint's name",
                "pass the name the database gave it (see the schema, or a naming convention)",
            )
        if self.constraint_type not in (None, "foreignkey", "primary", "unique", "check"):
            raise OperationError(
                f"drop_constraint type_={self.constraint_type!r} is not a constraint type",
                "use type_='foreignkey', 'primary', 'unique' or 'check'",
            )
        return _objs(operations).generic_constraint(  # type: ignore[no-any-return]
            self.constraint_name, self.table_name, self.constraint_type, self.schema
        )

    def forward(self, operations: OperationsCore) -> None:
        self.to_constraint(operations)  # validate before anything runs
        _run_constraint_op(operations, self, "drop")

    def reverse(self) -> AddConstraintOp:
        if self._reverse is None:
            from tidal.errors import IrreversibleOperationError

            raise IrreversibleOperationError(
                f"drop_constraint({self.constraint_name!r}) cannot be reversed",
                "the dropped constraint's definition is unknown; write its create_* by hand",
            )
        return self._reverse

    def describe(self) -> str:
        return f"drop constraint {self.constraint_name} on {self.table_name}"


class ConstraintOperations(OperationsCore):
    """The ``op.*`` methods for constraints."""

    def create_primary_key(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: list[str],
        *,
        schema: str | None = None,
    ) -> None:
        """Add a primary key."""
        self.invoke(CreatePrimaryKeyOp(constraint_name, table_name, columns, schema=schema))

    def create_unique_constraint(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> Any:
        """Add a unique constraint."""
        return self.invoke(
            CreateUniqueConstraintOp(constraint_name, table_name, columns, schema=schema, **kw)
        )

    def create_foreign_key(  # noqa: PLR0913 - Alembic's signature
        self,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        """Add a foreign key."""
        self.invoke(
            CreateForeignKeyOp(
                constraint_name,
                source_table,
                referent_table,
                local_cols,
                remote_cols,
                onupdate=onupdate,
                ondelete=ondelete,
                deferrable=deferrable,
                initially=initially,
                match=match,
                source_schema=source_schema,
                referent_schema=referent_schema,
                **dialect_kw,
            )
        )

    def create_check_constraint(
        self,
        constraint_name: str | None,
        table_name: str,
        condition: str | ClauseElement,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Add a check constraint."""
        self.invoke(
            CreateCheckConstraintOp(constraint_name, table_name, condition, schema=schema, **kw)
        )

    def create_exclude_constraint(
        self, constraint_name: str, table_name: str, *elements: Any, **kw: Any
    ) -> None:
        """Add an ``EXCLUDE`` constraint (where the database has them)."""
        schema = kw.pop("schema", None)
        self.invoke(
            CreateExcludeConstraintOp(constraint_name, table_name, elements, schema=schema, **kw)
        )

    def drop_constraint(
        self,
        constraint_name: str,
        table_name: str,
        type_: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
    ) -> None:
        """Drop a constraint."""
        self.invoke(
            DropConstraintOp(
                constraint_name, table_name, type_=type_, schema=schema, if_exists=if_exists
            )
        )
