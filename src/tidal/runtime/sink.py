"""Where statements go: the only place online and offline runs differ.

:class:`LiveSink` executes on a connection; :class:`ScriptSink` renders the same
statements as SQL text for ``--sql`` (literal values inlined, one terminator each).
Operations, dialect impls and the executor call ``sink.execute(...)`` and never ask
which kind they hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TextIO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.interfaces import CoreExecuteOptionsParameter
from sqlalchemy.schema import DDLElement
from sqlalchemy.sql.elements import ClauseElement

from tidal.errors import OperationError

__all__ = ["LiveSink", "ScriptSink", "Sink"]


class Sink(Protocol):
    """Receives every statement of a run."""

    #: True for --sql output. Only runtime plumbing may read it (e.g. to skip reads).
    as_sql: bool

    def execute(
        self,
        statement: str | ClauseElement,
        multiparams: Sequence[Mapping[str, Any]] | None = None,
        params: Mapping[str, Any] | None = None,
        execution_options: CoreExecuteOptionsParameter | None = None,
    ) -> Any:
        """Run (or render) one statement; return the result online, None offline."""

    def static_output(self, text: str) -> None:
        """Write raw text to the script (offline); ignored online."""


def _as_clause(statement: str | ClauseElement) -> ClauseElement:
    return text(statement) if isinstance(statement, str) else statement


class LiveSink:
    """Executes statements on a live connection."""

    as_sql = False

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(
        self,
        statement: str | ClauseElement,
        multiparams: Sequence[Mapping[str, Any]] | None = None,
        params: Mapping[str, Any] | None = None,
        execution_options: CoreExecuteOptionsParameter | None = None,
    ) -> Any:
        clause = _as_clause(statement)
        conn = self.connection
        if execution_options:
            conn = conn.execution_options(**execution_options)
        if multiparams:
            return conn.execute(clause, list(multiparams))  # type: ignore[call-overload]
        if params:
            return conn.execute(clause, dict(params))  # type: ignore[call-overload]
        return conn.execute(clause)  # type: ignore[call-overload]

    def static_output(self, text: str) -> None:
        return None


class ScriptSink:
    """Renders statements as a SQL script (``--sql``)."""

    as_sql = True

    def __init__(
        self,
        output: TextIO,
        dialect: Dialect,
        *,
        terminator: str = ";",
        literal_binds: bool = True,
    ) -> None:
        self.output = output
        self.dialect = dialect
        self.terminator = terminator
        self.literal_binds = literal_binds

    def execute(
        self,
        statement: str | ClauseElement,
        multiparams: Sequence[Mapping[str, Any]] | None = None,
        params: Mapping[str, Any] | None = None,
        execution_options: CoreExecuteOptionsParameter | None = None,
    ) -> None:
        if multiparams or params:
            raise OperationError(
                "SQL parameters cannot be rendered in --sql mode",
                "inline the values with op.inline_literal() or sa.literal(), or run online",
            )
        clause = _as_clause(statement)
        if self.literal_binds and not isinstance(clause, DDLElement):
            compiled = clause.compile(
                dialect=self.dialect,
                compile_kwargs={"literal_binds": True},
            )
        else:
            compiled = clause.compile(dialect=self.dialect)
        sql = str(compiled).replace("\t", "    ").strip()
        if sql:
            self.static_output(sql + self.terminator)

    def static_output(self, text: str) -> None:
        self.output.write(text + "\n\n")
        self.output.flush()
