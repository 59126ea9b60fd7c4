"""Stands in for the top-level ``alembic`` package while the shim is active."""

from __future__ import annotations

import importlib
from typing import Any

from tidal import __version__ as tidal_version

__all__ = ["__version__"]

#: The Alembic release whose behaviour Tidal reproduces.
__version__ = "1.20.1"
__path__: list[str] = []
tidal = tidal_version


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return importlib.import_module(f"alembic.{name}")
    except ImportError as exc:
        raise AttributeError(f"module 'alembic' has no attribute {name!r}") from exc
