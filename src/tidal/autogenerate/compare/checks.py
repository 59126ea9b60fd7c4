"""Named check constraints, compared only with ``compare_check_constraints=True``.

Alembic does not compare check constraints. Tidal does when ``context.configure()``
says ``compare_check_constraints=True``: a named check of the models missing from the
database is added, a named one of the database missing from the models is dropped,
and one whose expression changed is dropped and added again. Expressions are compared
as the dialect's rules normalise them (quotes, casts, parentheses and spaces left out),
since databases write them back in their own way. A database check the models made
without a name (``Boolean(create_constraint=True)``) matches by its expression.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.compare.indexes import keep_name, on_table
from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import TableSnapshot
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import CreateCheckConstraintOp, DropConstraintOp

__all__ = ["OPTION", "check_sql", "checks_compared", "compare_checks"]

#: The ``context.configure()`` keyword that turns the comparison on.
OPTION = "compare_check_constraints"

#: Alembic's logger name, so env.py logging configuration shows these lines as it does.
log = logging.getLogger("alembic.autogenerate.compare.constraints")


def checks_compared(ctx: AutogenContext) -> bool:
    """Return True when ``compare_check_constraints`` is set."""
    return bool(ctx.opts.get(OPTION, False))


def _name(const: sa.CheckConstraint) -> str | None:
    name = const.name
    if name is None or type(name).__name__ == "_NoneName":
        return None
    return str(name)


def check_sql(ctx: AutogenContext, const: sa.CheckConstraint) -> str:
    """Return a model check's expression as the database's DDL writes it."""
    compiled = const.sqltext.compile(
        dialect=ctx.dialect, compile_kwargs={"literal_binds": True, "include_table": False}
    )
    return str(compiled)


def compare_checks(
    ctx: AutogenContext, model: sa.Table, snap: TableSnapshot, schema: str | None
) -> tuple[list[MigrateOperation], list[MigrateOperation]]:
    """Return ``(dropped, added)`` check constraint ops of one table on both sides."""
    if not checks_compared(ctx):
        return [], []
    norm = ctx.rules.normalize_check
    ours = [c for c in model.constraints if isinstance(c, sa.CheckConstraint)]
    unnamed = {norm(check_sql(ctx, c)) for c in ours if _name(c) is None}
    theirs = {str(c["name"]): str(c["sqltext"]) for c in snap.checks if c.get("name")}
    dropped: list[MigrateOperation] = []
    added: list[MigrateOperation] = []
    named = {_name(c): c for c in ours if _name(c) is not None}
    for name, const in sorted(named.items(), key=lambda kv: str(kv[0])):
        assert name is not None
        if not ctx.include_object(const, name, "check_constraint", False, None):
            continue
        sql = check_sql(ctx, const)
        found = theirs.get(name)
        if found is not None and norm(found) == norm(sql):
            continue
        if found is not None:
            log.info("Detected changed check constraint '%s' on '%s'", name, model.name)
            dropped.append(_drop(model.name, name, found, schema))
        else:
            log.info("Detected added check constraint '%s' on '%s'", name, model.name)
        add = CreateCheckConstraintOp(name, model.name, sa.text(sql), schema=schema)
        added.append(keep_name(add, const.name))
    for name, sql in sorted(theirs.items()):
        if name in named or norm(sql) in unnamed:
            continue
        parents: dict[str, Any] = {"table_name": model.name, "schema_name": schema}
        if not ctx.include_name(name, "check_constraint", parents):
            continue
        if not ctx.include_object(None, name, "check_constraint", True, None):
            continue
        log.info("Detected removed check constraint '%s' on '%s'", name, model.name)
        dropped.append(_drop(model.name, name, sql, schema))
    return dropped, added


def _drop(table: str, name: str, sql: str, schema: str | None) -> DropConstraintOp:
    add = CreateCheckConstraintOp(name, table, sa.text(sql), schema=schema)
    drop = DropConstraintOp(name, table, type_="check", schema=schema, _reverse=add)
    return on_table(drop, table)  # type: ignore[no-any-return]
