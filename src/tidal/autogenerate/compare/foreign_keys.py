"""Foreign keys, matched by what they say (columns, target, actions), not by name."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from tidal.autogenerate.compare.indexes import keep_name, on_table
from tidal.autogenerate.context import AutogenContext
from tidal.operations.core import MigrateOperation
from tidal.operations.ops import AddConstraintOp, DropConstraintOp

__all__ = ["compare_foreign_keys", "fk_signature"]

#: Alembic's logger name, so env.py logging configuration shows these lines as it does.
log = logging.getLogger("alembic.autogenerate.compare.constraints")

Signature = tuple[tuple[str, ...], str | None, str, tuple[str, ...], str | None, str | None]


def fk_signature(
    ctx: AutogenContext, fk: sa.ForeignKeyConstraint, renamed_in: str | None = None
) -> Signature:
    """Return what identifies a foreign key: local columns, target, ON DELETE/UPDATE.

    ``renamed_in``: for a reflected key, the table's name in the models; the renames
    detected so far are applied, so a renamed table or column is not a changed key.
    """
    first = fk.elements[0]
    parts = first.target_fullname.split(".")
    ref_table = parts[-2]
    ref_schema = ".".join(parts[:-2]) or None
    local = tuple(fk.column_keys)
    remote = tuple(e.target_fullname.split(".")[-1] for e in fk.elements)
    if renamed_in is not None:
        cols = ctx.column_renames
        local = tuple(cols.get((renamed_in, c), c) for c in local)
        ref_table = ctx.table_renames.get(ref_table, ref_table)
        remote = tuple(cols.get((ref_table, c), c) for c in remote)
    rules = ctx.rules
    return (
        local,
        ctx.model_schema(ref_schema) if ref_schema else None,
        ref_table,
        remote,
        rules.normalize_fk_action(fk.ondelete),
        rules.normalize_fk_action(fk.onupdate),
    )


def _fks(table: sa.Table) -> list[sa.ForeignKeyConstraint]:
    return sorted(
        (c for c in table.constraints if isinstance(c, sa.ForeignKeyConstraint)),
        key=lambda c: (str(c.name), tuple(c.column_keys)),
    )


#: How batch mode names a reflected unnamed foreign key so that a drop can refer to it.
FK_CONVENTION = "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"


def _conventional_name(table: str, fk: sa.ForeignKeyConstraint) -> str:
    referred = fk.elements[0].target_fullname.split(".")[-2] if fk.elements else ""
    return FK_CONVENTION % {
        "table_name": table,
        "column_0_name": fk.column_keys[0] if fk.column_keys else "",
        "referred_table_name": referred,
    }


def compare_foreign_keys(
    ctx: AutogenContext, model: sa.Table, db: sa.Table
) -> tuple[list[MigrateOperation], list[MigrateOperation]]:
    """Return ``(dropped, added)`` foreign key ops of one table present on both sides."""
    db_by_sig: dict[Signature, sa.ForeignKeyConstraint] = {}
    for fk in _fks(db):
        db_by_sig.setdefault(fk_signature(ctx, fk, model.name), fk)
    included: list[tuple[sa.ForeignKeyConstraint, str | None, Signature]] = []
    for fk in _fks(model):
        name = str(fk.name) if fk.name else None
        if ctx.include_object(fk, name, "foreign_key_constraint", False, None):
            included.append((fk, name, fk_signature(ctx, fk)))
    model_sigs = {sig for _, _, sig in included}
    removed: list[tuple[Signature, sa.ForeignKeyConstraint]] = []
    for sig, fk in db_by_sig.items():
        if sig in model_sigs:
            continue
        parents: dict[str, Any] = {"table_name": model.name, "schema_name": model.schema}
        name = str(fk.name) if fk.name else None
        if not ctx.include_name(name, "foreign_key_constraint", parents):
            continue
        if ctx.include_object(fk, name, "foreign_key_constraint", True, None):
            removed.append((sig, fk))
    # The names the table's keys have when the new ones are added (dropped ones go first).
    taken = {str(fk.name) for fk in db_by_sig.values() if fk.name}
    taken -= {str(fk.name) for _, fk in removed}
    added: list[MigrateOperation] = []
    for fk, name, sig in included:
        if sig not in db_by_sig:
            log.info("Detected added foreign key (%s) on table %s", ", ".join(sig[0]), model.name)
            add = keep_name(AddConstraintOp.from_constraint(fk), fk.name)
            given = name or ctx.rules.foreign_key_name(model.name, list(sig[0]), taken)
            if name is None and given is None and ctx.rules.rebuilds_for_constraints:
                # Dropped by a rebuild: batch mode names it by the convention.
                given = _conventional_name(model.name, fk)
                add.default_name_convention = {"fk": FK_CONVENTION}
            if name is None:  # the downgrade drops it by the name the database gives it
                add.default_name = given
            if given:
                taken.add(given)
            added.append(add)
    dropped: list[MigrateOperation] = []
    for sig, fk in removed:
        log.info("Detected removed foreign key (%s) on table %s", ", ".join(sig[0]), model.name)
        drop = on_table(keep_name(DropConstraintOp.from_constraint(fk), fk.name), model.name)
        if not fk.name and ctx.rules.rebuilds_for_constraints:
            # The table is rebuilt without it: batch mode names the reflected key through a
            # naming convention, so the drop can say which one (Alembic's documented way).
            drop.constraint_name = _conventional_name(model.name, fk)
            drop.info["naming_convention"] = {"fk": FK_CONVENTION}
        dropped.append(drop)
    return dropped, added
