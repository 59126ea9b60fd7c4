"""Table and column comments (only where the database keeps them)."""

from __future__ import annotations

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import TableSnapshot
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import CreateTableCommentOp, DropTableCommentOp

__all__ = ["compare_table_comment", "comments_compared"]


def comments_compared(ctx: AutogenContext) -> bool:
    """Return True when the database stores comments (so differences are real)."""
    return bool(ctx.dialect.supports_comments)


def compare_table_comment(
    ctx: AutogenContext, model: sa.Table, snap: TableSnapshot
) -> list[MigrateOperation]:
    """Return the op setting or dropping the table's comment, if it changed."""
    if not comments_compared(ctx) or (model.comment or None) == (snap.comment or None):
        return []
    if model.comment is None:
        return [DropTableCommentOp(model.name, schema=snap.schema, existing_comment=snap.comment)]
    return [
        CreateTableCommentOp(
            model.name, model.comment, schema=snap.schema, existing_comment=snap.comment
        )
    ]
