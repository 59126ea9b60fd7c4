"""An unnamed foreign key changed on an existing table: the downgrade drops it by the name the
database gave it (``<table>_<cols>_fkey`` on PostgreSQL, ``<table>_ibfk_<n>`` on MariaDB).

Alembic writes ``op.drop_constraint(None, ...)`` there, which cannot run. SQLite changes a key
by rebuilding the table: the drop is written in batch mode with a naming convention that names
the reflected key (Alembic's documented way), in both directions.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from tests.autogenerate.roundtrip import round_trip


def _models(ondelete: str, second: bool) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("owners", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    columns = [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("owner_id", sa.ForeignKey("owners.id", ondelete=ondelete)),
        sa.Column("backup_id", sa.Integer),
    ]
    if second:
        columns[2] = sa.Column("backup_id", sa.ForeignKey("owners.id"))
    # Indexed, so MariaDB makes no index of its own for the new key (one the downgrade of
    # create_foreign_key would leave behind, as Alembic's does).
    sa.Table("items", md, *columns, sa.Index("ix_items_backup_id", "backup_id"))
    return md


def test_unnamed_foreign_keys_changed_and_added(db_url: str, tmp_path: Path) -> None:
    script = round_trip(
        tmp_path / "p",
        db_url,
        _models("CASCADE", second=False),
        _models("SET NULL", second=True),
        rows=(
            "INSERT INTO owners (id) VALUES (1)",
            "INSERT INTO items (id, owner_id) VALUES (1, 1)",
        ),
    )
    upgrade, downgrade = script.split("def downgrade", 1)
    if db_url.startswith("postgresql"):
        assert "drop_constraint('items_owner_id_fkey', 'items'" in downgrade
        assert "drop_constraint('items_backup_id_fkey', 'items'" in downgrade
    elif db_url.startswith("mysql"):
        # InnoDB numbers on from the highest: the old key (ibfk_1) is dropped first.
        assert "drop_constraint('items_ibfk_1', 'items'" in downgrade
        assert "drop_constraint('items_ibfk_2', 'items'" in downgrade
    else:
        convention = (
            "naming_convention={'fk': "
            "'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s'}"
        )
        assert convention in upgrade and convention in downgrade
        assert "batch_op.drop_constraint('fk_items_owner_id_owners'" in upgrade
        assert "batch_op.drop_constraint('fk_items_backup_id_owners'" in downgrade
