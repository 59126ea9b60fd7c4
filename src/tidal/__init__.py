"""Tidal: database schema migrations for SQLAlchemy, compatible with Alembic projects."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tidal import context, op

__all__ = ["__version__", "context", "op"]


def __getattr__(name: str) -> Any:
    # `op` and `context` are real modules; import them on first use to keep start-up fast.
    if name in ("op", "context"):
        return importlib.import_module(f"tidal.{name}")
    raise AttributeError(f"module 'tidal' has no attribute {name!r}")
