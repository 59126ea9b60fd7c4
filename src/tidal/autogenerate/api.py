"""The public API: ``compare_metadata``, ``produce_migrations``, ``render_python_code``.

Alembic's names and signatures; ``context`` is a MigrationContext with a connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tidal.autogenerate.compare import compare_tables
from tidal.autogenerate.compare.data_loss import mark_data_loss
from tidal.autogenerate.compare.enums import EnumTypeOp
from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.render import render_ops
from tidal.autogenerate.render_items import RenderOptions
from tidal.errors import TidalError
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import (
    AlterColumnOp,
    CreateTableCommentOp,
    DropIndexOp,
    DropTableCommentOp,
    MigrationScript,
    OpContainer,
    RenameTableOp,
    UpgradeOps,
)

__all__ = [
    "compare_metadata",
    "diffs_of",
    "produce_migrations",
    "render_python_code",
    "render_script_ops",
]


def _require_connection(ctx: AutogenContext) -> None:
    if ctx.connection is None:
        raise TidalError(
            "autogenerate needs a database connection, not --sql mode",
            "run without --sql, with a reachable sqlalchemy.url",
        )


def produce_migrations(
    context: Any, metadata: Any, opts: dict[str, Any] | None = None
) -> MigrationScript:
    """Compare ``metadata`` with the database of ``context``; return a MigrationScript.

    ``opts`` overrides the context's options (Tidal's ``detect_renames`` among them;
    off here, as Alembic's API finds no renames, and on for ``revision``/``check``).
    """
    ctx = AutogenContext(context, metadata, opts)
    _require_connection(ctx)
    upgrade = UpgradeOps(compare_tables(ctx))
    mark_data_loss(ctx, upgrade.ops)
    return MigrationScript(rev_id=None, upgrade_ops=upgrade, downgrade_ops=upgrade.reverse())


def compare_metadata(context: Any, metadata: Any) -> list[Any]:
    """Return Alembic's diff list: tuples, and a list of tuples per altered column."""
    return diffs_of(produce_migrations(context, metadata).upgrade_ops)


def _alter_diffs(op: AlterColumnOp) -> list[tuple[Any, ...]]:
    base = (op.schema, op.table_name, op.column_name)
    existing = {
        "existing_nullable": op.existing_nullable,
        "existing_server_default": op.existing_server_default or None,
        "existing_comment": op.existing_comment,
    }
    out: list[tuple[Any, ...]] = []
    if op.modify_name is not None:  # Tidal only: Alembic sees a drop and an add
        out.append(("rename_column", *base, op.modify_name))
    if op.modify_type is not None:
        out.append(("modify_type", *base, existing, op.existing_type, op.modify_type))
    if op.modify_nullable is not None:
        kw = {**existing, "existing_type": op.existing_type}
        del kw["existing_nullable"]
        out.append(("modify_nullable", *base, kw, op.existing_nullable, op.modify_nullable))
    if op.modify_server_default is not False:
        kw = {**existing, "existing_type": op.existing_type}
        del kw["existing_server_default"]
        out.append(
            ("modify_default", *base, kw, op.existing_server_default, op.modify_server_default)
        )
    if op.modify_comment is not False:
        kw = {**existing, "existing_type": op.existing_type}
        del kw["existing_comment"]
        out.append(("modify_comment", *base, kw, op.existing_comment, op.modify_comment))
    return out


def _walk(ops: list[MigrateOperation]) -> Iterator[Any]:
    for op in ops:
        if isinstance(op, OpContainer):
            yield from _walk(op.ops)
        elif isinstance(op, AlterColumnOp):
            yield _alter_diffs(op)
        elif isinstance(op, CreateTableCommentOp):
            yield ("add_table_comment", op.table_name, op.comment, op.existing_comment)
        elif isinstance(op, EnumTypeOp):
            if op.up:  # a type that create/drop_table handles by itself is no difference
                yield op.to_diff_tuple()
        elif isinstance(op, RenameTableOp):  # Tidal only: Alembic sees a drop and an add
            yield ("rename_table", op.schema, op.table_name, op.new_table_name)
        elif isinstance(op, DropIndexOp) and op._reverse is not None:
            yield ("remove_index", op._reverse.to_index())
        elif isinstance(op, DropTableCommentOp):
            yield ("remove_table_comment", op.table_name, op.existing_comment)
        else:
            yield op.to_diff_tuple()


def diffs_of(container: OpContainer) -> list[Any]:
    """Return the diffs of every operation in ``container``, nested ones flattened."""
    return list(_walk(container.ops))


def render_python_code(
    up_or_down_op: OpContainer,
    sqlalchemy_module_prefix: str = "sa.",
    alembic_module_prefix: str = "op.",
    render_as_batch: bool = False,
    imports: Any = (),
    render_item: Any = None,
    migration_context: Any = None,
    user_module_prefix: str | None = None,
) -> str:
    """Return the Python source of an UpgradeOps/DowngradeOps, as Alembic renders it."""
    opts = {
        "sqlalchemy_module_prefix": sqlalchemy_module_prefix,
        "alembic_module_prefix": alembic_module_prefix,
        "render_as_batch": render_as_batch,
        "render_item": render_item,
        "user_module_prefix": user_module_prefix,
    }
    dialect = getattr(migration_context, "dialect", None)
    ro = RenderOptions(opts, dialect)
    ro.imports.update(imports)
    return render_ops(up_or_down_op.ops, ro)


def render_script_ops(script: MigrationScript, context: Any) -> dict[str, str]:
    """Return the template variables (upgrades, downgrades, imports) of a MigrationScript."""
    opts = dict(getattr(context, "opts", {}) or {})
    ro = RenderOptions(opts, getattr(context, "dialect", None))
    ro.autogen_context = AutogenContext(context) if context is not None else None
    ro.imports.update(script.imports)
    up_token = str(opts.get("upgrade_token") or "upgrades")
    down_token = str(opts.get("downgrade_token") or "downgrades")
    out = {
        up_token: render_ops(script.upgrade_ops.ops, ro),
        down_token: render_ops(script.downgrade_ops.ops, ro),
    }
    out["imports"] = "\n".join(sorted(ro.imports))
    return out
