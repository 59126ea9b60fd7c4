"""Split ``version_locations`` and ``prepend_sys_path`` values as Alembic 1.20 does.

``path_separator`` (or the legacy ``version_path_separator``, for version locations
only) picks the separator: ``os`` (``os.pathsep``), ``space``, ``newline``, ``:`` or
``;``. Tidal also accepts the names ``colon``, ``semicolon`` and ``comma`` (and ``,``),
which Alembic refuses. Each piece is stripped and empty pieces are dropped.

With no separator configured, Alembic falls back to its legacy splitting (spaces and
commas; for ``prepend_sys_path`` colons too), keeps empty pieces, and warns with a
``DeprecationWarning``; Tidal does the same.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Literal

from tidal.errors import ConfigError

__all__ = ["SEPARATORS", "separator_char", "split_paths"]

#: ``path_separator`` value -> the character (or None for "any newline").
SEPARATORS: dict[str, str | None] = {
    "os": os.pathsep,
    "space": " ",
    "newline": None,
    ":": ":",
    ";": ";",
    "colon": ":",
    "semicolon": ";",
    "comma": ",",
    ",": ",",
}

_LEGACY = {
    "version_locations": re.compile(r", *|(?: +)"),
    "prepend_sys_path": re.compile(r", *|(?: +)|:"),
}

_LEGACY_WARNING = {
    "version_locations": "spaces/commas",
    "prepend_sys_path": "spaces, commas, and colons",
}

Kind = Literal["version_locations", "prepend_sys_path"]


def separator_char(key: str, value: str) -> str | None:
    """Return the separator character a ``path_separator`` value names (None = newline).

    Raises:
        ConfigError: The value is not one of the accepted names.

    Example:
        >>> separator_char("path_separator", "space")
        ' '
        >>> separator_char("path_separator", "newline") is None
        True
    """
    name = value.strip()
    if name not in SEPARATORS:
        raise ConfigError(
            f"{name!r} is not a valid value for {key}; expected 'space', 'newline', 'os', ':', ';'",
            "Tidal also reads 'colon', 'semicolon' and 'comma'",
        )
    return SEPARATORS[name]


def split_paths(value: str, kind: Kind, separator: str | None, *, configured: bool) -> list[str]:
    """Split a path list ``value`` with ``separator``, or the legacy way if not ``configured``.

    Args:
        value: The (already expanded) value from the ini file.
        kind: Which key it is; picks the legacy rule.
        separator: From :func:`separator_char`; None splits on newlines.
        configured: False when no separator key is set (legacy splitting, with a warning).

    Example:
        >>> split_paths("a : b::c", "version_locations", ":", configured=True)
        ['a', 'b', 'c']
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     split_paths("a,,b c", "version_locations", None, configured=False)
        ['a', '', 'b', 'c']
    """
    if not configured:
        warnings.warn(
            "No path_separator found in configuration; falling back to legacy splitting on "
            f"{_LEGACY_WARNING[kind]} for {kind}.  Consider adding path_separator=os to "
            "Alembic config.",
            DeprecationWarning,
            stacklevel=3,
        )
        return _LEGACY[kind].split(value)
    pieces = value.splitlines() if separator is None else value.split(separator)
    return [piece.strip() for piece in pieces if piece.strip()]
