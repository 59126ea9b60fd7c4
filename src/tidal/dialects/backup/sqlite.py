"""SQLite: the online backup API, an atomic file swap, ``interrupt()``.

The restore removes the database's ``-wal``, ``-shm`` and ``-journal`` files before it
swaps the backup in: SQLite would otherwise replay the newer log onto the older file.
Close every connection to the database first (dispose the engine).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Connection

from tidal.dialects.backup import BackupTool, safe_key
from tidal.dialects.backup._process import safe_call
from tidal.errors import BackupError, RestoreFailedError

__all__ = ["SqliteBackup"]

_SIDE_FILES = ("-wal", "-shm", "-journal")


class SqliteBackup(BackupTool):
    """Back up a SQLite database file with ``sqlite3.Connection.backup``."""

    dialect = "sqlite"
    extension = ".sqlite3"

    @property
    def database_key(self) -> str:
        """Return ``sqlite_<file name without suffix>``."""
        return safe_key(f"sqlite_{Path(self._raw_name()).stem or 'memory'}")

    def _raw_name(self) -> str:
        name = self.url.database or ""
        if self.url.query.get("uri") in ("true", "1") and name.startswith("file:"):
            name = name[len("file:") :].split("?", 1)[0]
        return name

    def _in_memory(self) -> bool:
        name = self.url.database or ""
        return name in ("", ":memory:") or self.url.query.get("mode") == "memory"

    @property
    def file(self) -> Path:
        """The database file."""
        return Path(self._raw_name())

    def preflight(self) -> None:
        """Refuse in-memory databases: there is nothing to back up across connections."""
        if self._in_memory():
            raise BackupError(
                "an in-memory SQLite database cannot be backed up",
                "point sqlalchemy.url at a database file, or use `tidal upgrade`",
            )

    def describe(self, path: Path) -> str:
        """Return the equivalent ``sqlite3`` shell command (Tidal uses the Python API)."""
        command = ".backup " + "'" + str(path).replace("'", "''") + "'"
        return shlex.join(["sqlite3", str(self.file), command])

    def dump(self, path: Path) -> None:
        """Copy the database, consistently even while in use, into ``path``."""
        self.preflight()
        temporary = path.with_name(f".{path.name}.partial")
        try:
            # A database file that does not exist yet backs up as an empty database,
            # without creating the file (sqlite3.connect would).
            source_name = str(self.file) if self.file.exists() else ":memory:"
            with contextlib.closing(sqlite3.connect(source_name)) as source:
                with contextlib.closing(sqlite3.connect(temporary)) as target:
                    source.backup(target)
            os.replace(temporary, path)
        except (sqlite3.Error, OSError) as error:
            raise BackupError(
                f"could not back up SQLite database {self.file}: {error}",
                "check that the file is a readable SQLite database and the backup folder "
                "is writable",
            ) from error
        finally:
            temporary.unlink(missing_ok=True)

    def restore(self, path: Path) -> None:
        """Put the backup file back in place of the database, atomically."""
        target = self.file
        try:
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            os.close(handle)
            temporary = Path(name)
            try:
                shutil.copyfile(path, temporary)
                for suffix in _SIDE_FILES:
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as error:
            raise RestoreFailedError(
                f"could not restore SQLite database {target} from {path}: {error}",
                f"copy {path} over {target} by hand (and delete {target.name}-wal/-shm)",
            ) from error

    def canceller(self, connection: Connection) -> Callable[[], None]:
        """Return the raw connection's ``interrupt()`` (safe from any thread)."""
        raw = connection.connection.dbapi_connection
        interrupt = getattr(raw, "interrupt", None)
        if not callable(interrupt):
            return safe_call(lambda: None, "interrupting SQLite")

        def cancel() -> None:
            interrupt()

        return safe_call(cancel, "interrupting SQLite")
