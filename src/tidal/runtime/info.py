"""MigrationInfo: what ``on_version_apply`` callbacks receive about each step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["MigrationInfo"]


class MigrationInfo:
    """One applied step, as Alembic's ``MigrationInfo`` describes it.

    Args:
        revision_map: The revision graph (``RevisionGraph``).
        up_revisions: The revision(s) on the upper side of the step.
        down_revisions: The revision(s) on the lower side.
        is_upgrade: True for upgrades (and upgrade-direction stamps).
        is_stamp: True for stamps.
    """

    def __init__(
        self,
        revision_map: Any,
        up_revisions: Sequence[str],
        down_revisions: Sequence[str],
        is_upgrade: bool,
        is_stamp: bool,
    ) -> None:
        self.revision_map = revision_map
        self.up_revision_ids: tuple[str, ...] = tuple(up_revisions)
        self.down_revision_ids: tuple[str, ...] = tuple(down_revisions)
        self.is_upgrade = is_upgrade
        self.is_stamp = is_stamp

    @property
    def is_migration(self) -> bool:
        """Return True when a script ran (not a stamp)."""
        return not self.is_stamp

    @property
    def up_revision_id(self) -> str | None:
        """Return the single upper revision, or None (several or none)."""
        return self.up_revision_ids[0] if len(self.up_revision_ids) == 1 else None

    @property
    def source_revision_ids(self) -> tuple[str, ...]:
        """Return the revisions the step started from."""
        return self.down_revision_ids if self.is_upgrade else self.up_revision_ids

    @property
    def destination_revision_ids(self) -> tuple[str, ...]:
        """Return the revisions the step ended at."""
        return self.up_revision_ids if self.is_upgrade else self.down_revision_ids

    def _revs(self, ids: Sequence[str]) -> tuple[Any, ...]:
        getter = getattr(self.revision_map, "get_revision", None)
        return tuple(getter(i) for i in ids) if getter else tuple(ids)

    @property
    def up_revision(self) -> Any:
        """Return the single upper revision object, or None."""
        rid = self.up_revision_id
        return self._revs([rid])[0] if rid else None

    @property
    def up_revisions(self) -> tuple[Any, ...]:
        """Return the upper revision objects."""
        return self._revs(self.up_revision_ids)

    @property
    def down_revisions(self) -> tuple[Any, ...]:
        """Return the lower revision objects."""
        return self._revs(self.down_revision_ids)

    @property
    def source_revisions(self) -> tuple[Any, ...]:
        """Return the revision objects the step started from."""
        return self._revs(self.source_revision_ids)

    @property
    def destination_revisions(self) -> tuple[Any, ...]:
        """Return the revision objects the step ended at."""
        return self._revs(self.destination_revision_ids)

    def __repr__(self) -> str:
        kind = "stamp" if self.is_stamp else ("upgrade" if self.is_upgrade else "downgrade")
        src, dest = self.source_revision_ids, self.destination_revision_ids
        return f"MigrationInfo({kind} {src} -> {dest})"
