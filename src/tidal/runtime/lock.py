"""The run lock: parallel runs against one database apply each step once.

The lock is taken on a connection of its own (so the migration's transactions cannot
release it) before the version table is read, and released after the run's last
commit. A waiting process logs who holds it; the wait is bounded.
The statements come from :mod:`tidal.dialects.locks`.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.engine import Connection

from tidal.dialects.locks import lock_hooks_for
from tidal.errors import LockTimeoutError

__all__ = ["DEFAULT_LOCK_TIMEOUT", "RunLock", "lock_name"]

# Under "alembic." so that alembic.ini's usual [logger_alembic] shows it (fileConfig
# disables other loggers that already exist when env.py runs).
log = logging.getLogger("alembic.runtime.lock")

#: Seconds a run waits for another run's lock before giving up.
DEFAULT_LOCK_TIMEOUT = 600.0


def lock_name(database: str | None, schema: str | None, version_table: str) -> str:
    """Return the lock's name for one version table of one database.

    Example:
        >>> lock_name("app", None, "alembic_version")
        'tidal:app:alembic_version'
    """
    where = f"{schema}.{version_table}" if schema else version_table
    return f"tidal:{database or ''}:{where}"


class RunLock:
    """A held-or-not run lock for one version table.

    Args:
        connection: The migration's connection (its engine opens the lock connection).
        name: The lock's name (see :func:`lock_name`).
        timeout: Seconds to wait for another holder.
        poll: Seconds between attempts.
    """

    def __init__(
        self,
        connection: Connection,
        name: str,
        timeout: float = DEFAULT_LOCK_TIMEOUT,
        poll: float = 0.2,
    ) -> None:
        self.connection = connection
        self.name = name
        self.timeout = timeout
        self.poll = poll
        self.hooks = lock_hooks_for(connection.dialect.name)
        self._conn: Connection | None = None

    @property
    def held(self) -> bool:
        """Return True while this process holds the lock."""
        return self._conn is not None

    def acquire(self) -> None:
        """Take the lock, waiting up to ``timeout`` seconds; no-op where not needed."""
        if self.hooks is None or self._conn is not None:
            return
        conn = self.connection.engine.connect()
        deadline = time.monotonic() + self.timeout
        told = False
        try:
            while not self.hooks.try_acquire(conn, self.name):
                if not told:
                    holder = self.hooks.holder(conn, self.name) or "another session"
                    log.warning("Waiting for the run lock %s, held by %s", self.name, holder)
                    told = True
                if time.monotonic() >= deadline:
                    holder = self.hooks.holder(conn, self.name) or "another session"
                    raise LockTimeoutError(
                        f"gave up after {self.timeout:g}s waiting for the run lock {self.name}, "
                        f"held by {holder}",
                        "another migration is running; wait for it or raise lock_timeout",
                    )
                time.sleep(self.poll)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def release(self) -> None:
        """Release the lock if held."""
        conn, self._conn = self._conn, None
        if conn is None or self.hooks is None:
            return
        try:
            self.hooks.release(conn, self.name)
        finally:
            conn.close()
