"""``tidal.command.*``: Alembic's command API, one function per CLI command.

Each function takes a :class:`tidal.config.Config`, prints through
``Config.print_stdout`` and raises a :class:`tidal.errors.TidalError` on failure, as
``alembic.command.*`` does. The modules behind them are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

#: command name -> module under tidal.command that defines it. A module must not share a
#: command's name: importing ``tidal.command.<x>`` sets the package attribute ``x`` to the
#: module, which then hides the function from ``__getattr__``.
COMMANDS: dict[str, str] = {
    "init": "author",
    "list_templates": "author",
    "revision": "author",
    "merge": "author",
    "edit": "author",
    "heads": "inspect",
    "branches": "inspect",
    "history": "inspect",
    "show": "inspect",
    "upgrade": "migrate",
    "downgrade": "migrate",
    "stamp": "migrate",
    "current": "migrate",
    "ensure_version": "migrate",
    "check": "drift",
    # Tidal only
    "current_heads": "migrate",
    "applied_history": "migrate",
    "verify": "migrate",
    "status": "reports",
    "applied": "reports",
    "deploy": "release",
}

__all__ = sorted(COMMANDS)


def __getattr__(name: str) -> Any:
    module = COMMANDS.get(name)
    if module is None:
        raise AttributeError(f"module 'tidal.command' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tidal.command.{module}"), name)
