"""Seed 000's multi-database layout on SQLite, PostgreSQL and MariaDB side by side.

One script folder, one ini section per database (`-n db1`, `-n db2`, `-n db3`), each with
its own URL and version location; the sections take `script_location` from `[alembic]`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

INI = """[alembic]
script_location = %(here)s/migrations

[db1]
sqlalchemy.url = {db1}
version_locations = %(here)s/migrations/versions/db1

[db2]
sqlalchemy.url = {db2}
version_locations = %(here)s/migrations/versions/db2

[db3]
sqlalchemy.url = {db3}
version_locations = %(here)s/migrations/versions/db3
"""

ENV = """from sqlalchemy import engine_from_config, pool
from alembic import context

config = context.config
section = config.get_section(config.config_ini_section, {})
if context.is_offline_mode():
    context.configure(url=section["sqlalchemy.url"], literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
"""

SCRIPT = '''"""create {table}"""
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("{table}")
'''

TABLES = {"db1": "users", "db2": "logs", "db3": "audit"}


def _tidal(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tidal", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.postgresql
@pytest.mark.mariadb
def test_three_databases_side_by_side(
    tmp_path: Path, sqlite_url: str, pg_url: str, mariadb_url: str
) -> None:
    urls = {"db1": sqlite_url, "db2": pg_url, "db3": mariadb_url}
    (tmp_path / "alembic.ini").write_text(INI.format(**urls))
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "env.py").write_text(ENV)
    for index, (name, table) in enumerate(TABLES.items()):
        folder = migrations / "versions" / name
        folder.mkdir(parents=True)
        rev = f"{name}rev{index}"
        (folder / f"{rev}_create.py").write_text(SCRIPT.format(rev=rev, table=table))

    for name in TABLES:
        done = _tidal(tmp_path, "-n", name, "upgrade", "head")
        assert done.returncode == 0, done.stderr
    history = _tidal(tmp_path, "-n", "db2", "history", "--verbose")
    assert history.returncode == 0, history.stderr
    assert "Rev: db2rev1 (head)" in history.stdout and "db1rev0" not in history.stdout

    for index, (name, table) in enumerate(TABLES.items()):
        engine = sa.create_engine(urls[name])
        try:
            names = set(sa.inspect(engine).get_table_names())
            assert table in names and "alembic_version" in names
            assert not names & (set(TABLES.values()) - {table})
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            assert [r[0] for r in rows] == [f"{name}rev{index}"]
        finally:
            engine.dispose()

    missing = _tidal(tmp_path, "-n", "db4", "current")
    assert missing.returncode == 3
    assert "db4" in missing.stderr and "db1, db2, db3" in missing.stderr
