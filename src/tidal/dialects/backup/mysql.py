"""MySQL and MariaDB: ``mysqldump``, drop-then-replay restore, ``KILL QUERY``.

The password goes to the tools in a temporary option file (mode 0600, removed right
after), passed as ``--defaults-extra-file``, which must be their first option. MySQL
DDL is not transactional, so a restore that fails half-way leaves a partial database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from tidal.dialects.backup import BackupTool
from tidal.dialects.backup._process import (
    admin_engine,
    partial_file,
    run,
    shell_line,
    statement_canceller,
    which,
    write_private,
)
from tidal.errors import BackupError, DeployError, RestoreFailedError

__all__ = ["MysqlBackup"]

_INSTALL = "install the MariaDB/MySQL client tools (Debian/Ubuntu: apt-get install mariadb-client)"

_DUMP_OPTIONS = (
    "--single-transaction",
    "--routines",
    "--triggers",
    "--hex-blob",
    "--no-tablespaces",
    "--default-character-set=utf8mb4",
)


def _option_value(value: str) -> str:
    r"""Quote ``value`` for a MySQL option file.

    Example:
        >>> _option_value('a"b\\c#d')
        '"a\\"b\\\\c#d"'
    """
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class MysqlBackup(BackupTool):
    """Back up a MySQL or MariaDB database with ``mysqldump``; restore with ``mysql``."""

    dialect = "mysql"
    extension = ".sql"

    def _default_port(self) -> int:
        return 3306

    def _names(self, dump: bool) -> tuple[str, str]:
        mariadb_first = self.url.get_backend_name() == "mariadb"
        names = ("mariadb-dump", "mysqldump") if dump else ("mariadb", "mysql")
        return names if mariadb_first else (names[1], names[0])

    def _tool(self, dump: bool, error: type[DeployError] = BackupError) -> str:
        names = self._names(dump)
        found = which(names)
        if found is None:
            raise error(
                f"neither {names[0]} nor {names[1]} is on PATH; tidal deploy needs one", _INSTALL
            )
        return found

    def preflight(self) -> None:
        """Check that a dump tool and a client (either name) are on PATH."""
        self._tool(dump=True)
        self._tool(dump=False)
        if not self.url.database:
            raise BackupError("the database URL names no database", "add /<dbname> to the URL")

    @contextlib.contextmanager
    def _password_option(self) -> Iterator[list[str]]:
        """Yield the ``--defaults-extra-file`` option holding the password, if there is one."""
        if self._secret is None:
            yield []
            return
        path = write_private(f"[client]\npassword={_option_value(self._secret)}\n", ".cnf")
        try:
            yield [f"--defaults-extra-file={path}"]
        finally:
            path.unlink(missing_ok=True)

    def _connection_args(self) -> list[str]:
        socket = self.url.query.get("unix_socket")
        args = [f"--host={self.url.host or 'localhost'}"]
        if isinstance(socket, str):
            args.append(f"--socket={socket}")
        else:
            args.append("--protocol=TCP")  # as the Python drivers do, even for localhost
        if self.url.port:
            args.append(f"--port={self.url.port}")
        if self.url.username:
            args.append(f"--user={self.url.username}")
        return args

    def _dump_argv(self, tool: str, first: list[str], path: Path) -> list[str]:
        return [
            tool, *first, *self._connection_args(), *_DUMP_OPTIONS,
            f"--result-file={path}", self.url.database or "",
        ]  # fmt: skip

    def describe(self, path: Path) -> str:
        """Return the dump command line; the password file appears as a placeholder."""
        first = ["--defaults-extra-file=PASSWORD_FILE"] if self._secret is not None else []
        return shell_line(self._dump_argv(self._names(dump=True)[1], first, path))

    def dump(self, path: Path) -> None:
        """Write a ``mysqldump`` of the database (schema, rows, routines) to ``path``."""
        tool = self._tool(dump=True)
        with partial_file(path) as temporary, self._password_option() as first:
            failure = run(self._dump_argv(tool, first, temporary), secret=self._secret)
            if failure is not None:
                raise BackupError(
                    f"{Path(tool).name} could not back up {self._target}: {failure}",
                    "check that the server is up, the URL is right and the user may read "
                    "every table, view and routine",
                )

    def restore(self, path: Path) -> None:
        """Drop the database's tables, views and routines, then replay the dump."""
        client = self._tool(dump=False, error=RestoreFailedError)
        if not path.is_file():
            raise RestoreFailedError(f"no backup file {path}", "name an existing backup file")
        try:
            self._drop_everything()
        except Exception as error:
            detail = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise RestoreFailedError(
                f"restoring {self._target}: dropping its objects failed: {detail}",
                f"the database is unchanged or partly emptied; restore {path} by hand",
            ) from error
        with self._password_option() as first:
            argv = [
                client, *first, *self._connection_args(), "--default-character-set=utf8mb4",
                "--binary-mode", self.url.database or "",
            ]  # fmt: skip
            failure = run(argv, stdin=path, secret=self._secret)
        if failure is not None:
            raise RestoreFailedError(
                f"restoring {self._target} from {path} failed: {failure}",
                f"the database is partly restored; fix the cause and run: "
                f"mysql {self.url.database} < {path}",
            )

    def _drop_everything(self) -> None:
        """Drop every table, view, procedure and function of the database."""
        engine = admin_engine(self.url, {"connect_timeout": 10})
        try:
            with engine.connect() as conn:
                schema = {"db": self.url.database}
                rows = conn.execute(
                    text(
                        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES "
                        "WHERE TABLE_SCHEMA = :db AND TABLE_TYPE <> 'TEMPORARY'"
                    ),
                    schema,
                ).all()
                views = [_quote(name) for name, kind in rows if kind == "VIEW"]
                tables = [_quote(name) for name, kind in rows if kind != "VIEW"]
                conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
                if views:
                    conn.execute(text(f"DROP VIEW IF EXISTS {', '.join(views)}"))
                if tables:
                    conn.execute(text(f"DROP TABLE IF EXISTS {', '.join(tables)}"))
                routines = conn.execute(
                    text(
                        "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES "
                        "WHERE ROUTINE_SCHEMA = :db AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')"
                    ),
                    schema,
                ).all()
                for name, kind in routines:
                    qualified = f"{_quote(self.url.database or '')}.{_quote(name)}"
                    conn.execute(text(f"DROP {kind} IF EXISTS {qualified}"))
        finally:
            engine.dispose()

    def canceller(self, connection: Connection) -> Callable[[], None]:
        """Return a function running ``KILL QUERY`` for this connection's thread."""
        thread = int(_connection_id(connection))
        statement = f"KILL QUERY {thread}"
        return statement_canceller(self.url, statement, {}, statement)


def _connection_id(connection: Connection) -> int:
    """Return the server thread id of ``connection``, without a round trip when possible."""
    raw = connection.connection.dbapi_connection
    getter = getattr(raw, "thread_id", None)  # PyMySQL, mysqlclient
    if callable(getter):
        return int(getter())
    value = getattr(raw, "connection_id", None)  # mysql-connector, MariaDB Connector/Python
    if isinstance(value, int):
        return value
    return int(connection.execute(text("SELECT CONNECTION_ID()")).scalar_one())
