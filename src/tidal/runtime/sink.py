"""Where statements go: the only place online and offline runs differ.

:class:`LiveSink` executes on a connection; :class:`ScriptSink` renders the same
statements as SQL text for ``--sql`` (literal values inlined, one terminator each).
Operations, dialect impls and the executor call ``sink.execute(...)`` and never ask
which kind they hold.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import IO, Any, Protocol, TextIO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.interfaces import CoreExecuteOptionsParameter
from sqlalchemy.schema import DDLElement
from sqlalchemy.sql.elements import ClauseElement

from tidal.errors import EnvironmentError_, OperationError

__all__ = ["LiveSink", "ScriptSink", "Sink", "encoded_output"]


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


class _EncodedOutput(io.TextIOWrapper):
    """Text written here reaches a binary buffer encoded; the buffer is never closed.

    A plain :class:`io.TextIOWrapper` closes its buffer when it is closed or collected,
    which would close the caller's ``io.BytesIO`` or ``sys.stdout.buffer``.
    """

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start : exc.end]
            raise OperationError(
                f"the --sql output cannot be encoded as {self.encoding} (output_encoding): "
                f"{bad!r} is not in that codec",
                "set output_encoding to a codec that has every character (utf-8), "
                "or remove the character from the script",
            ) from exc

    def close(self) -> None:
        if not self.buffer.closed:
            self.flush()


def encoded_output(buffer: Any, encoding: str) -> TextIO:
    """Return a text stream writing to the binary ``buffer`` in ``encoding`` (``output_encoding``).

    Encoding, byte order mark (at the start of a seekable buffer only) and errors
    (``strict``) are :class:`io.TextIOWrapper`'s, as with Alembic.

    Raises:
        EnvironmentError_: ``buffer`` is a text stream, which cannot take bytes.
        LookupError: ``encoding`` is not a codec.

    Example:
        >>> raw = io.BytesIO()
        >>> out = encoded_output(raw, "utf-16-le")
        >>> _ = out.write("é;"); out.flush(); raw.getvalue()
        b'\\xe9\\x00;\\x00'
    """
    if isinstance(buffer, io.TextIOBase):
        raise EnvironmentError_(
            f"output_encoding={encoding!r} needs a binary output_buffer, "
            f"not the text stream {type(buffer).__name__}",
            "pass output_buffer=sys.stdout.buffer (or an io.BytesIO), "
            "or leave output_encoding out",
        )
    binary: IO[bytes] = buffer
    return _EncodedOutput(binary, encoding=encoding)
