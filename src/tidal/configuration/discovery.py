"""Decide which ini and TOML files a command line means.

As Alembic: ``-c`` may be given once or twice (an ini file and/or a ``.toml`` file);
the ini file defaults to ``$ALEMBIC_CONFIG`` or ``alembic.ini`` (Tidal checks
``$TIDAL_CONFIG`` first) and the TOML file to ``pyproject.toml`` in the current folder.
Unlike Alembic, a file named with ``-c`` that does not exist is an error rather than
an empty configuration.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from tidal.errors import ConfigError, UsageError

__all__ = ["DEFAULT_INI", "DEFAULT_TOML", "ConfigFiles", "find_config_files"]

DEFAULT_INI = "alembic.ini"
DEFAULT_TOML = "pyproject.toml"
ENV_VARS = ("TIDAL_CONFIG", "ALEMBIC_CONFIG")


class ConfigFiles(NamedTuple):
    """The files a run reads; ``explicit_ini`` says whether the ini was asked for."""

    ini: str
    toml: str | None
    explicit_ini: bool


def find_config_files(
    config_opts: Sequence[str] | None, environ: Mapping[str, str] | None = None
) -> ConfigFiles:
    """Return the ini and TOML files for the ``-c`` values ``config_opts``.

    Raises:
        UsageError: Two ini files or two TOML files were given.
        ConfigError: A file given with ``-c`` does not exist.

    Example:
        >>> find_config_files(None, {})
        ConfigFiles(ini='alembic.ini', toml='pyproject.toml', explicit_ini=False)
        >>> find_config_files(None, {"ALEMBIC_CONFIG": "prod.ini"}).ini
        'prod.ini'
    """
    env = os.environ if environ is None else environ
    inis: list[str] = []
    tomls: list[str] = []
    for name in config_opts or ():
        if not os.path.isfile(name):
            raise ConfigError(
                f"config file {name!r} not found (given with -c)",
                "check the path, relative to the current folder " + repr(os.getcwd()),
            )
        (tomls if name.endswith(".toml") else inis).append(name)
    if len(inis) > 1:
        raise UsageError("only one ini file may be indicated", "give -c once for the ini file")
    if len(tomls) > 1:
        raise UsageError("only one toml file may be indicated", "give -c once for the toml file")
    from_env = next((env[var] for var in ENV_VARS if env.get(var)), None)
    ini = inis[0] if inis else (from_env or DEFAULT_INI)
    return ConfigFiles(
        ini=ini,
        toml=tomls[0] if tomls else DEFAULT_TOML,
        explicit_ini=bool(inis or from_env),
    )
