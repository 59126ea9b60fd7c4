"""Backup tools: the choice by URL, the key, and SQLite's backup, restore and interrupt.

The PostgreSQL and MariaDB tools are tested on the real servers in
test_backup_postgresql.py and test_backup_mysql.py, with the helpers defined here.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from tidal.dialects.backup import BackupTool, backup_tool_for
from tidal.errors import BackupError, RestoreFailedError

# --- helpers shared by the dialect test files ------------------------------------------


def _table_shape(insp: Any, name: str, schema: str | None) -> dict[str, object]:
    columns = [
        (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
        for c in insp.get_columns(name, schema)
    ]
    return {
        "columns": columns,
        "pk": insp.get_pk_constraint(name, schema)["constrained_columns"],
        "fks": sorted(
            (
                fk["name"] or "",
                tuple(fk["constrained_columns"]),
                fk["referred_schema"] or "",
                fk["referred_table"],
                tuple(fk["referred_columns"]),
            )
            for fk in insp.get_foreign_keys(name, schema)
        ),  # fmt: skip
        "indexes": sorted(
            (ix["name"] or "", tuple(ix["column_names"]), bool(ix["unique"]))
            for ix in insp.get_indexes(name, schema)
        ),
        "uniques": sorted(
            (u["name"] or "", tuple(u["column_names"]))
            for u in insp.get_unique_constraints(name, schema)
        ),
    }


def snapshot(conn: sa.Connection, schemas: Sequence[str | None]) -> dict[str, object]:
    """Return the reflected schema and every row of ``schemas``, comparable with ==."""
    insp = sa.inspect(conn)
    shot: dict[str, object] = {}
    for schema in schemas:
        tables = sorted(insp.get_table_names(schema))
        views = sorted(insp.get_view_names(schema))
        shot[f"{schema}.tables"] = tables
        shot[f"{schema}.views"] = {v: insp.get_view_definition(v, schema) for v in views}
        for name in tables:
            shot[f"{schema}.{name}"] = _table_shape(insp, name, schema)
            table = sa.Table(name, sa.MetaData(), schema=schema, autoload_with=conn)
            rows = conn.execute(sa.select(table)).all()
            shot[f"{schema}.{name}.rows"] = sorted(tuple(map(repr, row)) for row in rows)
    return shot


def engine_for(url: str) -> sa.Engine:
    """Return an unpooled engine, so that nothing stays connected between steps."""
    return sa.create_engine(url, poolclass=NullPool)


def run_sql(url: str, statements: Sequence[str]) -> None:
    """Run ``statements`` in one transaction."""
    engine = engine_for(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def cancel_while_running(
    url: str, sql: str, tool: BackupTool, after: float = 1.0
) -> tuple[float, BaseException | None, object]:
    """Run ``sql`` in a thread, cancel it with ``tool``'s canceller after ``after`` s.

    Returns the seconds from the cancel to the statement's end, its error and its result.
    """
    engine = engine_for(url)
    outcome: dict[str, Any] = {"error": None, "result": None}
    with engine.connect() as conn:
        cancel = tool.canceller(conn)

        def work() -> None:
            try:
                outcome["result"] = conn.exec_driver_sql(sql).scalar()
            except BaseException as error:  # noqa: BLE001 - reported to the test
                outcome["error"] = error

        thread = threading.Thread(target=work)
        thread.start()
        time.sleep(after)
        started = time.monotonic()
        cancel()
        thread.join(30)
        assert not thread.is_alive(), "the statement was not cancelled"
        waited = time.monotonic() - started
    engine.dispose()
    return waited, outcome["error"], outcome["result"]


def argv_spy(
    monkeypatch: pytest.MonkeyPatch, on_call: Callable[[list[str]], None] = lambda argv: None
) -> list[tuple[list[str], dict[str, str] | None]]:
    """Record the argv and env of every child process the backup tools start.

    ``on_call`` sees each argv just before the process starts (to look at its files).
    """
    import subprocess

    calls: list[tuple[list[str], dict[str, str] | None]] = []
    real_run: Callable[..., Any] = subprocess.run
    real_popen: Any = subprocess.Popen

    def spy_run(args: list[str], *rest: Any, **kwargs: Any) -> Any:
        calls.append((list(args), kwargs.get("env")))
        on_call(list(args))
        return real_run(args, *rest, **kwargs)

    class SpyPopen(real_popen):  # type: ignore[misc]
        def __init__(self, args: list[str], *rest: Any, **kwargs: Any) -> None:
            calls.append((list(args), kwargs.get("env")))
            on_call(list(args))
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy_run)
    monkeypatch.setattr(subprocess, "Popen", SpyPopen)
    return calls


# --- choosing a tool -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "dialect", "extension", "key"),
    [
        ("postgresql+psycopg://u:pw@db.example.com:6543/shop", "postgresql", ".dump",
         "postgresql_db.example.com_6543_shop"),
        ("postgresql://u@127.0.0.1/shop", "postgresql", ".dump", "postgresql_127.0.0.1_5432_shop"),
        ("mysql+pymysql://root:pw@127.0.0.1/shop", "mysql", ".sql", "mysql_127.0.0.1_3306_shop"),
        ("mariadb+pymysql://root@h:3307/a b", "mysql", ".sql", "mysql_h_3307_a_b"),
        ("sqlite:////var/lib/app.db", "sqlite", ".sqlite3", "sqlite_app"),
        ("sqlite:///rel/dir/my-app.sqlite", "sqlite", ".sqlite3", "sqlite_my-app"),
    ],
)  # fmt: skip
def test_backup_tool_for_picks_by_backend(url: str, dialect: str, extension: str, key: str) -> None:
    tool = backup_tool_for(url)
    assert (tool.dialect, tool.extension, tool.database_key) == (dialect, extension, key)
    assert "pw" not in tool.database_key
    assert backup_tool_for(sa.make_url(url)).database_key == key


def test_unsupported_backend_is_a_backup_error() -> None:
    with pytest.raises(BackupError) as caught:
        backup_tool_for("mssql+pyodbc://u:secret@h/db")
    assert "mssql" in caught.value.message
    assert "supported" in caught.value.hint
    assert "secret" not in caught.value.message + caught.value.hint


# --- SQLite ----------------------------------------------------------------------------

_SQLITE_SCHEMA = (
    "CREATE TABLE customer (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)",
    "CREATE TABLE purchase (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
    "REFERENCES customer(id), total NUMERIC)",
    "CREATE INDEX ix_purchase_customer ON purchase (customer_id)",
    "CREATE VIEW spend AS SELECT customer_id, sum(total) AS total FROM purchase GROUP BY 1",
    "INSERT INTO customer (name) VALUES ('ann'), ('bob'), ('cy')",
    "DELETE FROM customer WHERE name = 'cy'",  # the next id is 4, not 3
    "INSERT INTO purchase (customer_id, total) VALUES (1, 9.5), (2, 3)",
)

_SQLITE_CHANGES = (
    "INSERT INTO customer (name) VALUES ('dee'), ('eve')",
    "DELETE FROM purchase WHERE id = 1",
    "ALTER TABLE customer ADD COLUMN email TEXT",
    "CREATE TABLE newer (id INTEGER PRIMARY KEY)",
    "DROP VIEW spend",
)


def _next_sqlite_id(url: str) -> int:
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO customer (name) VALUES ('next')")
        value = conn.exec_driver_sql("SELECT max(id) FROM customer").scalar_one()
    engine.dispose()
    return int(value)


@pytest.fixture
def sqlite_wal_url(sqlite_url: str) -> Iterator[str]:
    """A SQLite URL whose database is in WAL mode, as production ones often are."""
    run_sql(sqlite_url, ["PRAGMA journal_mode=WAL"])
    yield sqlite_url


def test_sqlite_restore_brings_back_schema_rows_and_sequence(
    sqlite_wal_url: str, tmp_path: Path
) -> None:
    url = sqlite_wal_url
    run_sql(url, _SQLITE_SCHEMA)
    tool = backup_tool_for(url)
    tool.preflight()
    engine = engine_for(url)
    with engine.connect() as conn:
        before = snapshot(conn, [None])
    engine.dispose()
    backup = tmp_path / f"b{tool.extension}"
    # Keep a reader open during the dump: the online backup copies a live database.
    keep = sqlite3.connect(str(tool.file))  # type: ignore[attr-defined]
    keep.execute("SELECT count(*) FROM customer").fetchall()
    tool.dump(backup)
    keep.close()
    assert backup.is_file() and not list(tmp_path.glob(".*partial"))
    run_sql(url, _SQLITE_CHANGES)
    with engine.connect() as conn:
        assert snapshot(conn, [None]) != before
    engine.dispose()
    tool.restore(backup)
    with engine.connect() as conn:
        assert snapshot(conn, [None]) == before
    engine.dispose()
    assert _next_sqlite_id(url) == 4


def test_sqlite_restore_removes_stale_wal(sqlite_wal_url: str, tmp_path: Path) -> None:
    url = sqlite_wal_url
    run_sql(url, _SQLITE_SCHEMA)
    tool = backup_tool_for(url)
    backup = tmp_path / "b.sqlite3"
    tool.dump(backup)
    # A connection that stays open keeps committed changes in the -wal file.
    holder = sqlite3.connect(str(tool.file))  # type: ignore[attr-defined]
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("CREATE TABLE only_in_wal (id INTEGER)")
    holder.commit()
    wal = Path(f"{tool.file}-wal")  # type: ignore[attr-defined]
    assert wal.exists() and wal.stat().st_size > 0
    tool.restore(backup)
    holder.close()  # closing must not write its log back into the restored file
    engine = engine_for(url)
    with engine.connect() as conn:
        assert "only_in_wal" not in sa.inspect(conn).get_table_names()
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()


def test_sqlite_missing_file_backs_up_as_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "later.db"
    tool = backup_tool_for(f"sqlite:///{db}")
    backup = tmp_path / "b.sqlite3"
    tool.preflight()
    tool.dump(backup)
    assert not db.exists(), "the dump must not create the database"
    run_sql(f"sqlite:///{db}", ["CREATE TABLE t (id INTEGER)"])
    tool.restore(backup)
    engine = engine_for(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_sqlite_memory_cannot_be_backed_up(url: str, tmp_path: Path) -> None:
    tool = backup_tool_for(url)
    with pytest.raises(BackupError, match="in-memory"):
        tool.preflight()
    with pytest.raises(BackupError):
        tool.dump(tmp_path / "b.sqlite3")
    assert not list(tmp_path.iterdir())


def test_sqlite_dump_of_a_non_database_fails_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BackupError, match="junk.db") as caught:
        backup_tool_for(f"sqlite:///{db}").dump(tmp_path / "b.sqlite3")
    assert "\n" not in caught.value.message
    assert not (tmp_path / "b.sqlite3").exists()
    assert not list(tmp_path.glob(".*partial"))


def test_sqlite_restore_of_a_missing_backup_fails(sqlite_url: str, tmp_path: Path) -> None:
    with pytest.raises(RestoreFailedError):
        backup_tool_for(sqlite_url).restore(tmp_path / "nothing.sqlite3")


def test_sqlite_describe_names_both_files(sqlite_url: str, tmp_path: Path) -> None:
    line = backup_tool_for(sqlite_url).describe(tmp_path / "b.sqlite3")
    assert line.startswith("sqlite3 ") and "test.db" in line and "b.sqlite3" in line


def test_sqlite_canceller_interrupts_a_long_query(sqlite_url: str) -> None:
    run_sql(sqlite_url, ["CREATE TABLE t (id INTEGER)"])
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    waited, error, _ = cancel_while_running(sqlite_url, endless, backup_tool_for(sqlite_url))
    assert waited < 3
    assert isinstance(error, sa.exc.OperationalError) and "interrupted" in str(error)


def test_canceller_never_raises(sqlite_url: str) -> None:
    engine = engine_for(sqlite_url)
    with engine.connect() as conn:
        cancel = backup_tool_for(sqlite_url).canceller(conn)
    engine.dispose()
    cancel()  # the connection is closed: nothing to interrupt, and no exception
