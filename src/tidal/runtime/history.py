"""The applied-history table: one row per applied step, beside the version table.

Online only (never in ``--sql`` output). Created on first use; ``history_table=None``
(or ``tidal_history_table = off`` in the configuration) switches it off. Each row
records the revision, direction, from/to, start time, duration, user and host, the
tool version and a checksum of the script file, in the same transaction as the step.
"""

from __future__ import annotations

import getpass
import hashlib
import socket
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    select,
)
from sqlalchemy.engine import Connection

from tidal import __version__
from tidal.runtime.plan import Step

__all__ = ["DEFAULT_HISTORY_TABLE", "HistoryTable", "checksum", "history_table_name"]

#: The applied-history table's default name.
DEFAULT_HISTORY_TABLE = "tidal_history"
_OFF = {"", "off", "false", "no", "none", "0"}


def checksum(path: str | None) -> str | None:
    """Return the sha256 of a script file's bytes, or None without a file.

    Example:
        >>> checksum(None) is None
        True
    """
    if not path:
        return None
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def history_table_name(opts: dict[str, Any], config: Any) -> str | None:
    """Return the history table's name from configure() options or the config; None if off.

    Example:
        >>> history_table_name({}, None), history_table_name({"history_table": None}, None)
        ('tidal_history', None)
    """
    if "history_table" in opts:
        value = opts["history_table"]
        return None if value is None or str(value).lower() in _OFF else str(value)
    getter = getattr(config, "get_main_option", None)
    value = getter("tidal_history_table") if getter else None
    if value is None:
        return DEFAULT_HISTORY_TABLE
    return None if str(value).strip().lower() in _OFF else str(value).strip()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


class HistoryTable:
    """Reads and appends applied-history rows on a live connection."""

    def __init__(self, connection: Connection, name: str, schema: str | None = None) -> None:
        self.connection = connection
        self.name = name
        self.schema = schema
        self.pending: list[dict[str, Any]] = []
        # Who and what run this process: looked up once per table, not once per step.
        self._who = {
            "user_name": _user(),
            "host_name": socket.gethostname(),
            "tool_version": f"tidal {__version__}",
        }
        self.table = Table(
            name,
            MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("version_table", String(128), nullable=False),
            Column("revision", String(32)),
            Column("direction", String(16), nullable=False),
            Column("from_revisions", String(512), nullable=False),
            Column("to_revisions", String(512), nullable=False),
            Column("started_at", DateTime(), nullable=False),
            Column("duration_ms", Float(), nullable=False),
            Column("user_name", String(128), nullable=False),
            Column("host_name", String(255), nullable=False),
            Column("tool_version", String(32), nullable=False),
            Column("checksum", String(64)),
            schema=schema,
        )

    def exists(self) -> bool:
        """Return True when the table exists."""
        return bool(inspect(self.connection).has_table(self.name, schema=self.schema))

    def create(self) -> None:
        """Create the table if it is missing."""
        if not self.exists():
            self.table.create(self.connection)

    def record(
        self,
        version_table: str,
        step: Step,
        started_at: datetime,
        duration_ms: float,
        path: str | None,
    ) -> None:
        """Queue one row for an applied step; :meth:`flush` writes the queued rows.

        Rows are written in one round trip before the transaction that holds their steps
        commits, so recording adds no per-step round trip.
        """
        self.pending.append(
            dict(
                version_table=version_table,
                revision=step.revision,
                direction=step.kind,
                from_revisions=",".join(step.log_from),
                to_revisions=",".join(step.log_to),
                started_at=started_at.replace(tzinfo=None),
                duration_ms=round(duration_ms, 3),
                checksum=checksum(path),
                **self._who,
            )
        )

    def flush(self) -> None:
        """Write the queued rows (one executemany), in the caller's transaction."""
        if self.pending:
            rows, self.pending = self.pending, []
            self.connection.execute(self.table.insert(), rows)

    def accept(self, version_table: str, revision: str, new_checksum: str | None) -> None:
        """Record ``new_checksum`` as the applied checksum of ``revision`` (``verify --accept``)."""
        t = self.table
        self.connection.execute(
            t.update()
            .where(
                t.c.version_table == version_table,
                t.c.revision == revision,
                t.c.direction == "upgrade",
            )
            .values(checksum=new_checksum)
        )

    def rows(self, version_table: str | None = None) -> list[dict[str, Any]]:
        """Return every row (optionally of one version table), oldest first."""
        if not self.exists():
            return []
        query = select(self.table).order_by(self.table.c.id)
        if version_table is not None:
            query = query.where(self.table.c.version_table == version_table)
        return [dict(r._mapping) for r in self.connection.execute(query)]


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(timezone.utc)
