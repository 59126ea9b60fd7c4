"""Expand configuration values: ``%(name)s``, ``${VAR}``, ``${VAR:-default}``, escapes.

Alembic reads ``alembic.ini`` with :class:`configparser.ConfigParser`'s basic
interpolation. Tidal keeps that grammar and adds environment values (issue 7, seeds 003
and 004):

* ``%(name)s`` names another key of the section (or a default such as ``here``); when
  the file defines no such key it falls back to the environment variable ``name``.
* ``${VAR}`` is the environment variable ``VAR``; ``${VAR:-default}`` uses ``default``
  when ``VAR`` is unset or empty, ``${VAR-default}`` only when it is unset.
* ``%%`` is a literal ``%`` and ``$$`` a literal ``$``.
* ``%(name)`` followed by anything but ``s`` (``%(month).2d`` in a ``file_template``) and
  a lone ``%`` or ``$`` are kept as written, where ConfigParser would refuse the file.

A missing variable raises :class:`tidal.errors.MissingVariableError`, which names the
variable and the key but never a value.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from tidal.errors import ConfigError, MissingVariableError

__all__ = ["EnvInterpolation", "expand", "mask_url", "mask_urls"]

_MAX_DEPTH = 10

_TOKEN = re.compile(
    r"%%"
    r"|%\((?P<pname>[^()]*)\)(?P<conv>s?)"
    r"|\$\$"
    r"|\$\{(?P<ename>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\}"
)

_URL_PASSWORD = re.compile(
    r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'\"]*:)(?P<password>[^\s'\"]*)@"
)

#: Resolve the name in ``%(name)s`` to its raw (not yet expanded) value, or None.
Lookup = Callable[[str], "str | None"]


def mask_url(url: str) -> str:
    """Return ``url`` with its password replaced by ``***``.

    Example:
        >>> mask_url("driver://scott:tiger@db.example/prod")
        'driver://scott:***@db.example/prod'
        >>> mask_url("driver://scott@db.example/prod")
        'driver://scott@db.example/prod'
    """
    return mask_urls(url)


def mask_urls(text: str) -> str:
    """Return ``text`` with the password of every URL in it replaced by ``***``.

    The password runs to the last ``@`` of the URL, so an unescaped ``@`` in it does not
    leak its tail.

    Example:
        >>> mask_urls("cannot reach driver://u:p@ss@host/db (timeout)")
        'cannot reach driver://u:***@host/db (timeout)'
    """
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}***@", text)


def expand(
    value: str,
    lookup: Lookup,
    *,
    key: str,
    section: str,
    environ: Mapping[str, str] | None = None,
    depth: int = 0,
) -> str:
    """Expand references and escapes in one configuration ``value``.

    Args:
        value: The raw value as written in the file.
        lookup: Returns the raw value of another key for ``%(name)s``, or None.
        key: The key that holds ``value``; named in errors.
        section: The section (or TOML table) of ``key``; named in errors.
        environ: The environment; ``os.environ`` by default.
        depth: Recursion depth of ``%(name)s`` references.

    Raises:
        MissingVariableError: A referenced variable is neither a key nor set.
        ConfigError: References nest too deeply (a key refers to itself).

    Example:
        >>> expand("${A:-x}/%(here)s/100%%", {"here": "/p"}.get, key="k", section="s",
        ...        environ={})
        'x//p/100%'
    """
    env = os.environ if environ is None else environ
    if depth > _MAX_DEPTH:
        raise ConfigError(
            f"the value of {key} in [{section}] refers to itself",
            "remove the %(...)s reference loop",
        )

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "%%":
            return "%"
        if text == "$$":
            return "$"
        if match.group("ename") is not None:
            return _env_value(match, env, key=key, section=section, lookup=lookup, depth=depth)
        if not match.group("conv"):
            return text  # "%(month).2d": a file_template token, kept for later formatting
        return _option_value(
            match.group("pname"), lookup, env, key=key, section=section, depth=depth
        )

    return _TOKEN.sub(replace, value)


def _env_value(
    match: re.Match[str],
    env: Mapping[str, str],
    *,
    key: str,
    section: str,
    lookup: Lookup,
    depth: int,
) -> str:
    name = match.group("ename")
    op = match.group("op")
    current = env.get(name)
    if op is not None and (current is None or (op == ":-" and current == "")):
        default = match.group("default") or ""
        return expand(default, lookup, key=key, section=section, environ=env, depth=depth + 1)
    if current is None:
        raise MissingVariableError(name, key, section)
    return current


def _option_value(
    name: str,
    lookup: Lookup,
    env: Mapping[str, str],
    *,
    key: str,
    section: str,
    depth: int,
) -> str:
    raw = lookup(name)
    if raw is not None:
        return expand(raw, lookup, key=name, section=section, environ=env, depth=depth + 1)
    if name in env:
        return env[name]
    raise MissingVariableError(name, key, section, in_file=True)


class EnvInterpolation(configparser.Interpolation):
    """ConfigParser interpolation with Tidal's grammar (see the module docstring)."""

    def before_get(
        self,
        parser: MutableMapping[str, Mapping[str, str]],
        section: str,
        option: str,
        value: str,
        defaults: Mapping[str, str],
    ) -> str:
        """Expand ``value`` of ``option`` in ``section`` when it is read."""
        optionxform = getattr(parser, "optionxform", str.lower)

        def lookup(name: str) -> str | None:
            return defaults.get(optionxform(name))

        return expand(value, lookup, key=option, section=section)

    def before_set(
        self,
        parser: MutableMapping[str, Mapping[str, str]],
        section: str,
        option: str,
        value: str,
    ) -> str:
        """Accept any value; references are checked when it is read."""
        return value

    def before_write(self, parser: Any, section: str, option: str, value: str) -> str:
        """Write values as stored."""
        return value
