"""Every operation class under Alembic's names (``alembic.operations.ops``)."""

from __future__ import annotations

from tidal.operations.columns import AddColumnOp, AlterColumnOp, DropColumnOp
from tidal.operations.constraints import (
    AddConstraintOp,
    CreateCheckConstraintOp,
    CreateExcludeConstraintOp,
    CreateForeignKeyOp,
    CreatePrimaryKeyOp,
    CreateUniqueConstraintOp,
    DropConstraintOp,
)
from tidal.operations.containers import (
    DowngradeOps,
    MigrationScript,
    ModifyTableOps,
    OpContainer,
    UpgradeOps,
)
from tidal.operations.core import MigrateOperation
from tidal.operations.data import BulkInsertOp, ExecuteSQLOp
from tidal.operations.indexes import CreateIndexOp, DropIndexOp
from tidal.operations.tables import (
    CreateTableCommentOp,
    CreateTableOp,
    DropTableCommentOp,
    DropTableOp,
    RenameTableOp,
)

__all__ = [
    "AddColumnOp",
    "AddConstraintOp",
    "AlterColumnOp",
    "AlterTableOp",
    "BulkInsertOp",
    "CreateCheckConstraintOp",
    "CreateExcludeConstraintOp",
    "CreateForeignKeyOp",
    "CreateIndexOp",
    "CreatePrimaryKeyOp",
    "CreateTableCommentOp",
    "CreateTableOp",
    "CreateUniqueConstraintOp",
    "DowngradeOps",
    "DropColumnOp",
    "DropConstraintOp",
    "DropIndexOp",
    "DropTableCommentOp",
    "DropTableOp",
    "ExecuteSQLOp",
    "MigrateOperation",
    "MigrationScript",
    "ModifyTableOps",
    "OpContainer",
    "RenameTableOp",
    "UpgradeOps",
]

#: Alembic's base of the ALTER-style ops; here every op derives from MigrateOperation.
AlterTableOp = MigrateOperation
