"""The header cache: one file per version directory, in the user's cache directory.

Each file holds the headers that :mod:`tidal.script.reader` read from one directory's
scripts, as parallel columns keyed by relative name and checked against ``st_mtime_ns`` and
``st_size``; it is never written into the project.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tidal.script.reader import ScriptFile

__all__ = ["HeaderCache", "Row", "cache_directory", "cache_enabled"]

_CACHE_MAGIC = "tidal-headers-2"

#: A header as stored in the cache: revision, down_revision, branch_labels, depends_on, doc.
Row = tuple[str, Any, tuple[str, ...], Any, str]


def cache_directory() -> str:
    """Return the directory for Tidal's header caches (``$XDG_CACHE_HOME/tidal``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tidal", "headers")


class HeaderCache:
    """Headers of one version directory, stored in one file of the user's cache directory.

    Entries are keyed by absolute path and checked against ``st_mtime_ns`` and
    ``st_size``. A missing, unreadable or corrupt cache file is ignored and rebuilt;
    writes go to a temporary file first and are moved into place with ``os.replace``,
    so concurrent writers never leave a half-written file.
    """

    def __init__(self, directory: str, cache_root: str | None = None) -> None:
        import zlib  # hashlib would load OpenSSL: ~10 ms on every command

        self.directory = os.path.abspath(directory)
        raw = self.directory.encode("utf-8", "surrogatepass")
        digest = f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"
        self.root = cache_root if cache_root is not None else cache_directory()
        # A collision only costs a rebuild: the file records the directory it is for.
        self.file = os.path.join(self.root, f"{digest}.bin")
        self._entries: dict[str, tuple[int, int, Row]] | None = {}
        # The columns as loaded: (names, mtimes, sizes, five header-field columns).
        self._columns: tuple[list[Any], list[Any], list[Any], list[list[Any]]] | None = None
        self.dirty = False

    @property
    def entries(self) -> dict[str, tuple[int, int, Row]]:
        """Relative name -> (``st_mtime_ns``, ``st_size``, header row)."""
        if self._entries is None:
            self._entries = self._entries_from_columns()
        return self._entries

    def _entries_from_columns(self) -> dict[str, tuple[int, int, Row]]:
        if self._columns is None:
            return {}
        names, mtimes, sizes, fields = self._columns
        try:
            rows = zip(*fields, strict=True)
            return {n: (m, z, r) for n, m, z, r in zip(names, mtimes, sizes, rows, strict=True)}
        except (ValueError, TypeError):
            return {}

    def load(self) -> None:
        """Read the cache file; ignore it when absent or damaged.

        The file holds parallel columns (names, stamps, header fields), which
        ``marshal`` reads several times faster than one tuple per script. The dict of
        :attr:`entries` is only built when :meth:`rows_if_unchanged` cannot answer.
        """
        self._entries, self._columns = {}, None
        try:
            with open(self.file, "rb") as fh:
                data = marshal.loads(fh.read())  # load(fh) reads in small chunks: slow
            magic, directory, names, mtimes, sizes, *fields = data
        except (OSError, EOFError, ValueError, TypeError):
            return
        if magic != _CACHE_MAGIC or directory != self.directory or len(fields) != 5:
            return
        columns = (names, mtimes, sizes, *fields)
        if not all(type(c) is list and len(c) == len(names) for c in columns):
            return
        self._columns = (names, mtimes, sizes, fields)
        self._entries = None

    def rows_if_unchanged(self, files: Sequence[ScriptFile]) -> list[Row] | None:
        """Return every row, in ``files`` order, when the cache holds exactly ``files``.

        This is the common case (nothing changed since the last command): three list
        comparisons at C speed instead of one lookup per script. None means "look up
        each file" (:meth:`get`).
        """
        if self._columns is None or self._entries is not None:
            return None
        names, mtimes, sizes, fields = self._columns
        cut = len(self.directory) + 1
        if (
            len(names) != len(files)
            or [f.size for f in files] != sizes
            or [f.mtime_ns for f in files] != mtimes
            or [f.path[cut:] for f in files] != names
        ):
            return None
        return list(zip(*fields, strict=True))

    def _key(self, f: ScriptFile) -> str:
        return f.path[len(self.directory) + 1 :]

    def get(self, f: ScriptFile) -> Row | None:
        """Return the cached row for ``f`` when its stamp still matches."""
        hit = self.entries.get(self._key(f))
        if hit is None or hit[0] != f.mtime_ns or hit[1] != f.size:
            return None
        return hit[2]

    def put(self, f: ScriptFile, row: Row) -> None:
        """Record ``row`` for ``f``."""
        self.entries[self._key(f)] = (f.mtime_ns, f.size, row)
        self.dirty = True

    def prune(self, keep: Iterable[ScriptFile]) -> None:
        """Drop entries of files that no longer exist; keep the rest in ``keep``'s order.

        The order matters: :meth:`rows_if_unchanged` compares whole columns, so a cache
        whose entries are out of order (a file added between two others) is rewritten.
        """
        keys = [self._key(f) for f in keep]
        entries = self.entries
        if list(entries) == keys:
            return
        self._entries = {k: entries[k] for k in keys if k in entries}
        self.dirty = True

    def _temporary_file(self) -> tuple[int, str]:
        """Create a new private file beside the cache (``tempfile`` costs ~10 ms to import)."""
        import time

        stamp = f"{os.getpid()}-{time.time_ns()}"
        for attempt in range(100):  # O_EXCL: a thread that loses the race takes the next name
            name = f".tmp-{stamp}-{attempt}.bin"
            path = os.path.join(self.root, name)
            try:
                return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path
            except FileExistsError:
                continue
        raise FileExistsError(self.root)

    def save(self) -> None:
        """Write the cache atomically; failures to write are ignored (it is only a cache)."""
        if not self.dirty:
            return
        try:
            os.makedirs(self.root, exist_ok=True)
            fd, tmp = self._temporary_file()
            try:
                names = list(self.entries)
                stamps = list(self.entries.values())
                rows = [e[2] for e in stamps]
                columns: list[list[Any]] = (
                    [list(col) for col in zip(*rows, strict=True)] if rows else [[]] * 5
                )
                data: tuple[Any, ...] = (
                    _CACHE_MAGIC,
                    self.directory,
                    names,
                    [e[0] for e in stamps],
                    [e[1] for e in stamps],
                    *columns,
                )
                with os.fdopen(fd, "wb") as fh:
                    fh.write(marshal.dumps(data))
                os.replace(tmp, self.file)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except (OSError, ValueError):
            return
        self.dirty = False


def cache_enabled() -> bool:
    """Whether the header cache is on (``TIDAL_NO_HEADER_CACHE=1`` turns it off)."""
    return os.environ.get("TIDAL_NO_HEADER_CACHE", "") in ("", "0")
