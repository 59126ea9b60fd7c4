"""Server defaults: compared only with ``compare_server_default``, normalised per dialect."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext

__all__ = ["default_changed", "model_default_sql"]


def model_default_sql(ctx: AutogenContext, col: sa.Column[Any]) -> str | None:
    """Return the model's server default as the dialect would write it in DDL."""
    default = col.server_default
    if default is None or not isinstance(default, sa.DefaultClause):
        return None
    compiler = ctx.dialect.ddl_compiler(ctx.dialect, None)  # type: ignore[arg-type]
    text = compiler.get_column_default_string(col)
    return None if text is None else str(text)


def default_changed(ctx: AutogenContext, model_col: sa.Column[Any], db_col: sa.Column[Any]) -> bool:
    """Return True when the server default should be altered.

    Off unless ``compare_server_default`` is set, as in Alembic; a callable gets
    ``(context, inspected_column, metadata_column, inspected_default,
    metadata_default, rendered_metadata_default)`` and None means "use the rules".
    """
    setting = ctx.opts.get("compare_server_default", False)
    if setting is False or model_col.computed is not None or db_col.computed is not None:
        return False
    model_sql = model_default_sql(ctx, model_col)
    db_default = db_col.server_default
    db_sql = (
        str(db_default.arg.text)
        if isinstance(db_default, sa.DefaultClause) and isinstance(db_default.arg, sa.TextClause)
        else None
    )
    if callable(setting):
        answer = setting(
            ctx.migration_context, db_col, model_col, db_sql, model_col.server_default, model_sql
        )
        if answer is not None:
            return bool(answer)
    if model_col.autoincrement is True or (
        model_col.primary_key and model_sql is None and db_sql is not None
    ):
        return False
    rules = ctx.rules
    return rules.normalize_default(model_sql) != rules.normalize_default(db_sql)
