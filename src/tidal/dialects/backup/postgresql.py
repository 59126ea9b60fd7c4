"""PostgreSQL: ``pg_dump -Fc``, an all-or-nothing restore, ``pg_cancel_backend``.

The restore cannot be ``pg_restore --clean`` alone: that drops only what the dump
holds, so tables and schemas a migration created after the backup would survive.
It drops every user schema first, and runs the drop and the whole dump in one
transaction (``pg_restore -f - | psql --single-transaction``), so a restore that fails
changes nothing. PostgreSQL 15's ``pg_dump`` does not emit ``CREATE SCHEMA public``
(the schema comes with every new database), so after the drop the restore recreates
``public`` as PostgreSQL makes it, unless the dump creates it itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection

from tidal.dialects.backup import BackupTool
from tidal.dialects.backup._process import (
    CONNECT_TIMEOUT,
    first_error_line,
    mask,
    partial_file,
    run,
    shell_line,
    statement_canceller,
    which,
)
from tidal.errors import BackupError, DeployError, RestoreFailedError

__all__ = ["PostgresqlBackup"]

_INSTALL = "install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client)"

#: URL query parameters passed on to libpq as its environment variables.
_LIBPQ_QUERY = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "host": "PGHOST",
    "port": "PGPORT",
}

_DROP_SCHEMAS = """SET client_min_messages = warning;
DO $tidal$
DECLARE s text;
BEGIN
  FOR s IN SELECT nspname FROM pg_catalog.pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
             AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
END
$tidal$;"""

# `public` as a new database has it: since PostgreSQL 15 owned by pg_database_owner with
# USAGE for everyone; before, owned by the bootstrap user with USAGE and CREATE for all.
_CREATE_PUBLIC = """DO $tidal$
BEGIN
  IF current_setting('server_version_num')::int >= 150000 THEN
    CREATE SCHEMA public AUTHORIZATION pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
  ELSE
    CREATE SCHEMA public;
    GRANT ALL ON SCHEMA public TO PUBLIC;
  END IF;
  COMMENT ON SCHEMA public IS 'standard public schema';
END
$tidal$;"""

_CHUNK = 1 << 20


class PostgresqlBackup(BackupTool):
    """Back up a PostgreSQL database with ``pg_dump``; restore it with ``psql``."""

    dialect = "postgresql"
    extension = ".dump"

    def _default_port(self) -> int:
        return 5432

    def _tool(self, name: str, error: type[DeployError] = BackupError) -> str:
        found = which([name])
        if found is None:
            raise error(f"{name} is not on PATH; tidal deploy needs it", _INSTALL)
        return found

    def preflight(self) -> None:
        """Check that pg_dump, pg_restore and psql are on PATH."""
        for name in ("pg_dump", "pg_restore", "psql"):
            self._tool(name)
        if not self.url.database:
            raise BackupError("the database URL names no database", "add /<dbname> to the URL")

    def _connection_args(self) -> list[str]:
        args = ["-w"]  # never prompt for a password: a prompt would hang the deploy
        if self.url.host:
            args += ["-h", self.url.host]
        if self.url.port:
            args += ["-p", str(self.url.port)]
        if self.url.username:
            args += ["-U", self.url.username]
        return [*args, "-d", self.url.database or ""]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("PGCONNECT_TIMEOUT", str(CONNECT_TIMEOUT))
        for key, variable in _LIBPQ_QUERY.items():
            value = self.url.query.get(key)
            if isinstance(value, str):
                env[variable] = value
        if self.url.password is not None:
            env["PGPASSWORD"] = str(self.url.password)
        return env

    def _dump_argv(self, pg_dump: str, path: Path) -> list[str]:
        return [pg_dump, "-Fc", *self._connection_args(), "-f", str(path)]

    def describe(self, path: Path) -> str:
        """Return the ``pg_dump`` command line (the password goes in ``PGPASSWORD``)."""
        return shell_line(self._dump_argv("pg_dump", path))

    def dump(self, path: Path) -> None:
        """Write a ``pg_dump -Fc`` archive of the whole database to ``path``."""
        pg_dump = self._tool("pg_dump")
        with partial_file(path) as temporary:
            failure = run(self._dump_argv(pg_dump, temporary), self._env(), secret=self._secret)
            if failure is not None:
                raise BackupError(
                    f"pg_dump could not back up {self._target}: {failure}",
                    "check that the server is up, the URL is right, the user may read every "
                    "object, and pg_dump is not older than the server",
                )

    def _dump_creates_public(self, pg_restore: str, path: Path) -> bool:
        listing = subprocess.run([pg_restore, "-l", str(path)], capture_output=True, check=False)
        if listing.returncode != 0:
            line = first_error_line(listing.stderr.decode("utf-8", "replace"), None)
            raise RestoreFailedError(
                f"pg_restore cannot read the backup {path}: {line}",
                "check that the file is a whole pg_dump -Fc archive",
            )
        toc = listing.stdout.decode("utf-8", "replace")
        return re.search(r"^\d+; \d+ \d+ SCHEMA - public ", toc, re.MULTILINE) is not None

    def restore(self, path: Path) -> None:
        """Drop every user schema and replay the backup, in one transaction."""
        pg_restore = self._tool("pg_restore", RestoreFailedError)
        psql = self._tool("psql", RestoreFailedError)
        statements = ["-c", _DROP_SCHEMAS]
        if not self._dump_creates_public(pg_restore, path):
            statements += ["-c", _CREATE_PUBLIC]
        psql_argv = [
            psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
            *self._connection_args(), *statements, "-f", "-",
        ]  # fmt: skip
        failure = _pipe(
            [pg_restore, "--clean", "--if-exists", "-f", "-", str(path)],
            psql_argv,
            self._env(),
            self._secret,
        )
        if failure is not None:
            raise RestoreFailedError(
                f"restoring {self._target} from {path} failed: {failure}",
                "nothing was changed (the restore runs in one transaction); fix the cause "
                f"and run: pg_restore --clean --if-exists -f - {path} | psql -1 ...",
            )

    def canceller(self, connection: Connection) -> Callable[[], None]:
        """Return a function running ``pg_cancel_backend`` for this connection's backend."""
        pid = _backend_pid(connection)
        return statement_canceller(
            self.url,
            "SELECT pg_cancel_backend(:pid)",
            {"pid": pid},
            f"cancelling PostgreSQL backend {pid}",
        )


def _backend_pid(connection: Connection) -> int:
    """Return the server process id of ``connection``, without starting a transaction."""
    raw = connection.connection.dbapi_connection
    info = getattr(raw, "info", None)
    pid = getattr(info, "backend_pid", None)  # psycopg 3
    if isinstance(pid, int):
        return pid
    getter = getattr(raw, "get_backend_pid", None)  # psycopg2
    if callable(getter):
        return int(getter())
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _pipe(
    producer: list[str], consumer: list[str], env: dict[str, str], secret: str | None
) -> str | None:
    """Run ``producer | consumer``; return None on success, else the first error line.

    The output is relayed through this process rather than a plain pipe: when the
    producer fails half-way, the consumer is killed before it sees the end of its
    input, so ``psql --single-transaction`` rolls back instead of committing a part.
    """
    with tempfile.TemporaryFile() as produced_err, tempfile.TemporaryFile() as consumed_err:
        source = subprocess.Popen(producer, stdout=subprocess.PIPE, stderr=produced_err, env=env)
        sink = subprocess.Popen(
            consumer, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=consumed_err, env=env,
        )  # fmt: skip
        assert source.stdout is not None and sink.stdin is not None
        relayed = _relay(source.stdout, sink.stdin)
        if source.wait() != 0 or not relayed:
            sink.kill()  # before its input ends, so that it commits nothing
            source.kill()
        with contextlib.suppress(BrokenPipeError):
            sink.stdin.close()
        sink.wait()
        source.wait()
        failed = [(sink, consumed_err), (source, produced_err)]
        if relayed:
            failed.reverse()
        for process, err in failed:
            if process.returncode != 0:
                err.seek(0)
                line = first_error_line(err.read().decode("utf-8", "replace"), secret)
                return mask(f"{line} (exit {process.returncode})", secret)
    return None


def _relay(source: IO[bytes], sink: IO[bytes]) -> bool:
    """Copy ``source`` to ``sink``; return False when ``sink`` closed early."""
    try:
        while chunk := source.read(_CHUNK):
            sink.write(chunk)
        sink.flush()
    except BrokenPipeError:
        return False
    return True
