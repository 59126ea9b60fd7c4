"""Model sets for the autogenerate tests: a base schema and the changes made to it."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa


def rich_metadata(dialect_name: str) -> sa.MetaData:
    """Return models using the types and defaults ``check`` must not misreport."""
    md = sa.MetaData()
    sa.Table(
        "parent",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, server_default="x", comment="name"),
        sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column(
            "flag",
            sa.Boolean(create_constraint=True),
            server_default=sa.text("true" if dialect_name == "postgresql" else "1"),
        ),
        sa.Column("kind", sa.Enum("a", "b", name="kind_enum")),
        sa.Column("doc", sa.JSON),
        sa.Column("body", sa.Text),
        sa.Column("ratio", sa.Float),
        sa.Column("big", sa.BigInteger),
        sa.Index("ix_parent_name", "name"),
        sa.UniqueConstraint("amount", name="uq_parent_amount"),
        comment="parents",
    )
    sa.Table(
        "child",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "parent_id",
            sa.ForeignKey("parent.id", ondelete="CASCADE", name="fk_child_parent"),
            nullable=False,
        ),
        sa.Column("code", sa.String(20), unique=True),
        sa.Column("n", sa.Integer, index=True),
    )
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql as pg

        sa.Table(
            "pg_extra",
            md,
            sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
            sa.Column("tags", pg.ARRAY(sa.Integer)),
            sa.Column("data", pg.JSONB),
            sa.Column("name", sa.String(30)),
            sa.Index("ix_pg_lower", sa.func.lower(sa.column("name"))),
            sa.Index("ix_pg_partial", "name", postgresql_where=sa.text("id > 5")),
        )
    return md


Change = Callable[[sa.MetaData], None]


def add_table(md: sa.MetaData) -> None:
    """Add a table with a foreign key to an existing one."""
    sa.Table(
        "extra",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.ForeignKey("parent.id")),
    )


def drop_child(md: sa.MetaData) -> None:
    """Remove the child table."""
    md.remove(md.tables["child"])


def add_column(md: sa.MetaData) -> None:
    """Add a nullable column."""
    md.tables["parent"].append_column(sa.Column("note", sa.String(40)))


def drop_column(md: sa.MetaData) -> None:
    """Remove a plain column."""
    table = md.tables["parent"]
    table._columns.remove(table.c.body)


def widen_type(md: sa.MetaData) -> None:
    """Change a column's type."""
    md.tables["parent"].c.name.type = sa.String(80)


def make_nullable(md: sa.MetaData) -> None:
    """Allow NULL in a NOT NULL column."""
    md.tables["parent"].c.name.nullable = True


def add_index(md: sa.MetaData) -> None:
    """Index a column."""
    sa.Index("ix_parent_big", md.tables["parent"].c.big)


def drop_index(md: sa.MetaData) -> None:
    """Remove an index."""
    table = md.tables["parent"]
    table.indexes = {i for i in table.indexes if i.name != "ix_parent_name"}


def add_unique(md: sa.MetaData) -> None:
    """Add a named unique constraint."""
    md.tables["parent"].append_constraint(sa.UniqueConstraint("big", name="uq_parent_big"))


def drop_unique(md: sa.MetaData) -> None:
    """Remove a named unique constraint."""
    table = md.tables["parent"]
    for const in list(table.constraints):
        if const.name == "uq_parent_amount":
            table.constraints.remove(const)


def add_fk(md: sa.MetaData) -> None:
    """Add a foreign key on an existing column."""
    md.tables["child"].append_constraint(
        sa.ForeignKeyConstraint(["n"], ["parent.id"], name="fk_child_n")
    )


def drop_fk(md: sa.MetaData) -> None:
    """Remove the child's foreign key (the column stays)."""
    table = md.tables["child"]
    for const in list(table.constraints):
        if isinstance(const, sa.ForeignKeyConstraint):
            table.constraints.remove(const)
    table.c.parent_id.foreign_keys.clear()


def change_comment(md: sa.MetaData) -> None:
    """Change a table comment and a column comment."""
    md.tables["parent"].comment = "all parents"
    md.tables["parent"].c.name.comment = "the name"


def rename_column(md: sa.MetaData) -> None:
    """Rename parent.body to parent.content (same type and nullability)."""
    table = md.tables["parent"]
    table._columns.remove(table.c.body)
    table.append_column(sa.Column("content", sa.Text))


def rename_table(md: sa.MetaData) -> None:
    """Rename child to kid, keeping its columns, key and indexes."""
    md.remove(md.tables["child"])
    sa.Table(
        "kid",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "parent_id",
            sa.ForeignKey("parent.id", ondelete="CASCADE", name="fk_child_parent"),
            nullable=False,
        ),
        sa.Column("code", sa.String(20), unique=True),
        sa.Column("n", sa.Integer, index=True),
    )


#: Changes a drop and an add would lose data on; Tidal renames.
RENAMES: dict[str, Change] = {f.__name__: f for f in (rename_column, rename_table)}

CHANGES: dict[str, Change] = {
    f.__name__: f
    for f in (
        add_table,
        drop_child,
        add_column,
        drop_column,
        widen_type,
        make_nullable,
        add_index,
        drop_index,
        add_unique,
        drop_unique,
        add_fk,
        drop_fk,
        change_comment,
    )
}
