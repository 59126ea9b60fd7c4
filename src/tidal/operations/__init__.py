"""Operations: one class per operation, and the ``Operations`` object ``op`` forwards to.

This package also stands in for ``alembic.operations`` (``Operations``,
``BatchOperations``, ``MigrateOperation``, ``ops``) while the compat shim is active.
"""

from __future__ import annotations

from tidal.operations import ops
from tidal.operations.base import BatchOperations, Operations
from tidal.operations.core import MigrateOperation, current_operations

__all__ = ["BatchOperations", "MigrateOperation", "Operations", "current_operations", "ops"]
