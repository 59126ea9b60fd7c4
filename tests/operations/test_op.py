"""The ``tidal.op`` module: forwarding, the extension API, context access."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa
from tests.operations.helpers import FakeMigrationContext, live_operations, offline_dialect

from tidal import op
from tidal.errors import OperationError
from tidal.operations import Operations
from tidal.operations.ops import ExecuteSQLOp, MigrateOperation


class CreateSequenceOp(MigrateOperation):
    """A custom operation, registered as Alembic's docs show."""

    def __init__(self, sequence_name: str) -> None:
        self.sequence_name = sequence_name

    @classmethod
    def create_sequence(cls, operations: Any, sequence_name: str) -> Any:
        return operations.invoke(cls(sequence_name))


Operations.register_operation("create_sequence")(CreateSequenceOp)


@Operations.implementation_for(CreateSequenceOp)
def _create_sequence(operations: Any, operation: CreateSequenceOp) -> None:
    operations.execute(f"CREATE SEQUENCE {operation.sequence_name}")


def test_op_outside_a_run_fails_with_hint() -> None:
    with pytest.raises(OperationError) as err:
        op.drop_table("t")
    assert "outside" in err.value.message


def test_op_forwards_and_custom_operations_work() -> None:
    out = io.StringIO()
    ctx = FakeMigrationContext(offline_dialect("postgresql"), output=out)
    with Operations.context(ctx):
        op.drop_table("t")
        op.create_sequence("seq1")
        op.invoke(ExecuteSQLOp("SELECT 1"))
        assert op.get_context() is ctx
        assert op.get_bind() is None
        assert str(op.f("x")) == "x"
    assert out.getvalue().split() == "DROP TABLE t; CREATE SEQUENCE seq1; SELECT 1;".split()


def test_get_bind_and_run_async_need_a_connection(sqlite_url: str) -> None:
    with live_operations(sqlite_url) as (ops, conn):
        with Operations.context(ops.get_context()):
            assert op.get_bind() is conn
            with pytest.raises(OperationError):
                op.run_async(lambda c: None)


def test_run_async_with_an_async_engine(tmp_path: Any) -> None:
    import asyncio

    pytest.importorskip("greenlet")

    from sqlalchemy.ext.asyncio import create_async_engine

    async def body(async_conn: Any) -> int:
        result = await async_conn.execute(sa.text("SELECT 41 + 1"))
        return int(result.scalar())

    async def main() -> int:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
        async with engine.connect() as conn:

            def sync(sync_conn: sa.Connection) -> int:
                ctx = FakeMigrationContext(sync_conn.dialect, connection=sync_conn)
                with Operations.context(ctx):
                    return int(op.run_async(body))

            value = await conn.run_sync(sync)
        await engine.dispose()
        return value

    assert asyncio.run(main()) == 42
