"""MariaDB backup tool on the real server: mysqldump, the drop-then-replay restore, KILL QUERY."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.dialects.test_backup import (
    argv_spy,
    cancel_while_running,
    engine_for,
    run_sql,
    snapshot,
)

from tidal.dialects.backup import backup_tool_for
from tidal.errors import BackupError, RestoreFailedError

pytestmark = pytest.mark.mariadb

# Same default as tests/conftest.py (importing it would register the profiles again).
MYSQL_ADMIN_URL = os.environ.get("TIDAL_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/")

_SCHEMA = (
    "CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, "
    "mood ENUM('happy', 'sad') DEFAULT 'happy', UNIQUE KEY uq_customer_name (name))",
    "CREATE TABLE purchase (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, "
    "total DECIMAL(10, 2), note TEXT, "
    "CONSTRAINT fk_purchase_customer FOREIGN KEY (customer_id) REFERENCES customer (id))",
    "CREATE INDEX ix_purchase_total ON purchase (total)",
    "CREATE VIEW big_spenders AS SELECT c.name, SUM(p.total) AS total FROM customer c "
    "JOIN purchase p ON p.customer_id = c.id GROUP BY c.name",
    "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(50))",
    "CREATE TRIGGER purchase_audit AFTER INSERT ON purchase FOR EACH ROW "
    "INSERT INTO audit (what) VALUES (CONCAT('purchase ', NEW.id))",
    "CREATE PROCEDURE add_customer(IN n VARCHAR(50)) INSERT INTO customer (name) VALUES (n)",
    "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
    "INSERT INTO customer (name, mood) VALUES ('ann', 'sad'), ('bob', 'happy'), ('cy', 'sad')",
    "DELETE FROM customer WHERE name = 'cy'",  # the next id is 4, not 3
    "INSERT INTO purchase (customer_id, total, note) VALUES (1, 9.5, 'ünïcode ✓ 🐟'), (2, 3, NULL)",
)

# What committed migrations might have done after the backup.
_CHANGES = (
    "INSERT INTO customer (name) VALUES ('dee'), ('eve')",
    "DELETE FROM purchase WHERE id = 2",
    "ALTER TABLE customer ADD COLUMN email VARCHAR(100)",
    "CREATE TABLE newer (id INT PRIMARY KEY, customer_id INT, "
    "FOREIGN KEY (customer_id) REFERENCES customer (id))",
    "INSERT INTO newer VALUES (1, 1)",
    "DROP VIEW big_spenders",
    "CREATE VIEW other_view AS SELECT 1 AS one",
    "DROP TRIGGER purchase_audit",
    "DROP PROCEDURE add_customer",
    "CREATE PROCEDURE later_proc() SELECT 1",
    "DROP INDEX ix_purchase_total ON purchase",
)


def _state(url: str) -> dict[str, object]:
    engine = engine_for(url)
    with engine.connect() as conn:
        shot = snapshot(conn, [None])
        database = sa.make_url(url).database
        for key, sql in {
            "routines": "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION "
            "FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s",
            "triggers": "SELECT TRIGGER_NAME, ACTION_STATEMENT "
            "FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s",
            "auto_increment": "SELECT TABLE_NAME, AUTO_INCREMENT "
            "FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
        }.items():
            shot[key] = sorted(conn.exec_driver_sql(sql, (database,)).all())
    engine.dispose()
    return shot


def test_restore_makes_the_database_equal_the_backup(mariadb_url: str, tmp_path: Path) -> None:
    run_sql(mariadb_url, _SCHEMA)
    tool = backup_tool_for(mariadb_url)
    tool.preflight()
    before = _state(mariadb_url)
    backup = tmp_path / f"shop{tool.extension}"
    tool.dump(backup)
    assert backup.is_file() and not list(tmp_path.glob(".*partial"))
    run_sql(mariadb_url, _CHANGES)
    assert _state(mariadb_url) != before
    tool.restore(backup)
    assert _state(mariadb_url) == before
    run_sql(mariadb_url, ["INSERT INTO customer (name) VALUES ('next')"])
    engine = engine_for(mariadb_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id FROM customer WHERE name = 'next'").scalar() == 4
        assert conn.exec_driver_sql("SELECT twice(21)").scalar() == 42
    engine.dispose()


@pytest.fixture
def mysql_user_url(mariadb_url: str) -> Iterator[tuple[str, str]]:
    """The test database's URL for a new user with a password full of quoting traps."""
    user = "tidal_bk_" + uuid.uuid4().hex[:8]
    password = " pw'\"  #$ \\t;" + uuid.uuid4().hex[:6] + " "
    database = sa.make_url(mariadb_url).database
    admin = sa.create_engine(MYSQL_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (password,))
        conn.exec_driver_sql(f"GRANT ALL ON `{database}`.* TO '{user}'@'%%'")
    url = sa.make_url(mariadb_url).set(username=user, password=password)
    try:
        yield url.render_as_string(hide_password=False), password
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%%'")
        admin.dispose()


def test_password_only_in_a_private_option_file(
    mysql_user_url: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, password = mysql_user_url
    run_sql(url, ["CREATE TABLE t (id INT)", "INSERT INTO t VALUES (7)"])
    tool = backup_tool_for(url)
    option_files: list[Path] = []

    def look(argv: list[str]) -> None:
        option = argv[1]
        assert option.startswith("--defaults-extra-file="), argv
        path = Path(option.split("=", 1)[1])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "password=" in path.read_text()  # the server checks the quoting
        option_files.append(path)

    calls = argv_spy(monkeypatch, look)
    tool.dump(tmp_path / "b.sql")
    run_sql(url, ["DELETE FROM t", "CREATE TABLE later (id INT)"])
    tool.restore(tmp_path / "b.sql")
    # subprocess.run starts a Popen: each child is seen twice.
    assert {Path(argv[0]).name for argv, _ in calls} == {"mysqldump", "mysql"}
    assert len(set(option_files)) == 2
    assert not any(path.exists() for path in option_files)
    for argv, _ in calls:
        assert not any(password in arg for arg in argv), argv
    line = tool.describe(tmp_path / "b.sql")
    assert password not in line and "--defaults-extra-file" in line and "tidal_bk_" in line
    engine = engine_for(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id FROM t").scalar() == 7
        assert sa.inspect(conn).get_table_names() == ["t"]
    engine.dispose()


def test_dump_with_a_wrong_password_fails_cleanly(
    mysql_user_url: tuple[str, str], tmp_path: Path
) -> None:
    url, password = mysql_user_url
    wrong = sa.make_url(url).set(password=password + "-wrong")
    with pytest.raises(BackupError) as caught:
        backup_tool_for(wrong).dump(tmp_path / "b.sql")
    message = caught.value.message
    assert "Access denied" in message and "\n" not in message
    assert password not in message + caught.value.hint
    assert not list(tmp_path.iterdir())


def test_dump_of_a_missing_database_fails_cleanly(tmp_path: Path) -> None:
    url = sa.make_url(MYSQL_ADMIN_URL).set(database="tidal_no_such_db", password="s3cret-pw")
    with pytest.raises(BackupError) as caught:
        backup_tool_for(url).dump(tmp_path / "b.sql")
    assert "s3cret-pw" not in caught.value.message
    assert not list(tmp_path.iterdir())


def test_dump_of_an_unreachable_server_fails_cleanly(tmp_path: Path) -> None:
    tool = backup_tool_for("mysql+pymysql://root:s3cret-pw@127.0.0.1:1/x")
    with pytest.raises(BackupError) as caught:
        tool.dump(tmp_path / "b.sql")
    assert "127.0.0.1" in caught.value.message and "s3cret-pw" not in caught.value.message
    assert "\n" not in caught.value.message
    assert not list(tmp_path.iterdir())


def test_restore_of_a_bad_dump_raises(mariadb_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE t (id INT);\nTHIS IS NOT SQL;\n")
    with pytest.raises(RestoreFailedError) as caught:
        backup_tool_for(mariadb_url).restore(bad)
    assert "ERROR" in caught.value.message and "\n" not in caught.value.message


@pytest.mark.parametrize("missing", ["dump", "client"])
def test_preflight_names_the_missing_tool(
    missing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = ["mysql", "mariadb"] if missing == "dump" else ["mysqldump", "mariadb-dump"]
    for name in keep:
        (tmp_path / name).symlink_to(f"/usr/bin/{name}")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError) as caught:
        backup_tool_for("mysql+pymysql://root@h/db").preflight()
    expected = "mysqldump" if missing == "dump" else "mysql"
    assert expected in caught.value.message
    assert "mariadb-client" in caught.value.hint


def test_either_tool_name_is_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("mariadb-dump", "mysql"):
        (tmp_path / name).symlink_to(f"/usr/bin/{name}")
    monkeypatch.setenv("PATH", str(tmp_path))
    backup_tool_for("mysql+pymysql://root@h/db").preflight()


def test_canceller_kills_the_query_on_the_server(mariadb_url: str) -> None:
    tool = backup_tool_for(mariadb_url)
    waited, error, result = cancel_while_running(mariadb_url, "SELECT SLEEP(60)", tool)
    assert waited < 5
    # MariaDB ends SLEEP with "Query execution was interrupted" (1317); MySQL returns 1.
    assert isinstance(error, sa.exc.OperationalError) or result == 1
    engine = engine_for(MYSQL_ADMIN_URL)
    with engine.connect() as conn:
        running = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(60)'"
        ).scalar()
    engine.dispose()
    assert running == 0
