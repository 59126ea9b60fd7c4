"""Column types: the model's against the reflected one (``compare_type``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext

__all__ = ["type_changed"]


def type_changed(ctx: AutogenContext, model_col: sa.Column[Any], db_col: sa.Column[Any]) -> bool:
    """Return True when the column's type should be altered.

    ``compare_type`` may be False (never), True (the dialect's rules) or Alembic's
    callable ``(context, inspected_column, metadata_column, inspected_type,
    metadata_type)``, whose None means "use the rules".
    """
    setting = ctx.opts.get("compare_type", True)
    if setting is False:
        return False
    if callable(setting):
        answer = setting(ctx.migration_context, db_col, model_col, db_col.type, model_col.type)
        if answer is not None:
            return bool(answer)
    if isinstance(model_col.type, sa.types.NullType) or isinstance(db_col.type, sa.types.NullType):
        return False
    return ctx.rules.types_differ(model_col.type, db_col.type, ctx.dialect)
