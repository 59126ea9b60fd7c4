"""MigrationContext: Alembic's Python API, the version table's shape, transactions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.runtime.projects import (
    _quiet_env,
    alembic_command,
    make_project,
    table_names,
    tidal_command,
    version_rows,
    write_script,
)

from tidal.errors import StepFailedError, TidalError
from tidal.runtime.migration import MigrationContext
from tidal.script.revision import Revision

REVS = [Revision("a1", None), Revision("b2", "a1")]

FAILING = """
def upgrade():
    op.execute("CREATE TABLE t_b2 (id INTEGER)")
    op.execute("SELECT * FROM no_such_table")


def downgrade():
    op.execute("DROP TABLE t_b2")
"""


def _engine(url: str) -> sa.engine.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def test_configure_and_current_heads(tmp_path: Path, db_url: str) -> None:
    ini = make_project(tmp_path, db_url, REVS)
    engine = _engine(db_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(connection=conn)
        assert ctx.get_current_heads() == ()
        assert ctx.get_current_revision() is None
    tidal_command(ini, "upgrade", "head")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "alembic_version"})
        assert ctx.get_current_heads() == ("b2",)
        assert ctx.get_current_revision() == "b2"
        assert ctx.bind is conn and ctx.dialect is conn.dialect and not ctx.as_sql
    engine.dispose()


def test_version_table_shape_matches_alembic(tmp_path: Path, db_url: str) -> None:
    ini = make_project(tmp_path, db_url, REVS)
    tidal_command(ini, "ensure_version")
    engine = _engine(db_url)
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        (column,) = insp.get_columns("alembic_version")
        pk = insp.get_pk_constraint("alembic_version")
    engine.dispose()
    assert column["name"] == "version_num" and not column["nullable"]
    assert isinstance(column["type"], sa.String) and column["type"].length == 32
    assert pk["constrained_columns"] == ["version_num"]
    if not db_url.startswith(("sqlite", "mysql")):
        assert pk["name"] == "alembic_version_pkc"


def test_alembic_and_tidal_continue_each_other(tmp_path: Path, db_url: str) -> None:
    revs = [*REVS, Revision("c3", "b2")]
    ini = make_project(tmp_path, db_url, revs)
    _quiet_env(ini)
    alembic_command(ini, "upgrade", "a1")
    tidal_command(ini, "upgrade", "b2")
    alembic_command(ini, "upgrade", "head")
    assert version_rows(db_url) == ["c3"]
    tidal_command(ini, "downgrade", "a1")
    alembic_command(ini, "downgrade", "base")
    assert version_rows(db_url) == []
    assert not {"t_a1", "t_b2", "t_c3"} & set(table_names(db_url))


def _failing_project(tmp_path: Path, url: str, per_migration: bool = False) -> Path:
    ini = make_project(tmp_path, url, REVS[:1])
    write_script(tmp_path / "migrations" / "versions", REVS[1], FAILING)
    if per_migration:
        env = tmp_path / "migrations" / "env.py"
        env.write_text(
            env.read_text().replace(
                "target_metadata=target_metadata\n",
                "target_metadata=target_metadata, transaction_per_migration=True\n",
            )
        )
    return ini


@pytest.mark.parametrize(
    "fixture",
    ["sqlite_url", pytest.param("pg_url", marks=pytest.mark.postgresql)],
)
def test_failing_step_rolls_back_the_run(
    tmp_path: Path, fixture: str, request: pytest.FixtureRequest
) -> None:
    url = str(request.getfixturevalue(fixture))
    ini = _failing_project(tmp_path, url)
    with pytest.raises(StepFailedError, match="upgrade a1 -> b2 failed") as info:
        tidal_command(ini, "upgrade", "head")
    assert info.value.rolled_back and "still at base" in info.value.hint
    assert version_rows(url) in (None, [])
    assert not {"t_a1", "t_b2"} & set(table_names(url))


@pytest.mark.parametrize(
    "fixture",
    ["sqlite_url", pytest.param("pg_url", marks=pytest.mark.postgresql)],
)
def test_failing_step_per_migration_keeps_completed_steps(
    tmp_path: Path, fixture: str, request: pytest.FixtureRequest
) -> None:
    url = str(request.getfixturevalue(fixture))
    ini = _failing_project(tmp_path, url, per_migration=True)
    with pytest.raises(StepFailedError) as info:
        tidal_command(ini, "upgrade", "head")
    assert "still at a1" in info.value.hint
    assert version_rows(url) == ["a1"]
    tables = set(table_names(url))
    assert "t_a1" in tables and "t_b2" not in tables


@pytest.mark.mariadb
def test_failing_step_on_mariadb_says_what_may_be_half_done(
    tmp_path: Path, mariadb_url: str
) -> None:
    ini = _failing_project(tmp_path, mariadb_url)
    with pytest.raises(StepFailedError) as info:
        tidal_command(ini, "upgrade", "head")
    assert not info.value.rolled_back
    assert "may be applied" in info.value.hint and "still at a1" in info.value.hint
    assert version_rows(mariadb_url) == ["a1"]


AUTOCOMMIT = """
def upgrade():
    op.execute("CREATE TABLE t_b2 (id INTEGER)")
    with op.get_context().autocommit_block():
        op.execute("CREATE INDEX CONCURRENTLY ix_b2 ON t_b2 (id)")


def downgrade():
    op.execute("DROP TABLE t_b2")
"""


@pytest.mark.postgresql
def test_autocommit_block_online_and_offline(tmp_path: Path, pg_url: str) -> None:
    ini = make_project(tmp_path, pg_url, REVS[:1])
    _quiet_env(ini)
    write_script(tmp_path / "migrations" / "versions", REVS[1], AUTOCOMMIT)
    tidal_command(ini, "upgrade", "head")
    assert version_rows(pg_url) == ["b2"]
    engine = _engine(pg_url)
    with engine.connect() as conn:
        assert [i["name"] for i in sa.inspect(conn).get_indexes("t_b2")] == ["ix_b2"]
    engine.dispose()
    from alembic import command as acommand
    from alembic.config import Config as AConfig

    from tidal import command
    from tidal.config import Config

    got, expected = io.StringIO(), io.StringIO()
    command.upgrade(Config(str(ini), output_buffer=got), "a1:b2", sql=True)
    acommand.upgrade(AConfig(str(ini), output_buffer=expected), "a1:b2", sql=True)
    assert got.getvalue() == expected.getvalue()
    assert "COMMIT;\n\nCREATE INDEX CONCURRENTLY" in got.getvalue()


def test_offline_context_has_no_connection() -> None:
    out = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="sqlite", opts={"as_sql": True, "output_buffer": out}
    )
    assert ctx.as_sql and ctx.bind is None
    ctx.execute("CREATE TABLE x (id INTEGER)")
    assert out.getvalue() == "CREATE TABLE x (id INTEGER);\n\n"
    with pytest.raises(TidalError):
        MigrationContext.configure()


def test_stamp_api_and_on_version_apply(tmp_path: Path, sqlite_url: str) -> None:
    from tidal.config import Config
    from tidal.script.directory import ScriptDirectory

    ini = make_project(tmp_path, sqlite_url, REVS)
    script = ScriptDirectory.from_config(Config(str(ini)))
    engine = _engine(sqlite_url)
    with engine.begin() as conn:
        MigrationContext.configure(conn).stamp(script, "b2")
    assert version_rows(sqlite_url) == ["b2"]
    with engine.begin() as conn:
        MigrationContext.configure(conn).stamp(script, "base")
    assert version_rows(sqlite_url) == []
    env = tmp_path / "migrations" / "env.py"
    env.write_text(
        env.read_text().replace(
            "target_metadata=target_metadata\n",
            "target_metadata=target_metadata,\n"
            "            on_version_apply=config.attributes['calls'].append,\n",
        )
    )
    calls: list[object] = []
    from tidal import command

    cfg = Config(str(ini), attributes={"calls": []})
    cfg.attributes["calls"] = _Recorder(calls)
    command.upgrade(cfg, "head")
    infos = [c["step"] for c in calls]  # type: ignore[index]
    assert [(i.up_revision_id, i.is_upgrade, i.is_stamp) for i in infos] == [  # type: ignore[attr-defined]
        ("a1", True, False),
        ("b2", True, False),
    ]
    assert calls[-1]["heads"] == {"b2"}  # type: ignore[index]


class _Recorder:
    def __init__(self, calls: list[object]) -> None:
        self.calls = calls

    def append(self, **kw: object) -> None:
        self.calls.append(kw)
