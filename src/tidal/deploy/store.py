"""The backup folder: file names by database and UTC time, pruning, write checks.

A backup is ``<database key>_<YYYYmmddTHHMMSSZ>[_<n>]<extension>``; the key comes from
the dialect's backup tool (engine, host, port, database name, never a password), so
``--keep`` prunes only the backups of the database being deployed.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tidal.errors import BackupError, UsageError

__all__ = ["BackupStore"]

_STAMP = "%Y%m%dT%H%M%SZ"
UTC = timezone.utc


@dataclass(frozen=True)
class BackupStore:
    """The backups of one database in one folder.

    Args:
        directory: The backup folder (``--backup-dir``).
        key: The database's file-name key (``BackupTool.database_key``).
        extension: The backup file suffix, dot included.
    """

    directory: Path
    key: str
    extension: str

    @property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile(
            rf"^{re.escape(self.key)}_\d{{8}}T\d{{6}}Z(?:_\d+)?{re.escape(self.extension)}$"
        )

    def check(self, create: bool) -> None:
        """Make sure backups can be written; with ``create``, make the folder.

        Raises:
            BackupError: The folder (or its nearest existing parent) is not writable, or
                the path is a file.
        """
        folder = self.directory
        if folder.exists() and not folder.is_dir():
            raise BackupError(
                f"backup dir {folder} is not a directory",
                "pass a folder with --backup-dir",
            )
        if not create:
            probe = folder
            while not probe.exists() and probe != probe.parent:
                probe = probe.parent
            if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
                raise BackupError(f"backup dir {folder} is not writable", _WRITABLE_HINT)
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".tidal-probe-"):
                pass
        except OSError as exc:
            raise BackupError(
                f"backup dir {folder} is not writable: {exc.strerror or exc}", _WRITABLE_HINT
            ) from exc

    def new_path(self, now: datetime | None = None) -> Path:
        """Return a free file name for a backup taken at ``now`` (UTC).

        Example:
            >>> store = BackupStore(Path("/nonexistent"), "db_app", ".bak")
            >>> store.new_path(datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC)).name
            'db_app_20261202T030405Z.bak'
        """
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
        path = self.directory / f"{self.key}_{stamp}{self.extension}"
        n = 1
        while path.exists():
            path = self.directory / f"{self.key}_{stamp}_{n}{self.extension}"
            n += 1
        return path

    def backups(self) -> list[Path]:
        """Return this database's backups in the folder, oldest first."""
        if not self.directory.is_dir():
            return []
        pattern = self._pattern
        found = [p for p in self.directory.iterdir() if pattern.match(p.name) and p.is_file()]
        return sorted(found, key=_order)

    def prune(self, keep: int) -> list[Path]:
        """Delete all but the ``keep`` newest backups of this database; return the deleted."""
        check_keep(keep)
        old = self.backups()[:-keep]
        for path in old:
            path.unlink(missing_ok=True)
        return old


def _order(path: Path) -> tuple[str, int]:
    stem = path.name
    match = re.search(r"_(\d{8}T\d{6}Z)(?:_(\d+))?\.", stem)
    if match is None:
        return (stem, 0)
    return (match.group(1), int(match.group(2) or 0))


def check_keep(keep: int) -> None:
    """Refuse a ``--keep`` below 1 (it would delete the backup just taken)."""
    if keep < 1:
        raise UsageError(
            f"--keep {keep}: at least the new backup must be kept",
            "pass --keep 1 or more (default 10)",
        )


_WRITABLE_HINT = "nothing was changed; pass a writable folder with --backup-dir"
