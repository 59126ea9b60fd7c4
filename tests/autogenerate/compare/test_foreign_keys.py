"""An unnamed foreign key changed on an existing table: the downgrade drops it by the name the
database gave it (``<table>_<cols>_fkey`` on PostgreSQL, ``<table>_ibfk_<n>`` on MariaDB).

Alembic writes ``op.drop_constraint(None, ...)`` there, which cannot run. (SQLite changes a
foreign key by rebuilding the table, and an unnamed one needs a naming convention there, as in
Alembic.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
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


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param("pg_url", marks=pytest.mark.postgresql),
        pytest.param("mariadb_url", marks=pytest.mark.mariadb),
    ],
)
def test_unnamed_foreign_keys_changed_and_added(
    fixture: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db_url = str(request.getfixturevalue(fixture))
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
    downgrade = script.split("def downgrade", 1)[1]
    if db_url.startswith("postgresql"):
        assert "drop_constraint('items_owner_id_fkey', 'items'" in downgrade
        assert "drop_constraint('items_backup_id_fkey', 'items'" in downgrade
    elif db_url.startswith("mysql"):
        # InnoDB numbers on from the highest: the old key (ibfk_1) is dropped first.
        assert "drop_constraint('items_ibfk_1', 'items'" in downgrade
        assert "drop_constraint('items_ibfk_2', 'items'" in downgrade
