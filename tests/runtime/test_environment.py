"""EnvironmentContext: Alembic's own env.py templates, unchanged, run by Tidal."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from tests.runtime.projects import (
    init_project,
    make_project,
    table_names,
    tidal_command,
    version_rows,
    write_script,
)

from tidal.errors import ConfigError, EnvironmentError_, TidalError
from tidal.script.revision import Revision

REVS = [Revision("a1", None), Revision("b2", "a1")]


def _round_trip(ini: Path, url: str) -> None:
    tidal_command(ini, "upgrade", "head")
    assert version_rows(url) == ["b2"]
    assert {"t_a1", "t_b2"} <= set(table_names(url))
    tidal_command(ini, "downgrade", "-1")
    assert version_rows(url) == ["a1"]
    tidal_command(ini, "downgrade", "base")
    assert version_rows(url) == []
    assert not {"t_a1", "t_b2"} & set(table_names(url))


def test_generic_template(tmp_path: Path, db_url: str) -> None:
    _round_trip(make_project(tmp_path, db_url, REVS, "generic"), db_url)


def test_pyproject_template(tmp_path: Path, sqlite_url: str) -> None:
    _round_trip(make_project(tmp_path, sqlite_url, REVS, "pyproject"), sqlite_url)


def _async_round_trip(tmp_path: Path, sync_url: str, async_url: str) -> None:
    ini = make_project(tmp_path, async_url, REVS, "async")
    tidal_command(ini, "upgrade", "head")
    assert version_rows(sync_url) == ["b2"]
    tidal_command(ini, "downgrade", "base")
    assert version_rows(sync_url) == []


def test_async_template_aiosqlite(tmp_path: Path, sqlite_url: str) -> None:
    _async_round_trip(tmp_path, sqlite_url, sqlite_url.replace("sqlite://", "sqlite+aiosqlite://"))


@pytest.mark.postgresql
def test_async_template_psycopg(tmp_path: Path, pg_url: str) -> None:
    ini = make_project(tmp_path, pg_url, REVS, "async")
    _round_trip(ini, pg_url)


@pytest.mark.postgresql
def test_async_template_asyncpg(tmp_path: Path, pg_url: str) -> None:
    _async_round_trip(tmp_path, pg_url, pg_url.replace("+psycopg://", "+asyncpg://"))


@pytest.mark.mariadb
def test_async_template_aiomysql(tmp_path: Path, mariadb_url: str) -> None:
    _async_round_trip(tmp_path, mariadb_url, mariadb_url.replace("+pymysql://", "+aiomysql://"))


MULTIDB_SCRIPT = """
def upgrade(engine_name: str) -> None:
    globals()["upgrade_%s" % engine_name]()


def downgrade(engine_name: str) -> None:
    globals()["downgrade_%s" % engine_name]()


def upgrade_engine1() -> None:
    op.execute("CREATE TABLE one_{rev} (id INTEGER)")


def downgrade_engine1() -> None:
    op.execute("DROP TABLE one_{rev}")


def upgrade_engine2() -> None:
    op.execute("CREATE TABLE two_{rev} (id INTEGER)")


def downgrade_engine2() -> None:
    op.execute("DROP TABLE two_{rev}")
"""


def _multidb(tmp_path: Path, url1: str, url2: str) -> Path:
    ini = init_project(tmp_path, url1, "multidb")
    text = ini.read_text()
    text = re.sub(
        r"(?m)^\[engine1\]\nsqlalchemy\.url = .*$", f"[engine1]\nsqlalchemy.url = {url1}", text
    )
    text = re.sub(
        r"(?m)^\[engine2\]\nsqlalchemy\.url = .*$", f"[engine2]\nsqlalchemy.url = {url2}", text
    )
    ini.write_text(text)
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(exist_ok=True)
    for rev in REVS:
        write_script(versions, rev, MULTIDB_SCRIPT.format(rev=rev.revision))
    return ini


def _multidb_round_trip(ini: Path, url1: str, url2: str) -> None:
    tidal_command(ini, "upgrade", "head")
    assert version_rows(url1) == ["b2"] and version_rows(url2) == ["b2"]
    assert "one_b2" in table_names(url1) and "two_b2" in table_names(url2)
    assert "two_b2" not in table_names(url1)
    tidal_command(ini, "downgrade", "base")
    assert version_rows(url1) == [] and version_rows(url2) == []


def test_multidb_template_sqlite(tmp_path: Path) -> None:
    url1, url2 = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    _multidb_round_trip(_multidb(tmp_path, url1, url2), url1, url2)


@pytest.mark.postgresql
@pytest.mark.mariadb
def test_multidb_template_pg_and_mariadb(tmp_path: Path, pg_url: str, mariadb_url: str) -> None:
    _multidb_round_trip(_multidb(tmp_path, pg_url, mariadb_url), pg_url, mariadb_url)


LOOP_ENV = """
from sqlalchemy import create_engine, pool
from alembic import context

config = context.config


def run_migrations(engine_name):
    url = config.get_section(engine_name)["sqlalchemy.url"]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=None,
            version_table=f"alembic_version_{engine_name}",
            upgrade_token=f"{engine_name}_upgrades",
            downgrade_token=f"{engine_name}_downgrades",
        )
        with context.begin_transaction():
            context.run_migrations(engine_name=engine_name)


for name in ["db1", "db2"]:
    run_migrations(name)
"""


def test_seed_loop_with_per_engine_version_tables(tmp_path: Path, sqlite_url: str) -> None:
    ini = make_project(tmp_path, sqlite_url, REVS)
    url2 = f"sqlite:///{tmp_path / 'db2.db'}"
    ini.write_text(
        ini.read_text() + f"\n[db1]\nsqlalchemy.url = {sqlite_url}\n"
        f"\n[db2]\nsqlalchemy.url = {url2}\n"
    )
    (tmp_path / "migrations" / "env.py").write_text(LOOP_ENV)
    for rev in REVS:
        write_script(
            tmp_path / "migrations" / "versions",
            rev,
            "def upgrade(engine_name):\n"
            f"    op.execute('CREATE TABLE ' + engine_name + '_{rev.revision} (id INTEGER)')\n\n\n"
            "def downgrade(engine_name):\n"
            f"    op.execute('DROP TABLE ' + engine_name + '_{rev.revision}')\n",
        )
    tidal_command(ini, "upgrade", "head")
    assert version_rows(sqlite_url, "alembic_version_db1") == ["b2"]
    assert version_rows(url2, "alembic_version_db2") == ["b2"]
    assert "db2_b2" in table_names(url2)
    assert version_rows(sqlite_url) is None


API_ENV = """
from alembic import context
from sqlalchemy import engine_from_config, pool

seen = context.config.attributes["seen"]
seen["offline"] = context.is_offline_mode()
seen["requires_connection"] = context.requires_connection()
seen["x"] = context.get_x_argument()
seen["x_dict"] = context.get_x_argument(as_dictionary=True)
seen["tag"] = context.get_tag_argument()
seen["revision"] = context.get_revision_argument()
seen["head"] = context.get_head_revision()
seen["heads"] = context.get_head_revisions()
if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), literal_binds=True,
                      custom_option=42)
    seen["start"] = context.get_starting_revision_argument()
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(context.config.get_section(context.config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, custom_option=42)
        seen["transactional"] = context.is_transactional_ddl()
        seen["bind"] = context.get_bind() is connection
        seen["impl"] = type(context.get_impl()).__name__
        seen["opts"] = context.get_context().opts["custom_option"]
        with context.begin_transaction():
            context.run_migrations()
"""


def test_context_api(tmp_path: Path, sqlite_url: str) -> None:
    from argparse import Namespace

    from tidal import command
    from tidal.config import Config

    make_project(tmp_path, sqlite_url, REVS)
    (tmp_path / "migrations" / "env.py").write_text(API_ENV)
    seen: dict[str, object] = {}
    cfg = Config(
        str(tmp_path / "alembic.ini"),
        cmd_opts=Namespace(x=["a=1", "flag"]),
        attributes={"seen": seen},
    )
    command.upgrade(cfg, "head", tag="v1")
    assert seen["offline"] is False and seen["requires_connection"] is True
    assert seen["x"] == ["a=1", "flag"] and seen["x_dict"] == {"a": "1", "flag": ""}
    assert seen["tag"] == "v1" and seen["revision"] == "b2"
    assert seen["head"] == "b2" and seen["heads"] == "b2"
    assert seen["bind"] is True and seen["opts"] == 42
    assert seen["transactional"] is True
    seen.clear()
    import io

    out = io.StringIO()
    cfg = Config(str(tmp_path / "alembic.ini"), output_buffer=out, attributes={"seen": seen})
    command.upgrade(cfg, "a1:b2", sql=True)
    assert seen["offline"] is True and seen["start"] == "a1"
    assert "-- Running upgrade a1 -> b2" in out.getvalue()


def test_two_threads_do_not_share_context(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / f'db{i}.db'}" for i in range(2)]
    inis = [make_project(tmp_path / f"p{i}", urls[i], REVS) for i in range(2)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(3):
                tidal_command(inis[i], "upgrade", "head")
                tidal_command(inis[i], "downgrade", "base")
            tidal_command(inis[i], "upgrade", "a1")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [version_rows(u) for u in urls] == [["a1"], ["a1"]]


def test_missing_env_py(tmp_path: Path, sqlite_url: str) -> None:
    ini = make_project(tmp_path, sqlite_url, REVS)
    (tmp_path / "migrations" / "env.py").unlink()
    with pytest.raises(EnvironmentError_, match="env.py"):
        tidal_command(ini, "upgrade", "head")


def test_env_py_that_raises(tmp_path: Path, sqlite_url: str) -> None:
    ini = make_project(tmp_path, sqlite_url, REVS)
    (tmp_path / "migrations" / "env.py").write_text("raise ValueError('boom')\n")
    with pytest.raises(EnvironmentError_, match="ValueError: boom") as caught:
        tidal_command(ini, "upgrade", "head")
    assert caught.value.hint.startswith("fix env.py")


def test_env_py_whose_models_raise_names_the_models(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ini = make_project(tmp_path, sqlite_url, REVS)
    models = tmp_path / "env_models_that_raise.py"
    models.write_text("import sqlalchemy\n\nnot_defined_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    env = tmp_path / "migrations" / "env.py"
    env.write_text("import env_models_that_raise\n" + env.read_text())
    with pytest.raises(EnvironmentError_) as caught:
        tidal_command(ini, "upgrade", "head")
    assert f"raised NameError at {models}:3: name 'not_defined_anywhere'" in caught.value.message
    assert caught.value.hint.startswith(f"fix {models} (env.py uses it)")
    assert version_rows(sqlite_url) is None


def test_failing_step_names_the_script_line(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tidal.errors import StepFailedError

    ini = make_project(tmp_path, sqlite_url, [])
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(exist_ok=True)
    body = 'def upgrade():\n    op.execute("CREATE TABLE t_x (id INTEGER)")\n    not_defined\n'
    script = write_script(versions, Revision("x1", None), body + "\n\ndef downgrade():\n    pass\n")
    line = script.read_text().splitlines().index("    not_defined") + 1
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StepFailedError) as caught:
        tidal_command(ini, "upgrade", "head")
    assert caught.value.message == (
        f"upgrade  -> x1 failed at migrations/versions/{script.name}:{line}: "
        "NameError: name 'not_defined' is not defined"
    )
    assert "t_x" not in table_names(sqlite_url)  # rolled back


@pytest.mark.parametrize(
    "logging_sections",
    ["", "[loggers]\nkeys = root\n[handlers]\nkeys =\n[formatters]\nkeys =\n"],
    ids=["none", "incomplete"],
)
def test_ini_without_logging_sections(
    tmp_path: Path, sqlite_url: str, logging_sections: str
) -> None:
    ini = make_project(tmp_path, sqlite_url, REVS)
    ini.write_text(
        f"[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {sqlite_url}\n"
        + logging_sections
    )
    with pytest.raises(ConfigError) as caught:
        tidal_command(ini, "upgrade", "head")
    assert "fileConfig() cannot read the logging sections in" in caught.value.message
    assert "[loggers], [handlers] and [formatters]" in caught.value.hint
    assert version_rows(sqlite_url) is None


def _with_url(ini: Path, url: str | None) -> None:
    lines = [
        line
        for line in ini.read_text().splitlines()
        if not line.startswith("sqlalchemy.url")
    ]
    if url is not None:
        at = lines.index("[alembic]") + 1
        lines.insert(at, f"sqlalchemy.url = {url}")
    ini.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("url", "error", "message", "hint"),
    [
        (None, ConfigError, "no sqlalchemy.url in [alembic] of ", "set sqlalchemy.url = "),
        (
            "driver://user:pass@localhost/dbname",
            ConfigError,
            "is still the placeholder driver://user:***@localhost/dbname that `init` writes",
            "set sqlalchemy.url in [alembic] to your database",
        ),
        (
            "nosuchdialect://u:pw@h/db",
            ConfigError,
            "sqlalchemy.url nosuchdialect://u:***@h/db names no installed SQLAlchemy dialect",
            "dialect+driver://",
        ),
        (
            "mysql+pymysql://u:pw@127.0.0.1/db",
            EnvironmentError_,
            "the database driver of mysql+pymysql://u:***@127.0.0.1/db is not installed",
            "install the driver's package",
        ),
        (
            "sqlite+aiosqlite:///:memory:",
            EnvironmentError_,
            "uses an async driver, but env.py",
            "`tidal init -t async`",
        ),
    ],
    ids=["no-url", "init-placeholder", "unknown-dialect", "driver-missing", "async-driver"],
)
def test_set_up_mistakes_are_one_line(
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    url: str | None,
    error: type[TidalError],
    message: str,
    hint: str,
) -> None:
    import sys

    ini = make_project(tmp_path, sqlite_url, REVS)
    _with_url(ini, url)
    monkeypatch.setitem(sys.modules, "pymysql", None)  # a driver that is not installed
    with pytest.raises(error) as caught:
        tidal_command(ini, "upgrade", "head")
    assert type(caught.value) is error
    assert message in caught.value.message
    assert hint in caught.value.hint
    assert "pw" not in caught.value.message + caught.value.hint
    assert ":pass@" not in caught.value.message + caught.value.hint


def test_context_outside_env_py() -> None:
    from tidal import context

    with pytest.raises(EnvironmentError_):
        context.is_offline_mode()


def test_alembic_style_python_api(tmp_path: Path, sqlite_url: str) -> None:
    from tidal.config import Config
    from tidal.runtime import EnvironmentContext
    from tidal.runtime.steps import StepSource
    from tidal.script import ScriptDirectory

    ini = make_project(tmp_path, sqlite_url, REVS)
    config = Config(str(ini))
    script = ScriptDirectory.from_config(config)
    source = StepSource(script)

    def fn(heads: tuple[str, ...], context: object) -> list[object]:
        return list(source.upgrade("head", heads))

    with EnvironmentContext(config, script, fn=fn, destination_rev="head"):
        script.run_env()
    assert version_rows(sqlite_url) == ["b2"]


def test_autocommit_block_writes_the_history_of_what_it_commits(
    tmp_path: Path, db_url: str
) -> None:
    import sqlalchemy as sa

    from tidal.errors import StepFailedError

    ini = make_project(tmp_path, db_url, [Revision("h1", None)])
    versions = tmp_path / "migrations" / "versions"
    body = (
        "def upgrade():\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.execute("CREATE TABLE t_h2 (id INTEGER)")\n'
        "    raise RuntimeError('after the block')\n"
        "\n\ndef downgrade():\n    pass\n"
    )
    write_script(versions, Revision("h2", "h1"), body)
    with pytest.raises(StepFailedError):
        tidal_command(ini, "upgrade", "head")
    # The block committed h1 (one transaction for the run until then): its history row too.
    assert version_rows(db_url) == ["h1"]
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT revision FROM tidal_history").scalars().all()
    engine.dispose()
    assert rows == ["h1"]


@pytest.mark.parametrize("per_migration", [False, True], ids=["run-wide", "per-migration"])
def test_stamp_purge_with_nothing_to_run_is_committed(
    tmp_path: Path, db_url: str, per_migration: bool
) -> None:
    # Found by the differential sequences on MariaDB: the purge's DELETE, with no step to
    # commit it, rolled back with the connection where no run-wide transaction exists.
    ini = make_project(tmp_path, db_url, REVS)
    if per_migration:
        env = tmp_path / "migrations" / "env.py"
        old = "connection=connection, target_metadata=target_metadata"
        env.write_text(env.read_text().replace(old, f"{old}, transaction_per_migration=True"))
    tidal_command(ini, "upgrade", "head")
    assert version_rows(db_url) == ["b2"]
    tidal_command(ini, "stamp", "base", purge=True)
    assert version_rows(db_url) == []
