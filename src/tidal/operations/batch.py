"""Batch mode: ``with op.batch_alter_table(name) as batch_op:``.

The batch collects its operations and, when the block ends (or before a
``batch_op.execute(...)``, which must run in order), either runs them as plain ALTERs
or, when the database cannot ALTER them or ``recreate="always"``, moves the
table: ``CREATE TABLE _alembic_tmp_<name>``, ``INSERT ... SELECT``, ``DROP TABLE``,
``ALTER TABLE ... RENAME``, then the indexes. The names and the order of statements are
Alembic's, so ``--sql`` output matches.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, MetaData, Table, cast, insert, select
from sqlalchemy import table as light_table
from sqlalchemy.exc import NoSuchTableError
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable

from tidal.dialects import ddl
from tidal.errors import OperationError
from tidal.operations.batch_model import ColumnPlan, TableModel
from tidal.operations.columns import AddColumnOp, AlterColumnOp, DropColumnOp
from tidal.operations.constraints import AddConstraintOp, DropConstraintOp
from tidal.operations.core import MigrateOperation, OperationsCore
from tidal.operations.data import ExecuteSQLOp
from tidal.operations.indexes import CreateIndexOp, DropIndexOp
from tidal.operations.tables import CreateTableCommentOp, DropTableCommentOp

__all__ = ["BatchRunner", "rebuild_table"]

log = logging.getLogger("tidal.operations")

_PLAIN_KINDS = (CreateIndexOp, DropIndexOp)


class BatchRunner:
    """Collect one batch's operations and carry them out.

    Args:
        operations: The enclosing ``Operations``.
        table_name: The table the batch alters.
        schema: Its schema.
        recreate: ``"auto"``, ``"always"`` or ``"never"``.
        copy_from: A Table to use instead of reflecting (needed for ``--sql``).
    """

    def __init__(  # noqa: PLR0913 - batch_alter_table's keywords
        self,
        operations: OperationsCore,
        table_name: str,
        schema: str | None = None,
        recreate: str = "auto",
        copy_from: Table | None = None,
        table_args: Sequence[Any] = (),
        table_kwargs: Mapping[str, Any] | None = None,
        reflect_args: Sequence[Any] = (),
        reflect_kwargs: Mapping[str, Any] | None = None,
        naming_convention: Mapping[str, Any] | None = None,
        partial_reordering: Sequence[Sequence[str]] | None = None,
    ) -> None:
        if recreate not in ("auto", "always", "never"):
            raise OperationError(
                f"batch_alter_table recreate={recreate!r} is not valid",
                "use recreate='auto', 'always' or 'never'",
            )
        self.operations = operations
        self.table_name = table_name
        self.schema = schema
        self.recreate = recreate
        self.copy_from = copy_from
        self.table_args = list(table_args)
        self.table_kwargs = dict(table_kwargs or {})
        self.reflect_args = list(reflect_args)
        self.reflect_kwargs = dict(reflect_kwargs or {})
        self.naming_convention = dict(naming_convention or {})
        self.partial_reordering = [list(p) for p in partial_reordering or []]
        self.pending: list[tuple[MigrateOperation, dict[str, Any]]] = []
        self._model: TableModel | None = None

    # --- collecting --------------------------------------------------------------------

    def add(self, op: MigrateOperation, **placement: Any) -> None:
        """Queue an operation; ``batch_op.execute`` flushes what came before it."""
        if isinstance(op, ExecuteSQLOp):
            self.flush()
            self.operations.invoke(op)
            return
        self.pending.append((op, {k: v for k, v in placement.items() if v is not None}))

    def flush(self) -> None:
        """Carry out the queued operations."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        if self._must_recreate(pending):
            self._recreate(pending)
            return
        for op, placement in pending:  # check everything before anything runs
            if placement:
                raise OperationError(
                    "insert_before/insert_after need the table recreated",
                    "pass recreate='always' to batch_alter_table",
                )
            if isinstance(op, AlterColumnOp):
                kw = op.impl_kwargs()
                self.operations.impl.check_alter_column(op.table_name, op.column_name, **kw)
        for op, _ in pending:
            self.operations.invoke(op)

    def _must_recreate(self, pending: Sequence[tuple[MigrateOperation, Any]]) -> bool:
        if self.recreate == "always":
            return True
        if self.recreate == "never":
            return False
        if not self.operations.impl.batch_recreates_by_default:
            return False
        for op, _ in pending:
            if isinstance(op, AddColumnOp):
                column = op.column
                if column.foreign_keys or self.operations.impl.add_column_needs_rebuild(column):
                    return True
            elif not isinstance(op, _PLAIN_KINDS):
                return True
        return False

    # --- recreating --------------------------------------------------------------------

    def _load(self) -> TableModel:
        if self._model is not None:
            return self._model
        impl = self.operations.impl
        if self.copy_from is not None:
            # Read copy_from as it is (the model copies what it keeps); to_metadata()
            # would renumber the constraints in set order and shuffle the DDL.
            table = self.copy_from
            if self.naming_convention:
                table = table.to_metadata(self._metadata())
        elif impl.connection is None:
            raise OperationError(
                f"batch mode on {impl.dialect.name} must read table {self.table_name!r}, "
                "which --sql cannot do",
                "pass the complete table as batch_alter_table(..., copy_from=sa.Table(...))",
            )
        else:
            table = self._reflect(impl.connection)
        model = TableModel.from_table(table)
        for arg in self.table_args:
            if isinstance(arg, Column):
                # A column in table_args states the column's full definition.
                source = arg.name if arg.name in model.columns else None
                model.columns[arg.name] = ColumnPlan(arg._copy(), source)
            else:
                _add_constraint(model, arg)
        model.kwargs.update(self.table_kwargs)
        return model

    def _reflect(self, connection: Any) -> Table:
        try:
            return Table(
                self.table_name,
                self._metadata(),
                *self.reflect_args,
                schema=self.schema,
                autoload_with=connection,
                **self.reflect_kwargs,
            )
        except NoSuchTableError:
            from sqlalchemy import inspect

            from tidal.errors import did_you_mean

            names = inspect(connection).get_table_names(schema=self.schema)
            raise OperationError(
                f"batch_alter_table: no table {self.table_name!r} in the database",
                did_you_mean(self.table_name, names) or "check the table name and schema",
            ) from None

    def _metadata(self) -> MetaData:
        if self.naming_convention:
            return MetaData(naming_convention=self.naming_convention)
        return self.operations.schema_obj.metadata()

    def _recreate(self, pending: Sequence[tuple[MigrateOperation, dict[str, Any]]]) -> None:
        model = self._load()
        for op, placement in pending:
            _apply(model, op, self.operations, placement)
        if self.partial_reordering:
            model.partial_reorder(self.partial_reordering)
        impl = self.operations.impl
        impl.run_table_move(
            lambda: self._emit_move(model), self.operations.migration_context.autocommit_block
        )
        self._model = TableModel.from_table(model.build(model.name, self._metadata(), True))

    def _emit_move(self, model: TableModel) -> None:
        impl = self.operations.impl
        temp_name = f"_alembic_tmp_{model.name}"
        metadata = self._metadata()
        temp = model.build(temp_name, metadata)
        for fk in temp.foreign_key_constraints:
            for element in fk.elements:
                self.operations.schema_obj._stub_referent(metadata, element.target_fullname)
        old = light_table(model.name, schema=model.schema)
        names, exprs = [], []
        for plan in model.columns.values():
            if plan.source is None:
                continue
            source = old.c[plan.source] if plan.source in old.c else _col(old, plan.source)
            expr: Any = source
            new_type = plan.column.type
            if plan.old_type is not None and _affinity(plan.old_type) is not _affinity(new_type):
                expr = cast(source, new_type).label(plan.column.name)
            names.append(plan.column.name)
            exprs.append(expr)
        impl._exec(CreateTable(temp))
        if names:
            impl._exec(insert(temp).from_select(names, select(*exprs).select_from(old)))
        impl._exec(DropTable(Table(model.name, MetaData(), schema=model.schema)))
        impl._exec(ddl.RenameTable(temp_name, model.name, model.schema))
        final = model.build(model.name, MetaData(), with_indexes=True)
        for index in sorted(final.indexes, key=lambda i: str(i.name)):
            impl._exec(CreateIndex(index))


def _col(table: Any, name: str) -> Any:
    from sqlalchemy import column

    c: Any = column(name)
    table.append_column(c)
    return c


def _affinity(type_: Any) -> Any:
    return getattr(type_, "_type_affinity", type(type_))


def _apply(
    model: TableModel, op: MigrateOperation, operations: OperationsCore, placement: dict[str, Any]
) -> None:
    """Apply one queued operation to the model."""
    if isinstance(op, AddColumnOp):
        model.add_column(op.column, **placement)
    elif isinstance(op, DropColumnOp):
        model.drop_column(op.column_name)
    elif isinstance(op, AlterColumnOp):
        kw = op.impl_kwargs()
        model.alter_column(op.column_name, **kw, **placement)
    elif isinstance(op, CreateIndexOp):
        model.indexes.append(op.to_index(operations))
    elif isinstance(op, DropIndexOp):
        model.drop_named(op.index_name, "index")
    elif isinstance(op, DropConstraintOp):
        if not op.constraint_name:
            raise OperationError(
                "drop_constraint in batch mode needs the constraint's name",
                "pass naming_convention= to batch_alter_table to name unnamed constraints",
            )
        model.drop_named(str(op.constraint_name), op.constraint_type)
    elif isinstance(op, AddConstraintOp):
        _add_constraint(model, op.to_constraint(operations))
    elif isinstance(op, CreateTableCommentOp):
        model.comment = op.comment
    elif isinstance(op, DropTableCommentOp):
        model.comment = None
    else:
        raise OperationError(
            f"{type(op).__name__} cannot run in batch mode", "run it outside the batch block"
        )


def _add_constraint(model: TableModel, const: Any) -> None:
    from sqlalchemy import CheckConstraint, ForeignKeyConstraint, PrimaryKeyConstraint

    if isinstance(const, PrimaryKeyConstraint):
        model.pk_name = str(const.name) if const.name else None
        model.pk_columns = [c.name for c in const.columns]
    elif isinstance(const, ForeignKeyConstraint):
        model.fks.append(const)
    elif isinstance(const, CheckConstraint):
        model.checks.append(const)
    else:
        model.uniques.append(const)


def rebuild_table(
    operations: OperationsCore,
    table_name: str,
    schema: str | None,
    ops: Sequence[MigrateOperation],
) -> None:
    """Run ``ops`` on ``table_name`` by recreating it (for databases without those ALTERs)."""
    runner = BatchRunner(operations, table_name, schema, recreate="always")
    for op in ops:
        runner.add(op)
    runner.flush()
