"""Read ``[tool.alembic]`` and ``[tool.tidal]`` from ``pyproject.toml``.

Alembic 1.16+ reads its source-code settings (``script_location``,
``version_locations`` as a list, ``prepend_sys_path`` as a list, ``file_template``,
``post_write_hooks`` as a list of tables, ...) from ``[tool.alembic]``; the database URL
and logging stay in the ini file. Tidal reads ``[tool.tidal]`` too: on a key both set,
``[tool.tidal]`` wins.

String values are expanded as Alembic does (``%(here)s`` is the folder of the TOML
file, ``%%`` a literal ``%``) plus Tidal's environment values (``${VAR}``,
``${VAR:-default}``, ``%(VAR)s`` from the environment).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tidal.configuration.values import expand
from tidal.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["expand_toml", "load_tool_tables"]


def load_tool_tables(path: str | Path | None) -> dict[str, Any]:
    """Return ``[tool.alembic]`` updated with ``[tool.tidal]``, raw, or ``{}``.

    A missing file gives ``{}``, as in Alembic (``pyproject.toml`` is looked for by
    default and need not exist).

    Raises:
        ConfigError: The file exists but is not valid TOML, or a tool table is not a table.
    """
    if path is None:
        return {}
    file = Path(path)
    if not file.is_file():
        return {}
    try:
        with file.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(
            f"cannot read {file}: {error}", "fix the TOML syntax of the file"
        ) from None
    tool = document.get("tool", {})
    merged: dict[str, Any] = {}
    for name in ("alembic", "tidal"):
        table = tool.get(name, {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(
                f"[tool.{name}] in {file} is not a table", f"write [tool.{name}] as a table"
            )
        merged.update(table)
    return merged


def expand_toml(value: Any, here: str, *, key: str, section: str = "tool.alembic") -> Any:
    """Expand every string in ``value`` (recursing into lists and tables).

    Example:
        >>> expand_toml(["%(here)s/a", 1, {"k": "%%x"}], "/p", key="k")
        ['/p/a', 1, {'k': '%x'}]
    """
    if isinstance(value, str):
        defaults: Mapping[str, str] = {"here": here}
        return expand(value, defaults.get, key=key, section=section)
    if isinstance(value, list):
        return [expand_toml(item, here, key=key, section=section) for item in value]
    if isinstance(value, dict):
        return {
            k: expand_toml(v, here, key=f"{key}.{k}", section=section) for k, v in value.items()
        }
    return value
