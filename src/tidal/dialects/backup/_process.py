"""Running the dump and restore programs: finding them, quoting, and their errors."""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import NullPool

log = logging.getLogger("tidal.dialects")

#: Seconds a backup tool waits for the server to answer before it gives up.
CONNECT_TIMEOUT = 10


def which(names: Sequence[str]) -> str | None:
    """Return the full path of the first of ``names`` on ``$PATH``, or None."""
    for name in names:
        found = shutil.which(name, path=os.environ.get("PATH", ""))
        if found:
            return found
    return None


def shell_line(argv: Sequence[str]) -> str:
    """Return ``argv`` as one shell line, with program paths shortened to their names.

    Example:
        >>> shell_line(["/usr/bin/pg_dump", "-f", "a b.dump"])
        "pg_dump -f 'a b.dump'"
    """
    return shlex.join([Path(argv[0]).name, *argv[1:]])


def mask(text: str, secret: str | None) -> str:
    """Return ``text`` with ``secret`` replaced by ``***``.

    Example:
        >>> mask("password 's3cret' rejected", "s3cret")
        "password '***' rejected"
    """
    return text.replace(secret, "***") if secret else text


def first_error_line(stderr: str, secret: str | None) -> str:
    """Return the line of a tool's stderr that says what went wrong, password masked.

    That is the first line naming an error, else the first non-empty line.

    Example:
        >>> first_error_line("warning: x\\npg_dump: error: no such db\\nmore", None)
        'pg_dump: error: no such db'
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower():
            return mask(line, secret)
    return mask(lines[0], secret) if lines else "no error output"


def run(
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    stdin: Path | None = None,
    secret: str | None = None,
) -> str | None:
    """Run ``argv``; return None on success, else the first line of its error output."""
    log.debug("running %s", shell_line(argv))
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(stdin.open("rb")) if stdin else subprocess.DEVNULL
        try:
            done = subprocess.run(
                list(argv), stdin=source, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, env=env, check=False,
            )  # fmt: skip
        except OSError as error:
            return mask(f"{Path(argv[0]).name}: {error.strerror or error}", secret)
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode == 0:
        if stderr.strip():
            log.debug("%s: %s", Path(argv[0]).name, mask(stderr.strip(), secret))
        return None
    return first_error_line(stderr, secret) + f" (exit {done.returncode})"


@contextlib.contextmanager
def partial_file(path: Path) -> Iterator[Path]:
    """Yield a temporary name next to ``path``; move it to ``path`` when the block ends.

    When the block raises, the temporary file is removed, so ``path`` is either a
    whole backup or absent.
    """
    temporary = path.with_name(f".{path.name}.partial")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


#: Async drivers -> the synchronous driver the admin engine uses instead (the async
#: template's env.py connects with ``+asyncpg`` / ``+aiomysql``; cancels run from a thread).
_SYNC_DRIVERS = {
    "asyncpg": "psycopg",
    "psycopg_async": "psycopg",
    "aiomysql": "pymysql",
    "asyncmy": "pymysql",
    "aiosqlite": "pysqlite",
}


def sync_url(url: URL) -> URL:
    """Return ``url`` with an async driver replaced by a synchronous one.

    Example:
        >>> from sqlalchemy import make_url
        >>> sync_url(make_url("postgresql+asyncpg://u@h/db")).drivername
        'postgresql+psycopg'
        >>> sync_url(make_url("mysql+pymysql://u@h/db")).drivername
        'mysql+pymysql'
    """
    driver = url.get_driver_name()
    if driver in _SYNC_DRIVERS:
        return url.set(drivername=f"{url.get_backend_name()}+{_SYNC_DRIVERS[driver]}")
    return url


def admin_engine(url: URL, connect_args: dict[str, object]) -> Engine:
    """Return an engine of one unpooled connection, for drop and cancel statements."""
    return create_engine(
        sync_url(url), poolclass=NullPool, isolation_level="AUTOCOMMIT", connect_args=connect_args
    )


def statement_canceller(
    url: URL, statement: str, params: dict[str, object], what: str
) -> Callable[[], None]:
    """Return a never-raising function that runs ``statement`` on its own short connection."""

    def cancel() -> None:
        engine = admin_engine(url, {"connect_timeout": 5})
        try:
            with engine.connect() as conn:
                conn.execute(text(statement), params)
        finally:
            engine.dispose()

    return safe_call(cancel, what)


def safe_call(action: Callable[[], None], what: str) -> Callable[[], None]:
    """Wrap ``action`` so that it never raises; failures are logged at debug level."""

    def call() -> None:
        try:
            action()
        except Exception as error:  # noqa: BLE001 - a cancel must never break the caller
            log.debug("%s failed: %s", what, str(error).splitlines()[0] if str(error) else error)

    return call


def write_private(text: str, suffix: str) -> Path:
    """Write ``text`` to a new temporary file only its owner can read; return its path."""
    handle, name = tempfile.mkstemp(prefix="tidal-", suffix=suffix)
    try:
        os.fchmod(handle, 0o600)
        os.write(handle, text.encode("utf-8"))
    finally:
        os.close(handle)
    return Path(name)
