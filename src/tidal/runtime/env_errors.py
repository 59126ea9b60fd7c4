"""What env.py's failures mean: one line each, with a hint, and never a password.

:func:`env_errors` wraps a run of env.py. A database error before the migration context
exists is a connection failure (URL masked); the common set-up mistakes (no
``sqlalchemy.url``, an unknown dialect, a driver that is not installed, an async driver under
a sync env.py, an ini whose logging sections ``fileConfig()`` cannot read) get their own
message; anything else names the user's file and line where it was raised.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from tidal.errors import (
    ConfigError,
    ConnectionFailedError,
    EnvironmentError_,
    TidalError,
    user_frame,
)

__all__ = ["env_errors", "mask_url"]


def mask_url(url: object) -> str:
    """Return a database URL with its password replaced by ``***``.

    Example:
        >>> mask_url("dialect+driver://user:secret@host/db")
        'dialect+driver://user:***@host/db'
    """
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL at all: show nothing secret
        return "<unparseable URL>"



def _option(env: Any, name: str) -> Any:
    getter = getattr(env.config, "get_main_option", None)
    return getter(name) if getter else None


def _url_of(env: Any) -> str:
    url = _option(env, "sqlalchemy.url")
    return mask_url(url) if url else "the configured database"


def _secret(env: Any) -> str:
    url = _option(env, "sqlalchemy.url")
    try:
        password = make_url(str(url)).password if url else None
    except Exception:  # noqa: BLE001
        password = None
    return str(password) if password else "\x00no-password\x00"


def _is_placeholder(env: Any) -> bool:
    """Whether sqlalchemy.url is the ``driver://user:pass@localhost/dbname`` of a new ini."""
    try:
        url = make_url(str(_option(env, "sqlalchemy.url")))
    except Exception:  # noqa: BLE001
        return False
    return url.drivername == "driver" and url.database == "dbname"


def _frames_in(exc: BaseException, *parts: str) -> bool:
    """Whether a frame of ``exc``'s traceback runs in a file under ``parts`` (a package path)."""
    needle = os.sep + os.path.join(*parts)
    tb = exc.__traceback__
    while tb is not None:
        if needle in os.path.normpath(tb.tb_frame.f_code.co_filename):
            return True
        tb = tb.tb_next
    return False


@contextmanager
def env_errors(env: Any, where: Path) -> Iterator[None]:
    """Turn what running env.py (at ``where``) raises into a one-line :class:`TidalError`."""
    try:
        yield
    except TidalError:
        raise
    except sa_exc.DBAPIError as exc:
        detail = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
        first = detail[0] if detail else type(exc).__name__
        if env._migration_context is None or getattr(exc, "connection_invalidated", False):
            raise ConnectionFailedError(
                f"cannot connect to {_url_of(env)}: {first}".replace(_secret(env), "***"),
                "check sqlalchemy.url (or -x/env settings) and that the server is running",
            ) from exc
        raise TidalError(f"database error: {first}", "run with --debug for the SQL") from exc
    except SystemExit:
        raise
    except Exception as exc:
        known = _set_up_mistake(env, where, exc)
        if known is not None:
            raise known from exc
        raise _raised(where, exc) from exc


def _set_up_mistake(env: Any, where: Path, exc: Exception) -> TidalError | None:
    """Return the error for a common set-up mistake, or None (configuration ones exit 3)."""
    text = (str(exc).strip() or "(no message)").replace(_secret(env), "***")
    ini = getattr(env.config, "config_file_name", None) or "the configuration"
    section = getattr(env.config, "config_ini_section", "alembic")
    if isinstance(exc, KeyError | configparser.Error) and _frames_in(exc, "logging", "config.py"):
        return ConfigError(
            f"env.py ({where}): logging.config.fileConfig() cannot read the logging sections "
            f"in {ini} ({type(exc).__name__}: {text})",
            "add the [loggers], [handlers] and [formatters] sections `tidal init` writes, "
            "or drop the fileConfig(...) call from env.py",
        )
    if isinstance(exc, KeyError) and exc.args == ("url",) and _frames_in(exc, "sqlalchemy"):
        return ConfigError(
            f"no sqlalchemy.url in [{section}] of {ini} (env.py ({where}) needs one)",
            "set sqlalchemy.url = dialect+driver://user@host/dbname there, "
            "or give it the way env.py reads it (-x, an environment variable)",
        )
    if isinstance(exc, sa_exc.NoSuchModuleError) and _is_placeholder(env):
        return ConfigError(
            f"sqlalchemy.url in {ini} is still the placeholder {_url_of(env)} "
            "that `init` writes",
            f"set sqlalchemy.url in [{section}] to your database: dialect+driver://user@host/dbname",
        )
    if isinstance(exc, sa_exc.NoSuchModuleError):
        return ConfigError(
            f"sqlalchemy.url {_url_of(env)} names no installed SQLAlchemy dialect ({text})",
            "write it as dialect+driver://user@host/dbname, with a dialect SQLAlchemy knows "
            "and its driver installed",
        )
    if isinstance(exc, ModuleNotFoundError) and _frames_in(exc, "sqlalchemy", "dialects"):
        return EnvironmentError_(
            f"the database driver of {_url_of(env)} is not installed ({text})",
            "install the driver's package into this environment, "
            "or name an installed driver in sqlalchemy.url (dialect+driver://...)",
        )
    if isinstance(exc, sa_exc.MissingGreenlet):
        return EnvironmentError_(
            f"{_url_of(env)} uses an async driver, but env.py ({where}) connects without "
            "asyncio",
            "name a sync driver in sqlalchemy.url, or use an async env.py "
            "(`tidal init -t async` writes one)",
        )
    return None


def _raised(where: Path, exc: Exception) -> EnvironmentError_:
    """Name the user's file and line that raised (the models, env.py itself)."""
    text = str(exc).strip() or "(no message)"
    culprit = user_frame(exc)
    if culprit is not None and os.path.abspath(culprit[0]) != os.path.abspath(where):
        # The models (or another module env.py uses) failed, not env.py's own lines.
        file, line = culprit
        return EnvironmentError_(
            f"env.py ({where}) raised {type(exc).__name__} at {file}:{line}: {text}",
            f"fix {file} (env.py uses it); run with --debug for the traceback",
        )
    return EnvironmentError_(
        f"env.py ({where}) raised {type(exc).__name__}: {text}",
        "fix env.py; run with --debug for the traceback",
    )
