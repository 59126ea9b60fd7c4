"""``tidal deploy``: back up, show, upgrade under a timeout, verify, restore on failure.

The seed-004 ``deploy_migrations.sh`` built in: :mod:`tidal.deploy.flow` runs the
stages, :mod:`tidal.deploy.store` names and prunes the backup files,
:mod:`tidal.deploy.watchdog` cancels a step that outlives ``--timeout`` on the server.
The database-specific parts (dump and restore tools, cancelling a statement) live in
:mod:`tidal.dialects.backup`.
"""

from __future__ import annotations

__all__: list[str] = []
