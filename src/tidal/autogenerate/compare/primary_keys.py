"""Primary keys of tables on both sides: a changed column list is a drop and a create.

Alembic does not compare primary keys. Here a key whose columns (in order) differ
becomes ``drop_constraint(..., type_='primary')`` then ``create_primary_key(...)``, the
new key named as the database will name it (the dialect's rules know how; some
databases take no name for it), so the downgrade can drop it again. Where keys have
no names and a table is rebuilt to change one, one
:class:`ReplacePrimaryKeyOp` does it: a ``create_primary_key`` that replaces the key,
whose reverse puts the old one back.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import TableSnapshot
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import CreatePrimaryKeyOp, DropConstraintOp

__all__ = ["AddPrimaryKeyOp", "ReplacePrimaryKeyOp", "compare_primary_key", "db_pk_columns"]

#: Alembic's logger name, so env.py logging configuration shows these lines as it does.
log = logging.getLogger("alembic.autogenerate.compare.constraints")


class AddPrimaryKeyOp(CreatePrimaryKeyOp):
    """``create_primary_key`` whose reverse drops the key by the name the database gave it."""

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: list[str],
        *,
        schema: str | None = None,
        drop_name: str | None = None,
    ) -> None:
        super().__init__(constraint_name, table_name, columns, schema=schema)
        self.drop_name = drop_name or constraint_name

    def reverse(self) -> DropConstraintOp:
        return DropConstraintOp(
            self.drop_name, self.table_name, type_="primary", schema=self.schema, _reverse=self
        )


class ReplacePrimaryKeyOp(CreatePrimaryKeyOp):
    """``create_primary_key`` on a database that rebuilds the table: the old key goes."""

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: list[str],
        old_columns: list[str],
        *,
        schema: str | None = None,
    ) -> None:
        super().__init__(constraint_name, table_name, columns, schema=schema)
        self.old_columns = list(old_columns)

    def reverse(self) -> ReplacePrimaryKeyOp:  # type: ignore[override]
        return ReplacePrimaryKeyOp(
            self.constraint_name,
            self.table_name,
            self.old_columns,
            self.columns,
            schema=self.schema,
        )


def db_pk_columns(ctx: AutogenContext, table: str, snap: TableSnapshot) -> list[str]:
    """Return the reflected key's columns, renamed columns under their new names."""
    cols = snap.pk.get("constrained_columns") or []
    return [ctx.column_renames.get((table, c), c) for c in cols]


def compare_primary_key(
    ctx: AutogenContext, model: sa.Table, snap: TableSnapshot, schema: str | None
) -> tuple[list[MigrateOperation], list[MigrateOperation]]:
    """Return ``(dropped, added)`` ops changing one table's primary key (none if the same)."""
    ours = [c.name for c in model.primary_key.columns]
    theirs = db_pk_columns(ctx, model.name, snap)
    if ours == theirs:
        return [], []
    log.info("Detected changed primary key on '%s': %s -> %s", model.name, theirs, ours)
    rules = ctx.rules
    if rules.rebuilds_for_constraints and not snap.pk.get("name"):
        name: Any = model.primary_key.name
        return [], [ReplacePrimaryKeyOp(name, model.name, ours, theirs, schema=schema)]
    dropped: list[MigrateOperation] = []
    added: list[MigrateOperation] = []
    if theirs:
        old_name = snap.pk.get("name") or rules.primary_key_name(snap.name)
        old = _add(rules, None, model.name, theirs, schema, old_name)
        dropped.append(old.reverse())
    if ours:
        added.append(_add(rules, model.primary_key.name, model.name, ours, schema, None))
    return dropped, added


def _add(
    rules: Any,
    name: Any,
    table: str,
    columns: list[str],
    schema: str | None,
    known: str | None,
) -> AddPrimaryKeyOp:
    """Return the op creating a key, named as the database will name it where it can be."""
    given = name or known or rules.primary_key_name(table)
    create = given if rules.names_primary_keys else None
    return AddPrimaryKeyOp(create, table, columns, schema=schema, drop_name=given)
