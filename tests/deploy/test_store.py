"""tidal.deploy.store: backup names by database and UTC time, pruning per database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tidal.deploy.store import BackupStore
from tidal.errors import BackupError, UsageError

UTC = timezone.utc
T0 = datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC)


def touch(store: BackupStore, when: datetime) -> Path:
    path = store.new_path(when)
    path.write_text("x")
    return path


def test_names_carry_the_database_and_utc_time(tmp_path: Path) -> None:
    store = BackupStore(tmp_path, "postgresql_db_5432_shop", ".dump")
    local = T0.astimezone(datetime.now().astimezone().tzinfo)
    assert store.new_path(local).name == "postgresql_db_5432_shop_20261202T030405Z.dump"


def test_same_second_gets_a_free_name(tmp_path: Path) -> None:
    store = BackupStore(tmp_path, "sqlite_app", ".sqlite3")
    first, second = touch(store, T0), touch(store, T0)
    assert first != second and second.name == "sqlite_app_20261202T030405Z_1.sqlite3"
    assert store.backups() == [first, second]


def test_prune_keeps_the_newest_of_this_database_only(tmp_path: Path) -> None:
    shop = BackupStore(tmp_path, "sqlite_shop", ".sqlite3")
    other = BackupStore(tmp_path, "sqlite_shop_v2", ".sqlite3")
    mine = [touch(shop, T0 + timedelta(minutes=i)) for i in range(5)]
    theirs = [touch(other, T0 + timedelta(minutes=i)) for i in range(3)]
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("keep me")
    removed = shop.prune(2)
    assert removed == mine[:3]
    assert shop.backups() == mine[3:]
    assert other.backups() == theirs and unrelated.exists()


def test_keep_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--keep 0"):
        BackupStore(tmp_path, "k", ".x").prune(0)


def test_check_creates_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    BackupStore(folder, "k", ".x").check(create=True)
    assert folder.is_dir() and not list(folder.iterdir())


@pytest.mark.parametrize("create", [True, False])
def test_unwritable_folder_is_a_backup_error(tmp_path: Path, create: bool) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(BackupError, match="backup dir") as info:
        BackupStore(blocker / "backups", "k", ".x").check(create=create)
    assert "--backup-dir" in info.value.hint


def test_a_file_as_folder_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(BackupError, match="not a directory"):
        BackupStore(blocker, "k", ".x").check(create=True)
