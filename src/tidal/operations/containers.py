"""Containers of operations, as autogenerate and ``process_revision_directives`` see them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from tidal.operations.core import MigrateOperation

__all__ = ["DowngradeOps", "MigrationScript", "ModifyTableOps", "OpContainer", "UpgradeOps"]


class OpContainer(MigrateOperation):
    """A list of operations (mutable: hooks edit ``.ops`` in place)."""

    def __init__(self, ops: Sequence[MigrateOperation] = ()) -> None:
        self.ops: list[MigrateOperation] = list(ops)

    def is_empty(self) -> bool:
        """Return True when there is no operation."""
        return not self.ops

    def as_diffs(self) -> list[tuple[Any, ...]]:
        """Return the diff tuples of every operation, nested containers flattened."""
        return list(_flatten(self))

    def reverse_ops(self) -> list[MigrateOperation]:
        """Return the reverses, last operation first."""
        return [op.reverse() for op in reversed(self.ops)]

    def describe(self) -> str:
        return f"{len(self.ops)} operations"


def _flatten(container: OpContainer) -> Iterator[tuple[Any, ...]]:
    for op in container.ops:
        if isinstance(op, OpContainer):
            yield from _flatten(op)
        elif op.diff_is_list:
            # Alembic lists an alter_column as its separate modify_* diffs.
            yield from op.to_diff_tuple()
        else:
            yield op.to_diff_tuple()


class ModifyTableOps(OpContainer):
    """The operations on one table."""

    def __init__(
        self, table_name: str, ops: Sequence[MigrateOperation], schema: str | None = None
    ) -> None:
        super().__init__(ops)
        self.table_name = table_name
        self.schema = schema

    def reverse(self) -> ModifyTableOps:
        return ModifyTableOps(self.table_name, self.reverse_ops(), schema=self.schema)


class UpgradeOps(OpContainer):
    """The operations of ``upgrade()``."""

    def __init__(
        self, ops: Sequence[MigrateOperation] = (), upgrade_token: str = "upgrades"
    ) -> None:
        super().__init__(ops)
        self.upgrade_token = upgrade_token

    def reverse(self) -> DowngradeOps:
        return DowngradeOps(
            self.reverse_ops(), downgrade_token=self.upgrade_token.replace("upgrade", "downgrade")
        )


class DowngradeOps(OpContainer):
    """The operations of ``downgrade()``."""

    def __init__(
        self, ops: Sequence[MigrateOperation] = (), downgrade_token: str = "downgrades"
    ) -> None:
        super().__init__(ops)
        self.downgrade_token = downgrade_token

    def reverse(self) -> UpgradeOps:
        return UpgradeOps(
            self.reverse_ops(), upgrade_token=self.downgrade_token.replace("downgrade", "upgrade")
        )


class MigrationScript(MigrateOperation):
    """A revision file to write: its header values and its upgrade/downgrade ops."""

    def __init__(  # noqa: PLR0913 - Alembic's signature
        self,
        rev_id: str | None,
        upgrade_ops: UpgradeOps,
        downgrade_ops: DowngradeOps,
        *,
        message: str | None = None,
        imports: set[str] | None = None,
        head: str | None = None,
        splice: bool | None = None,
        branch_label: Any = None,
        version_path: str | None = None,
        depends_on: Any = None,
    ) -> None:
        self.rev_id = rev_id
        self.message = message
        self.imports = imports if imports is not None else set()
        self.head = head
        self.splice = splice
        self.branch_label = branch_label
        self.version_path = version_path
        self.depends_on = depends_on
        self.upgrade_ops = upgrade_ops
        self.downgrade_ops = downgrade_ops

    @property
    def upgrade_ops_list(self) -> list[UpgradeOps]:
        """Return the upgrade containers (one per metadata in multi-db setups)."""
        return [self.upgrade_ops]

    @property
    def downgrade_ops_list(self) -> list[DowngradeOps]:
        """Return the downgrade containers."""
        return [self.downgrade_ops]

    def describe(self) -> str:
        return f"migration script {self.rev_id}"
