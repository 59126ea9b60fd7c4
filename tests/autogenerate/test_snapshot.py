"""Bulk reflection: every table in a fixed number of queries, as plain dictionaries."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tidal.autogenerate.snapshot import reflect, to_table


def _schema(n: int) -> sa.MetaData:
    md = sa.MetaData()
    for i in range(n):
        cols: list[Any] = [sa.Column("id", sa.Integer, primary_key=True)]
        cols += [sa.Column("v", sa.String(20), index=True, comment="v")]
        if i:
            cols.append(sa.Column("prev_id", sa.ForeignKey(f"t{i - 1}.id")))
        sa.Table(f"t{i}", md, *cols, comment=f"table {i}")
    return md


def _count_queries(url: str, n: int) -> int:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        _schema(n).create_all(conn)
    statements: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with engine.connect() as conn:
        sa.event.listen(conn, "before_cursor_execute", listen)
        snap = reflect(conn, [None], skip=lambda s, n: False)
        sa.event.remove(conn, "before_cursor_execute", listen)
    engine.dispose()
    assert len(snap.tables) == n
    return len(statements)


@pytest.mark.postgresql
def test_query_count_is_fixed(pg_url: str) -> None:
    few = _count_queries(pg_url, 3)
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        _schema(3).drop_all(conn)
    engine.dispose()
    many = _count_queries(pg_url, 40)
    assert many == few


def test_snapshot_holds_the_inspector_dictionaries(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        _schema(2).create_all(conn)
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    with engine.connect() as conn:
        snap = reflect(conn, [None], skip=lambda s, n: n == "alembic_version")
        only = reflect(
            conn, [None], skip=lambda s, n: False, include_name=lambda n, t, p: n == "t0"
        )
    engine.dispose()
    assert set(snap.tables) == {(None, "t0"), (None, "t1")}
    assert set(only.tables) == {(None, "t0")}
    t1 = snap.tables[(None, "t1")]
    assert [c["name"] for c in t1.columns] == ["id", "v", "prev_id"]
    assert t1.pk["constrained_columns"] == ["id"]
    assert [fk["referred_table"] for fk in t1.foreign_keys] == ["t0"]
    assert "ix_t1_v" in [ix["name"] for ix in t1.indexes]  # MariaDB adds one for the key
    table = to_table(t1, sa.MetaData(), lambda c: c.get("default"))
    assert table.c.prev_id.foreign_keys and table.name == "t1"
