"""The version table, byte-compatible with Alembic's.

``alembic_version`` (or ``version_table`` / ``version_table_schema``) has one column,
``version_num VARCHAR(32) NOT NULL``, primary key ``<table>_pkc`` (unless
``version_table_pk=False``), and one row per current head. Statements are the same
INSERT/UPDATE/DELETE Alembic emits, with the revision ids as literals, so ``--sql``
output matches its text.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.elements import ClauseElement, literal_column

from tidal.errors import DatabaseError
from tidal.runtime.plan import Delete, Insert, Update, VersionChange
from tidal.runtime.sink import Sink

__all__ = ["VersionTable"]


def _lit(revision: str) -> ClauseElement:
    return literal_column("'" + revision.replace("'", "''") + "'")


class VersionTable:
    """Reads and writes the version table through a sink.

    Args:
        sink: Where statements go.
        name: Table name (``version_table``).
        schema: Schema (``version_table_schema``) or None.
        primary_key: Whether to add the ``<name>_pkc`` primary key (``version_table_pk``).
    """

    def __init__(
        self,
        sink: Sink,
        name: str = "alembic_version",
        schema: str | None = None,
        primary_key: bool = True,
    ) -> None:
        self.sink = sink
        self.name = name
        self.schema = schema
        self.table = Table(
            name,
            MetaData(),
            Column("version_num", String(32), nullable=False),
            schema=schema,
        )
        if primary_key:
            self.table.append_constraint(
                PrimaryKeyConstraint("version_num", name=f"{name}_pkc")
            )

    @property
    def connection(self) -> Connection | None:
        """Return the live connection, or None offline."""
        conn = getattr(self.sink, "connection", None)
        return conn if isinstance(conn, Connection) else None

    def _run(self, statement: ClauseElement) -> int | None:
        """Run a statement; return its rowcount online, None offline."""
        if self.sink.as_sql:
            # Alembic renders the version table's statements with the table name in
            # WHERE (``alembic_version.version_num = 'a'``); compile them ourselves.
            dialect = getattr(self.sink, "dialect", None)
            compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            terminator = getattr(self.sink, "terminator", ";")
            self.sink.static_output(str(compiled).replace("\t", "    ").strip() + terminator)
            return None
        result = self.sink.execute(statement)
        return int(getattr(result, "rowcount", -1))

    def exists(self) -> bool:
        """Return True when the table exists (always False offline)."""
        conn = self.connection
        if conn is None:
            return False
        return bool(inspect(conn).has_table(self.name, schema=self.schema))

    def create(self, checkfirst: bool = True) -> None:
        """Create the table (online: only if missing)."""
        if checkfirst and self.exists():
            return
        self._run(CreateTable(self.table))

    def drop(self) -> None:
        """Drop the table."""
        conn = self.connection
        if conn is not None:
            self.table.drop(conn, checkfirst=True)

    def purge(self) -> None:
        """Create the table if needed and delete every row (``stamp --purge``)."""
        self.create()
        self._run(self.table.delete())

    def heads(self) -> tuple[str, ...]:
        """Return the revisions in the table, in the database's order (empty if none)."""
        conn = self.connection
        if conn is None or not self.exists():
            return ()
        rows = conn.execute(select(self.table.c.version_num))
        return tuple(str(r[0]) for r in rows)

    def apply(self, changes: Iterable[VersionChange]) -> None:
        """Write version-row changes; online, each must touch exactly one row."""
        col = self.table.c.version_num
        for change in changes:
            if isinstance(change, Insert):
                self._run(self.table.insert().values(version_num=_lit(change.revision)))
                continue
            if isinstance(change, Delete):
                stmt: ClauseElement = self.table.delete().where(col == _lit(change.revision))
                rev, verb = change.revision, "deleting"
            else:
                assert isinstance(change, Update)
                stmt = (
                    self.table.update()
                    .where(col == _lit(change.old))
                    .values(version_num=_lit(change.new))
                )
                rev, verb = change.old, "updating"
            count = self._run(stmt)
            if count is not None and count not in (1, -1):
                raise DatabaseError(
                    f"{verb} version row {rev!r} of {self.name} matched {count} rows, expected 1",
                    "another process changed the version table; run `tidal current` and retry",
                )
