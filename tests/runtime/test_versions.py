"""The version table's statements: Alembic's text, compiled once per run online."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.default import CACHE_HIT, DefaultExecutionContext
from sqlalchemy.sql.elements import ClauseElement

from tidal.runtime.plan import Delete, Insert, Update, VersionChange
from tidal.runtime.sink import LiveSink
from tidal.runtime.versions import VersionTable, _lit


def _alembic_text(vt: VersionTable, change: VersionChange, conn: Connection) -> str:
    """Render the statement as Alembic builds it (ids as literal columns)."""
    col = vt.table.c.version_num
    stmt: ClauseElement
    if isinstance(change, Update):
        stmt = vt.table.update().where(col == _lit(change.old))
        stmt = stmt.values(version_num=_lit(change.new))
    elif isinstance(change, Delete):
        stmt = vt.table.delete().where(col == _lit(change.revision))
    else:
        assert isinstance(change, Insert)
        stmt = vt.table.insert().values(version_num=_lit(change.revision))
    return str(stmt.compile(dialect=conn.dialect))


class _Sent:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.cache: list[str] = []

    def __call__(self, conn: Connection, cursor: object, statement: str, *rest: object) -> None:
        self.statements.append(statement)
        context = rest[1]
        assert isinstance(context, DefaultExecutionContext)
        self.cache.append("hit" if context.cache_hit == CACHE_HIT else "other")


def _sent_for(url: str, changes: list[VersionChange]) -> Iterator[tuple[str, str, str]]:
    """Apply ``changes``; yield (sent SQL, Alembic's SQL, cache state) per statement."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    sent = _Sent()
    try:
        with engine.connect() as conn:
            vt = VersionTable(LiveSink(conn), "alembic_version")
            vt.create()
            event.listen(conn, "before_cursor_execute", sent)
            expected = []
            for change in changes:
                expected.append(_alembic_text(vt, change, conn))
                vt.apply([change])
            event.remove(conn, "before_cursor_execute", sent)
            assert sorted(vt.heads()) == sorted(_rows_after(changes))
            conn.rollback()
    finally:
        engine.dispose()
    yield from zip(sent.statements, expected, sent.cache, strict=True)


def _rows_after(changes: list[VersionChange]) -> list[str]:
    rows: list[str] = []
    for change in changes:
        if isinstance(change, Insert):
            rows.append(change.revision)
        elif isinstance(change, Delete):
            rows.remove(change.revision)
        else:
            assert isinstance(change, Update)
            rows[rows.index(change.old)] = change.new
    return rows


CHANGES: list[VersionChange] = [
    Insert("a1"),
    Update("a1", "b2"),
    Update("b2", "c3"),
    Insert("x1"),
    Update("c3", "d4"),
    Delete("x1"),
    # Ids that drivers escape in their own ways take Alembic's statement, uncached.
    Update("d4", "it's"),
    Update("it's", "50%"),
    Update("50%", "back\\slash"),
    Update("back\\slash", "e5"),
    Insert("f-6.7_g"),
    Delete("f-6.7_g"),
]


def _check(url: str) -> None:
    rows = list(_sent_for(url, CHANGES))
    assert len(rows) == len(CHANGES)
    for sent, expected, _ in rows:
        assert sent.strip() == expected.strip()
    plain_updates = [cache for sent, _, cache in rows[2:] if sent.startswith("UPDATE")]
    assert plain_updates[0] == "hit", "the second plain UPDATE reuses the compiled statement"


def test_statements_are_alembics_and_cached_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'v.db'}")


@pytest.mark.postgresql
def test_statements_are_alembics_and_cached_postgresql(pg_url: str) -> None:
    _check(pg_url)


@pytest.mark.mariadb
def test_statements_are_alembics_and_cached_mariadb(mariadb_url: str) -> None:
    _check(mariadb_url)


def test_offline_statements_keep_literals() -> None:
    import io

    from tidal.runtime.sink import ScriptSink

    out = io.StringIO()
    dialect = sa.create_engine("sqlite://").dialect
    vt = VersionTable(ScriptSink(out, dialect), "alembic_version")
    vt.apply([Update("a1", "b2"), Delete("b2")])
    assert out.getvalue() == (
        "UPDATE alembic_version SET version_num='b2' "
        "WHERE alembic_version.version_num = 'a1';\n\n"
        "DELETE FROM alembic_version WHERE alembic_version.version_num = 'b2';\n\n"
    )


def test_a_row_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    from tidal.errors import DatabaseError

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'v.db'}")
    with engine.connect() as conn:
        vt = VersionTable(LiveSink(conn), "alembic_version")
        vt.create()
        vt.apply([Insert("a1")])
        with pytest.raises(DatabaseError, match="matched 0 rows"):
            vt.apply([Update("zz", "b2")])
    engine.dispose()
