"""A dropped table and a created one that reuse an index or constraint name.

PostgreSQL keeps index and unique/primary-key names per schema, MariaDB foreign-key names,
SQLite index names: creating the new table before dropping the old one fails there. When the
names collide, the old table goes first (after the foreign keys that point at it).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from tests.autogenerate.roundtrip import round_trip


def _models(table: str, extra: bool) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("owners", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    columns = [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("owner_id", sa.Integer),
        sa.Column("code", sa.String(10)),
        sa.Column("x", sa.Integer),
    ]
    if extra:
        columns.append(sa.Column("note", sa.String(20)))
    sa.Table(
        table,
        md,
        *columns,
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"], name="fk_shared_owner"),
        sa.UniqueConstraint("code", name="uq_shared_code"),
        sa.Index("ix_shared_x", "x"),
    )
    sa.Table(
        "notes",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ref", sa.Integer),
        sa.ForeignKeyConstraint(["ref"], [f"{table}.id"], name=f"fk_notes_{table}"),
    )
    return md


def test_replaced_table_reusing_names(db_url: str, tmp_path: Path) -> None:
    # The new table has another column, so it is not taken for a rename: drop + create.
    script = round_trip(
        tmp_path / "p",
        db_url,
        _models("old_items", extra=False),
        _models("items", extra=True),
        rows=("INSERT INTO owners (id) VALUES (1)",),
    )
    upgrade = script.split("def downgrade", 1)[0]
    assert "op.rename_table" not in upgrade
    assert upgrade.index("op.drop_table('old_items')") < upgrade.index("op.create_table('items'")
