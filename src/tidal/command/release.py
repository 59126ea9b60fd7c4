"""``tidal deploy``: the guarded production upgrade (seed 004's deploy script, built in).

Backup with the database's own tool, show the pending steps, upgrade under a timeout
that cancels the running statement on the server, verify the version table (and the
models, as ``check``), and restore the backup on any failure. The stages are in
:mod:`tidal.deploy.flow`; this module is the ``tidal.command`` entry point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tidal.deploy.flow import DeployOptions, DeployReport, run_deploy

__all__ = ["DeployReport", "deploy"]


def deploy(
    config: Any,
    revision: str = "heads",
    backup_dir: str | Path = "backups",
    keep: int = 10,
    timeout: float = 300.0,
    dry_run: bool = False,
    no_restore: bool = False,
) -> DeployReport:
    """Back up, upgrade to ``revision`` under ``timeout`` seconds, verify; restore on failure.

    Args:
        config: The project's Config.
        revision: The upgrade target (default ``heads``).
        backup_dir: The folder for backups; created when missing.
        keep: How many newest backups of this database to keep (at least 1).
        timeout: Seconds the upgrade may run before it is cancelled on the server.
        dry_run: Print the backup command, the pending steps and their SQL; change nothing.
        no_restore: On failure, keep the database as the failure left it.

    Returns:
        What the deploy did (:class:`~tidal.deploy.flow.DeployReport`).

    Raises:
        BackupError: (exit 14) no backup could be made; nothing ran.
        DeployError: (exit 12) the deploy failed and the backup was restored.
        RestoreFailedError: (exit 13) the deploy failed and the restore failed too.
        DeployNotRestoredError: (exit 15) the deploy failed; ``no_restore`` kept it so.
    """
    options = DeployOptions(revision, backup_dir, keep, timeout, dry_run, no_restore)
    return run_deploy(config, options, config.print_stdout)
