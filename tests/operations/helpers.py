"""A small stand-in for the runtime's MigrationContext, and SQL-text helpers.

``FakeMigrationContext`` exposes exactly what ``Operations`` needs: ``impl``,
``dialect``, ``bind``, ``opts``, ``as_sql`` and ``autocommit_block()``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from tidal.dialects.registry import impl_for
from tidal.operations import Operations
from tidal.runtime.sink import LiveSink, ScriptSink

DIALECTS = ("sqlite", "postgresql", "mysql")


def offline_dialect(name: str) -> Dialect:
    """Return SQLAlchemy's dialect for ``name`` without a database."""
    return sa.create_mock_engine(f"{name}://", executor=lambda *a, **k: None).dialect


class FakeMigrationContext:
    """Just enough of MigrationContext for the operations."""

    def __init__(
        self,
        dialect: Dialect,
        *,
        connection: Connection | None = None,
        output: io.StringIO | None = None,
        opts: dict[str, Any] | None = None,
    ) -> None:
        self.dialect = dialect
        self.bind = connection
        self.connection = connection
        self.opts = dict(opts or {})
        self.as_sql = connection is None
        impl_cls = impl_for(dialect.name)
        if connection is not None:
            sink: Any = LiveSink(connection)
        else:
            sink = ScriptSink(
                output if output is not None else io.StringIO(),
                dialect,
                terminator=impl_cls.command_terminator,
                literal_binds=bool(self.opts.get("literal_binds", False)),
            )
        self.impl = impl_cls(dialect, sink, self.opts)
        self.autocommit_blocks = 0

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        self.autocommit_blocks += 1
        if self.bind is None:
            if self.impl.transactional_ddl:
                self.impl.emit_commit()
            yield
            if self.impl.transactional_ddl:
                self.impl.emit_begin()
            return
        conn = self.bind
        if conn.in_transaction():
            conn.commit()
        level = conn.get_isolation_level()
        conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield
        finally:
            if conn.in_transaction():
                conn.commit()
            conn.execution_options(isolation_level=level)


def render(dialect: str, fn: Callable[[Operations], Any], **opts: Any) -> str:
    """Return Tidal's --sql text of ``fn(op)`` on ``dialect``."""
    out = io.StringIO()
    ctx = FakeMigrationContext(offline_dialect(dialect), output=out, opts=opts)
    with Operations.context(ctx) as op:
        fn(op)
    return out.getvalue()


def alembic_render(dialect: str, fn: Callable[[Any], Any], **opts: Any) -> str:
    """Return Alembic's --sql text of ``fn(op)`` on ``dialect`` (the oracle)."""
    from alembic.operations import Operations as AlembicOperations
    from alembic.runtime.migration import MigrationContext

    out = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name=dialect, opts={"as_sql": True, "output_buffer": out, **opts}
    )
    fn(AlembicOperations(ctx))
    return out.getvalue()


def normalize(statement: str) -> str:
    """Return one statement with runs of whitespace collapsed, none inside parentheses."""
    flat = " ".join(statement.rstrip(";").split())
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", flat))


def statements(sql: str) -> list[str]:
    """Split --sql text into statements, whitespace-normalised."""
    return [normalize(s) for s in sql.split(";\n") if s.strip()]


def assert_sql(fn: Callable[[Operations], Any], **expected: str | list[str] | None) -> None:
    """Assert Tidal's --sql text per dialect: ``assert_sql(fn, sqlite=..., postgresql=...)``."""
    for dialect, want in expected.items():
        if want is None:
            continue
        wanted = [want] if isinstance(want, str) else list(want)
        got = statements(render(dialect, fn))
        assert got == [normalize(w) for w in wanted], f"{dialect}: {got}"


@contextmanager
def live_operations(url: str, **opts: Any) -> Iterator[tuple[Operations, Connection]]:
    """Yield Operations on a real connection inside a transaction (committed after)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = FakeMigrationContext(conn.dialect, connection=conn, opts=opts)
            with Operations.context(ctx) as op:
                yield op, conn
            if conn.in_transaction():
                conn.commit()
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(sqlite_url)
    yield engine
    engine.dispose()


def capture_logs(caplog: pytest.LogCaptureFixture, *names: str) -> None:
    """Capture INFO logs of ``names``, even after a test ran logging.config.fileConfig."""
    import logging

    for name in names or ("tidal.operations", "tidal.dialects"):
        logger = logging.getLogger(name)
        logger.disabled = False
        caplog.set_level(logging.INFO, logger=name)
