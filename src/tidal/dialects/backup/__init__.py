"""Backup, restore and server-side cancel for ``tidal deploy``, one tool per database.

``tidal deploy`` backs the database up before it upgrades, cancels a statement that
runs past its timeout, and restores the backup when the upgrade or its verification
fails. This package does the database-specific part; the orchestration asks
:func:`backup_tool_for` for a :class:`BackupTool` and never names a database itself.

* PostgreSQL: ``pg_dump -Fc``; restore drops every user schema, then replays the dump
  with ``pg_restore | psql --single-transaction`` (all or nothing).
* MySQL/MariaDB: ``mysqldump --single-transaction --routines --triggers``; restore
  drops the tables, views and routines, then feeds the dump to the ``mysql`` client.
* SQLite: the online backup API; restore puts the file back with ``os.replace``.

A password reaches a child process only through its environment (``PGPASSWORD``) or
a temporary 0600 option file, never through its arguments, and is masked in messages.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from sqlalchemy.engine import URL, Connection, make_url

from tidal.errors import BackupError

__all__ = ["BackupTool", "backup_tool_for"]


class BackupTool(abc.ABC):
    """Back up, restore and cancel statements for one database.

    Args:
        url: The database's real URL, password included. It is never printed.
    """

    #: ``"postgresql"``, ``"mysql"`` (MySQL and MariaDB) or ``"sqlite"``.
    dialect: ClassVar[str]
    #: Suffix of the backup files, dot included.
    extension: ClassVar[str]

    def __init__(self, url: URL) -> None:
        self.url = url

    @property
    def database_key(self) -> str:
        """Return a filesystem-safe, password-free name of this database for backup files."""
        host = self.url.host or "localhost"
        port = self.url.port or self._default_port()
        return safe_key(f"{self.dialect}_{host}_{port}_{self.url.database or ''}")

    def _default_port(self) -> int:
        return 0

    @property
    def _secret(self) -> str | None:
        """The URL's password (only ever handed to a child process, or masked)."""
        return None if self.url.password is None else str(self.url.password)

    @property
    def _target(self) -> str:
        """``database 'x' on host:port``, for messages."""
        host = self.url.host or "localhost"
        port = self.url.port or self._default_port()
        return f"database {self.url.database!r} on {host}:{port}"

    @abc.abstractmethod
    def preflight(self) -> None:
        """Raise :class:`~tidal.errors.BackupError` when a backup cannot be made here."""

    @abc.abstractmethod
    def describe(self, path: Path) -> str:
        """Return the dump command as one password-free shell line."""

    @abc.abstractmethod
    def dump(self, path: Path) -> None:
        """Back the database up into ``path``; leave no partial file on failure."""

    @abc.abstractmethod
    def restore(self, path: Path) -> None:
        """Make the database equal the backup in ``path`` again.

        Raises:
            RestoreFailedError: The restore failed; the message says how.
        """

    @abc.abstractmethod
    def canceller(self, connection: Connection) -> Callable[[], None]:
        """Return a function that cancels, on the server, what ``connection`` runs.

        Call this on the migration's connection before the upgrade starts. The
        returned function may be called from any thread at any time and never raises.
        """


def safe_key(text: str) -> str:
    """Return ``text`` with every character unsafe in a file name replaced by ``_``.

    Example:
        >>> safe_key("pg_db.example.com_5432_shop/x y")
        'pg_db.example.com_5432_shop_x_y'
    """
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).strip(".") or "_"


def backup_tool_for(url: URL | str) -> BackupTool:
    """Return the backup tool for ``url``'s database.

    Raises:
        BackupError: Tidal cannot back up this kind of database.
    """
    url = make_url(url)
    backend = url.get_backend_name()
    # Imported here: each module is needed only by `tidal deploy`, for one database.
    if backend == "postgresql":
        from tidal.dialects.backup.postgresql import PostgresqlBackup

        return PostgresqlBackup(url)
    if backend in ("mysql", "mariadb"):
        from tidal.dialects.backup.mysql import MysqlBackup

        return MysqlBackup(url)
    if backend == "sqlite":
        from tidal.dialects.backup.sqlite import SqliteBackup

        return SqliteBackup(url)
    raise BackupError(
        f"tidal deploy cannot back up {backend} databases",
        "supported are postgresql, mysql/mariadb and sqlite; back this database up "
        "yourself and run `tidal upgrade`",
    )
