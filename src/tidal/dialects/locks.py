"""Run-lock SQL per database, and the explicit BEGIN that makes pysqlite DDL transactional.

The runtime (:mod:`tidal.runtime.lock`) asks :func:`lock_hooks_for` for a database's
lock statements and never names a database itself:

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection of its own.
* MySQL/MariaDB: ``GET_LOCK(name, 0)`` on a connection of its own.
* SQLite: no lock connection; the migration transaction starts with
  ``BEGIN IMMEDIATE``, which takes the database's write lock (bounded by the busy timeout).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

__all__ = ["LockHooks", "begin_statement", "lock_hooks_for"]


def _pg_key(name: str) -> int:
    """Return a signed 64-bit advisory-lock key for ``name``.

    Example:
        >>> _pg_key("x") == _pg_key("x") and -(2**63) <= _pg_key("x") < 2**63
        True
    """
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class LockHooks:
    """Statements for a named, session-level lock on a dedicated connection."""

    dialect: str

    def try_acquire(self, conn: Connection, name: str) -> bool:
        """Try once to take the lock; return True when held."""
        params: dict[str, object]
        if self.dialect == "postgresql":
            sql, params = "SELECT pg_try_advisory_lock(:k)", {"k": _pg_key(name)}
        else:
            sql, params = "SELECT GET_LOCK(:n, 0)", {"n": name[:64]}
        value = conn.execute(text(sql), params).scalar()
        conn.commit()
        return bool(value)

    def release(self, conn: Connection, name: str) -> None:
        """Release the lock."""
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _pg_key(name)})
        else:
            conn.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": name[:64]})
        conn.commit()

    def holder(self, conn: Connection, name: str) -> str | None:
        """Describe the session holding the lock (user@host, pid), or None."""
        if self.dialect == "postgresql":
            key = _pg_key(name)
            row = conn.execute(
                text(
                    "SELECT a.pid, a.usename, a.client_addr, a.application_name "
                    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.classid = :hi AND l.objid = :lo LIMIT 1"
                ),
                {"hi": (key >> 32) & 0xFFFFFFFF, "lo": key & 0xFFFFFFFF},
            ).first()
            conn.commit()
            if row is None:
                return None
            app = f", {row[3]}" if row[3] else ""
            return f"pid {row[0]} ({row[1]}@{row[2] or 'local'}{app})"
        row = conn.execute(
            text(
                "SELECT p.id, p.user, p.host FROM information_schema.processlist p "
                "WHERE p.id = IS_USED_LOCK(:n)"
            ),
            {"n": name[:64]},
        ).first()
        conn.commit()
        return None if row is None else f"connection {row[0]} ({row[1]}@{row[2]})"


def lock_hooks_for(dialect_name: str) -> LockHooks | None:
    """Return the lock statements for a database, or None when it locks by transaction.

    Example:
        >>> lock_hooks_for("sqlite") is None, lock_hooks_for("mariadb").dialect
        (True, 'mysql')
    """
    if dialect_name == "postgresql":
        return LockHooks("postgresql")
    if dialect_name in ("mysql", "mariadb"):
        return LockHooks("mysql")
    return None


def begin_statement(dialect_name: str, driver: str) -> str | None:
    """Return the SQL that must open the migration transaction, or None.

    pysqlite (and aiosqlite) emit no BEGIN before DDL, so CREATE/ALTER would commit
    on their own; an explicit ``BEGIN IMMEDIATE`` makes the step transactional and
    takes the write lock that serialises concurrent runs.

    Example:
        >>> begin_statement("sqlite", "pysqlite"), begin_statement("postgresql", "psycopg")
        ('BEGIN IMMEDIATE', None)
    """
    if dialect_name == "sqlite":
        return "BEGIN IMMEDIATE"
    return None
