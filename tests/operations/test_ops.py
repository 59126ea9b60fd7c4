"""``tidal.operations.ops``: Alembic's names, from_* constructors, reverse, diff tuples."""

from __future__ import annotations

import sqlalchemy as sa
from tests.operations.helpers import render

from tidal.operations import ops


def _table() -> sa.Table:
    metadata = sa.MetaData()
    sa.Table("o", metadata, sa.Column("id", sa.Integer, primary_key=True), schema="r")
    return sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("oid", sa.Integer),
        sa.ForeignKeyConstraint(["oid"], ["r.o.id"], name="fk_t_o", ondelete="CASCADE"),
        sa.UniqueConstraint("a", name="uq_t_a"),
        sa.CheckConstraint("a > 0", name="ck_t_a"),
        sa.Index("ix_t_a", "a", unique=True),
    )


def test_alembic_names_are_exported() -> None:
    for name in (
        "CreateTableOp",
        "AddColumnOp",
        "AlterColumnOp",
        "MigrateOperation",
        "UpgradeOps",
        "DowngradeOps",
        "MigrationScript",
        "ModifyTableOps",
        "OpContainer",
        "CreateIndexOp",
        "DropConstraintOp",
        "BulkInsertOp",
        "ExecuteSQLOp",
    ):
        assert name in ops.__all__ and hasattr(ops, name)


def test_from_constraint_and_index_render_and_reverse() -> None:
    table = _table()
    fk = next(iter(table.foreign_key_constraints))
    add_fk = ops.AddConstraintOp.from_constraint(fk)
    assert isinstance(add_fk, ops.CreateForeignKeyOp)
    out = render("postgresql", lambda op: op.invoke(add_fk))
    assert "ADD CONSTRAINT fk_t_o FOREIGN KEY(oid) REFERENCES r.o (id) ON DELETE CASCADE" in out
    drop = ops.DropConstraintOp.from_constraint(fk)
    assert drop.reverse() is not None and drop.to_diff_tuple()[0] == "remove_fk"
    index = next(iter(table.indexes))
    create = ops.CreateIndexOp.from_index(index)
    assert "CREATE UNIQUE INDEX ix_t_a ON t (a)" in render("sqlite", lambda op: op.invoke(create))
    assert ops.DropIndexOp.from_index(index).reverse().index_name == "ix_t_a"


def test_columns_and_containers() -> None:
    table = _table()
    add = ops.AddColumnOp.from_column(table.c.a)
    assert add.to_diff_tuple() == ("add_column", None, "t", table.c.a)
    drop = ops.DropColumnOp.from_column_and_tablename(None, "t", table.c.a)
    assert drop.reverse().column is table.c.a
    alter = ops.AlterColumnOp("t", "a", modify_nullable=False, existing_nullable=True)
    back = alter.reverse()
    assert back.modify_nullable is True and back.existing_nullable is False
    upgrade = ops.UpgradeOps([ops.ModifyTableOps("t", [add, alter])])
    downgrade = upgrade.reverse()
    assert isinstance(downgrade, ops.DowngradeOps)
    inner = downgrade.ops[0]
    assert isinstance(inner, ops.ModifyTableOps)
    assert [type(o).__name__ for o in inner.ops] == ["AlterColumnOp", "DropColumnOp"]
    script = ops.MigrationScript("abc", upgrade, downgrade, message="m")
    assert script.upgrade_ops_list == [upgrade] and not upgrade.is_empty()


def test_alter_column_diffs_flatten_in_containers() -> None:
    alter = ops.AlterColumnOp(
        "t", "a", modify_nullable=False, existing_nullable=True, modify_type=sa.String(5)
    )
    diffs = ops.UpgradeOps([ops.ModifyTableOps("t", [alter])]).as_diffs()
    assert [d[0] for d in diffs] == ["modify_type", "modify_nullable"]
    assert diffs[1][1:4] == (None, "t", "a") and diffs[1][5:] == (True, False)
