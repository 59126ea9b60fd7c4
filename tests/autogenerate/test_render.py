"""Rendering operations as Alembic writes them (pure: no database)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.sql.elements import conv

from tidal.autogenerate import render_python_code
from tidal.autogenerate.render import FOOTER, HEADER
from tidal.autogenerate.render_items import RenderOptions, render_column, render_type
from tidal.operations import ops


def _table() -> sa.Table:
    md = sa.MetaData()
    sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
    return sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, server_default="x", comment="c"),
        sa.Column("p_id", sa.ForeignKey("p.id", ondelete="CASCADE")),
        sa.UniqueConstraint("name", name="uq_t_name"),
        comment="table t",
    )


def test_create_table_as_alembic_writes_it() -> None:
    up = ops.UpgradeOps([ops.CreateTableOp.from_table(_table())])
    assert render_python_code(up) == (
        f"{HEADER}\n"
        "    op.create_table('t',\n"
        "    sa.Column('id', sa.Integer(), nullable=False),\n"
        "    sa.Column('name', sa.String(length=50), server_default='x', nullable=False,"
        " comment='c'),\n"
        "    sa.Column('p_id', sa.Integer(), nullable=True),\n"
        "    sa.ForeignKeyConstraint(['p_id'], ['p.id'], ondelete='CASCADE'),\n"
        "    sa.PrimaryKeyConstraint('id'),\n"
        "    sa.UniqueConstraint('name', name='uq_t_name'),\n"
        "    comment='table t'\n"
        "    )\n"
        f"    {FOOTER}"
    )


def test_empty_is_pass() -> None:
    assert render_python_code(ops.UpgradeOps([])) == f"{HEADER}\n    pass\n    {FOOTER}"


def test_alter_column_layout() -> None:
    op = ops.AlterColumnOp(
        "t",
        "name",
        existing_type=sa.VARCHAR(length=50),
        modify_type=sa.String(80),
        modify_nullable=True,
        existing_nullable=False,
        existing_server_default=sa.DefaultClause(sa.text("'x'")),
    )
    text = render_python_code(ops.UpgradeOps([op]))
    assert (
        "    op.alter_column('t', 'name',\n"
        "               existing_type=sa.VARCHAR(length=50),\n"
        "               type_=sa.String(length=80),\n"
        "               nullable=True,\n"
        "               existing_server_default=sa.text(\"'x'\"))"
    ) in text


def test_convention_names_use_op_f() -> None:
    up = ops.UpgradeOps(
        [
            ops.DropIndexOp(conv("ix_t_name"), "t"),
            ops.DropConstraintOp(conv("uq_t_name"), "t", type_="unique"),
        ]
    )
    text = render_python_code(up)
    assert "op.drop_index(op.f('ix_t_name'), table_name='t')" in text
    assert "op.drop_constraint(op.f('uq_t_name'), 't', type_='unique')" in text


def test_dialect_types_get_their_module_and_import() -> None:
    ro = RenderOptions({})
    assert render_type(pg.ARRAY(sa.Integer()), ro) == "postgresql.ARRAY(sa.Integer())"
    assert render_type(pg.JSONB(), ro) == "postgresql.JSONB(astext_type=sa.Text())"
    assert ro.imports == {"from sqlalchemy.dialects import postgresql"}


def test_user_module_prefix_for_own_types() -> None:
    class Money(sa.types.TypeDecorator[int]):
        impl = sa.Integer
        cache_ok = True

    ro = RenderOptions({"user_module_prefix": "mytypes."})
    assert render_type(Money(), ro) == "mytypes.Money()"


def test_render_item_hook_wins() -> None:
    def hook(type_: str, obj: object, autogen_context: object) -> str | bool:
        return "MyCol()" if type_ == "column" else False

    ro = RenderOptions({"render_item": hook})
    assert render_column(sa.Column("x", sa.Integer), ro) == "MyCol()"


def test_render_as_batch() -> None:
    table = _table()
    up = ops.UpgradeOps(
        [ops.ModifyTableOps("t", [ops.AddColumnOp("t", sa.Column("z", sa.Integer))])]
    )
    text = render_python_code(up, render_as_batch=True)
    assert (
        "    with op.batch_alter_table('t', schema=None) as batch_op:\n"
        "        batch_op.add_column(sa.Column('z', sa.Integer(), nullable=True))"
    ) in text
    assert table.name == "t"


def test_downgrade_is_the_reverse() -> None:
    up = ops.UpgradeOps(
        [ops.CreateTableOp.from_table(_table()), ops.AddColumnOp("x", sa.Column("y", sa.Integer))]
    )
    down = render_python_code(up.reverse())
    assert down.index("op.drop_column('x', 'y')") < down.index("op.drop_table('t')")
