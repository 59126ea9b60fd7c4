"""Talking to one database: env.py, the migration context, the version table, locks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tidal.runtime.environment import EnvironmentContext
    from tidal.runtime.migration import MigrationContext, MigrationInfo

__all__ = ["EnvironmentContext", "MigrationContext", "MigrationInfo"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import tidal.runtime.plan` stays free of SQLAlchemy.
    if name == "EnvironmentContext":
        from tidal.runtime.environment import EnvironmentContext

        return EnvironmentContext
    if name in ("MigrationContext", "MigrationInfo"):
        from tidal.runtime import migration

        return getattr(migration, name)
    raise AttributeError(f"module 'tidal.runtime' has no attribute {name!r}")
