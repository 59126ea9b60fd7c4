"""The seeds' flows that Alembic 1.20 breaks, run as the seeds print them (issue 7 item 1).

Each test builds a project with ``tidal init``, writes the seed's own ini lines and
migration bodies, and runs the seed's command line through ``tidal.cli.main``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tidal.cli.main import main

# Seed 004, "Phase 1: Additive Change" and "Phase 2: Data Migration (Background)", verbatim
# bodies (the seed's phase 2 passes a plain string to connection.execute).
ZD001 = '''"""add new column (phase 1)

Revision ID: zd001
"""
from alembic import op
import sqlalchemy as sa

revision = "zd001"
down_revision = "tix001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Add new column as nullable
    op.add_column('tickets',
        sa.Column('new_field', sa.String(100), nullable=True)
    )

def downgrade() -> None:
    op.drop_column('tickets', 'new_field')
'''

ZD002 = '''"""populate new column (phase 2)

Revision ID: zd002
"""
from alembic import op
import sqlalchemy as sa

revision = "zd002"
down_revision = "zd001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Update in small batches during low-traffic periods
    connection = op.get_bind()

    batch_size = 100
    while True:
        result = connection.execute(
            """
            UPDATE tickets
            SET new_field = calculate_value(old_field)
            WHERE new_field IS NULL
            LIMIT {batch_size}
            """.format(batch_size=batch_size)
        )
        if result.rowcount == 0:
            break

def downgrade() -> None:
    connection = op.get_bind()
    connection.execute("UPDATE tickets SET new_field = NULL")
'''

# Seed 004's generated merge migration, verbatim.
MERGE001 = '''"""merge reporting into main

Revision ID: merge001
Revises: ghi789, rep002
Create Date: 2025-01-15 14:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

revision = 'merge001'
down_revision = ('ghi789', 'rep002')  # Multiple parents
branch_labels = None
depends_on = None

def upgrade() -> None:
    # Usually empty for simple merges
    # Add code if you need to reconcile conflicting changes
    pass

def downgrade() -> None:
    pass
'''


def _table_script(rev: str, down: str | None, table: str, labels: str | None = None) -> str:
    return f'''"""{rev}: create {table}

Revision ID: {rev}
"""
from alembic import op
import sqlalchemy as sa

revision = {rev!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = None


def upgrade() -> None:
    op.create_table({table!r}, sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table({table!r})
'''


def _project(root: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run ``tidal init alembic`` in ``root`` and point it at ``url``; return versions/."""
    monkeypatch.chdir(root)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)
    monkeypatch.delenv("TIDAL_CONFIG", raising=False)
    assert main(["init", "alembic"]) == 0
    ini = root / "alembic.ini"
    lines = [
        f"sqlalchemy.url = {url}" if line.startswith("sqlalchemy.url") else line
        for line in ini.read_text(encoding="utf-8").splitlines()
    ]
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root / "alembic" / "versions"


def _main_branch(versions: Path) -> None:
    """Seed 004's main branch: abc123 initial schema, def456 tickets, ghi789 users."""
    versions.joinpath("abc123.py").write_text(_table_script("abc123", None, "customers"))
    versions.joinpath("def456.py").write_text(_table_script("def456", "abc123", "tickets"))
    versions.joinpath("ghi789.py").write_text(_table_script("ghi789", "def456", "users"))


def _with_reporting(versions: Path) -> None:
    """Add seed 004's reporting branch (rep001, rep002) and its merge001."""
    _main_branch(versions)
    versions.joinpath("rep001.py").write_text(
        _table_script("rep001", None, "reports", labels="reporting")
    )
    versions.joinpath("rep002.py").write_text(
        _table_script("rep002", "rep001", "scheduled_reports")
    )
    versions.joinpath("merge001.py").write_text(MERGE001)


def _failure(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Return the error lines on stderr (logging lines left out)."""
    err = capsys.readouterr().err.splitlines()
    return [line for line in err if line.startswith(("FAILED:", "  hint:"))]


def _heads(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return set()
            return {r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


# -- seed 004: alembic downgrade -1 --sql ----------------------------------------------


def test_seed_004_downgrade_minus_one_sql_counts_from_database(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _main_branch(_project(tmp_path, db_url, monkeypatch))
    assert main(["upgrade", "head"]) == 0
    before = (_tables(db_url), _heads(db_url))
    capsys.readouterr()
    assert main(["downgrade", "-1", "--sql"]) == 0
    out = capsys.readouterr().out
    assert "DROP TABLE users" in out
    assert "-- Running downgrade ghi789 -> def456" in out
    assert "tickets" not in out.split("-- Running", 1)[1].split("DROP TABLE users")[0]
    assert (_tables(db_url), _heads(db_url)) == before  # read-only: nothing written


def test_downgrade_sql_reads_without_creating_version_table(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _main_branch(_project(tmp_path, sqlite_url, monkeypatch))
    sa.create_engine(sqlite_url).connect().close()  # an empty database
    assert main(["downgrade", "-1", "--sql"]) == 4
    assert "didn't produce 1 migrations" in capsys.readouterr().err
    assert "alembic_version" not in _tables(sqlite_url)


def test_downgrade_sql_unreachable_database_hints_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite'}"
    _main_branch(_project(tmp_path, url, monkeypatch))
    capsys.readouterr()
    assert main(["downgrade", "-1", "--sql"]) == 6
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith("FAILED: downgrade -1 --sql counts from the database's heads")
    assert "<from>:<to>" in err[1]
    assert not (tmp_path / "missing").exists()


def test_downgrade_sql_absolute_target_still_needs_range(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _main_branch(_project(tmp_path, sqlite_url, monkeypatch))
    assert main(["downgrade", "abc123", "--sql"]) == 1
    assert "requires <fromrev>:<torev>" in capsys.readouterr().err
    assert main(["downgrade", "ghi789:def456", "--sql"]) == 0
    assert "DROP TABLE users" in capsys.readouterr().out


def test_offline_upgrade_plus_one_counts_from_base(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _main_branch(_project(tmp_path, sqlite_url, monkeypatch))
    assert main(["upgrade", "head"]) == 0
    capsys.readouterr()
    assert main(["upgrade", "+1", "--sql"]) == 0  # as Alembic: from base, not the database
    out = capsys.readouterr().out
    assert "CREATE TABLE customers" in out and "CREATE TABLE tickets" not in out


# -- seed 004: downgrade -1 after its own merge ----------------------------------------


def test_seed_004_downgrade_minus_one_undoes_merge(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _with_reporting(_project(tmp_path, db_url, monkeypatch))
    assert main(["upgrade", "heads"]) == 0
    assert _heads(db_url) == {"merge001"}
    assert main(["downgrade", "-1"]) == 0
    assert _heads(db_url) == {"ghi789", "rep002"}
    capsys.readouterr()
    assert main(["upgrade", "heads"]) == 0
    assert main(["downgrade", "-2"]) == 4
    err = _failure(capsys)
    assert err[0].startswith(
        "FAILED: downgrade -2: after 1 step(s) the database would have 2 heads"
    )
    assert "`tidal downgrade reporting@-1`" in err[1] and "`tidal downgrade def456`" in err[1]
    assert _heads(db_url) == {"merge001"}  # planned first: nothing ran
    assert main(["downgrade", "-1"]) == 0
    assert main(["downgrade", "reporting@-1"]) == 0  # one of the targets the hint lists
    assert _heads(db_url) == {"ghi789", "rep001"}


def test_downgrade_minus_n_walks_to_a_merge_then_undoes_it(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    versions = _project(tmp_path, sqlite_url, monkeypatch)
    _with_reporting(versions)
    versions.joinpath("after001.py").write_text(_table_script("after001", "merge001", "followups"))
    assert main(["upgrade", "heads"]) == 0
    assert main(["downgrade", "-2", "--sql"]) == 0
    out = capsys.readouterr().out
    assert "DROP TABLE followups" in out
    assert main(["downgrade", "-2"]) == 0
    assert _heads(sqlite_url) == {"ghi789", "rep002"}
    assert "followups" not in _tables(sqlite_url)


# -- seeds 000 and 004: --version-path outside version_locations -------------------------


def test_seed_004_version_path_names_the_line_to_add(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(tmp_path, sqlite_url, monkeypatch)
    argv = [
        "revision",
        "-m",
        "create reporting branch",
        "--head=base",
        "--branch-label=reporting",
        "--version-path=alembic/versions/reporting",
    ]
    capsys.readouterr()
    assert main(argv) == 3
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "is not represented in current version locations" in err[0]
    line = err[1].split("add it to [alembic]: ", 1)[1]
    assert line.startswith("version_locations = %(here)s/alembic/versions")
    assert line.endswith("%(here)s/alembic/versions/reporting")
    ini = tmp_path / "alembic.ini"
    text = ini.read_text(encoding="utf-8").replace("[alembic]\n", f"[alembic]\n{line}\n", 1)
    ini.write_text(text, encoding="utf-8")
    (tmp_path / "alembic" / "versions" / "reporting").mkdir()
    assert main(argv) == 0
    written = list((tmp_path / "alembic" / "versions" / "reporting").glob("*.py"))
    assert len(written) == 1
    assert main(["revision", "-m", "add report tables", "--head=reporting@head"]) == 0


def test_seed_000_version_path_in_a_named_section(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(tmp_path, sqlite_url, monkeypatch)
    ini = tmp_path / "alembic.ini"
    db1 = f"sqlite:///{tmp_path / 'db1.sqlite'}"
    ini.write_text(ini.read_text(encoding="utf-8") + f"\n[db1]\nsqlalchemy.url = {db1}\n")
    # Seed 000's "错误1" fix, less --autogenerate (its env.py has no models here).
    argv = ["-n", "db1", "revision", "-m", "init", "--version-path=alembic/versions/db1"]
    capsys.readouterr()
    assert main(argv) == 3
    err = _failure(capsys)
    line = err[1].split("add it to [db1]: ", 1)[1]
    ini.write_text(ini.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    (tmp_path / "alembic" / "versions" / "db1").mkdir()
    assert main(argv) == 0
    assert len(list((tmp_path / "alembic" / "versions" / "db1").glob("*_init.py"))) == 1
    assert main(["-n", "db1", "stamp", "head"]) == 0


# -- seed 004: zero-downtime phase 2 passes a plain string to connection.execute ----------


def test_seed_004_raw_sql_string_hints_sa_text(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    versions = _project(tmp_path, db_url, monkeypatch)
    versions.joinpath("tix001.py").write_text(_table_script("tix001", None, "tickets"))
    versions.joinpath("zd001.py").write_text(ZD001)
    versions.joinpath("zd002.py").write_text(ZD002)
    assert main(["upgrade", "zd001"]) == 0
    capsys.readouterr()
    assert main(["upgrade", "head"]) == 5
    err = _failure(capsys)
    assert err[0] == (
        "FAILED: upgrade zd001 -> zd002 failed: connection.execute() got a plain SQL string"
    )
    assert err[1].startswith("  hint: wrap it in sa.text()") and "zd001" in err[1]
    assert len(err) == 2
    assert _heads(db_url) == {"zd001"}


# -- flows others built, tested here from the seeds' own lines ---------------------------

SEED_003_INI = """[alembic]
# 禁止自动生成迁移(仅允许手动审核)
file_template = %%(year)d_%(month).2d_%(day).2d_%%(hour).2d%%(minute).2d-%%(slug)s
version_locations = migrations/versions
sqlalchemy.url = ${PRODUCTION_DB_URL}  # 通过环境变量注入

[post_write_hooks]
# 自动生成变更校验脚本
hooks = pg_dump_verify
pg_dump_verify.executable = scripts/verify_changes.sh
"""

# Seed 003, "错误2:不兼容的类型变更", the solution's upgrade() verbatim.
SEED_003_UPGRADE = """def upgrade():
    # 分阶段变更类型
    with op.batch_alter_table('settings') as batch_op:
        batch_op.add_column(sa.Column('new_flag', sa.Boolean))
        batch_op.execute("UPDATE settings SET new_flag = (old_flag != 0)")
        batch_op.drop_column('old_flag')
        batch_op.alter_column('new_flag', new_column_name='flag')


def downgrade():
    pass
"""


def test_seed_003_ini_hook_and_staged_type_change(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(tmp_path, db_url, monkeypatch)
    (tmp_path / "alembic").rename(tmp_path / "migrations")
    ini = tmp_path / "alembic.ini"
    text = ini.read_text(encoding="utf-8").replace("%(here)s/alembic", "%(here)s/migrations")
    seed_alembic, _, seed_hooks = SEED_003_INI.partition("\n[post_write_hooks]")
    kept = [ln for ln in text.splitlines() if not ln.startswith("sqlalchemy.url")]
    text = "\n".join(kept).replace("[post_write_hooks]", "[unused]")
    text = text.replace("[alembic]\n", seed_alembic + "\n", 1)
    ini.write_text(text + "\n[post_write_hooks]" + seed_hooks, encoding="utf-8")
    hook = tmp_path / "scripts" / "verify_changes.sh"
    hook.parent.mkdir()
    hook.write_text('#!/bin/sh\necho "$1" > "$(dirname "$0")/verified"\n')
    hook.chmod(0o755)
    monkeypatch.setenv("PRODUCTION_DB_URL", db_url)
    assert main(["revision", "-m", "add_user_phone_column"]) == 0
    [script] = (tmp_path / "migrations" / "versions").glob("*-add_user_phone_column.py")
    assert (tmp_path / "scripts" / "verified").read_text().strip().endswith(script.name)
    head, _, _ = script.read_text(encoding="utf-8").partition("\ndef upgrade")
    script.write_text(head + "\n" + SEED_003_UPGRADE, encoding="utf-8")
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE settings (id INTEGER PRIMARY KEY, old_flag INTEGER)")
        conn.exec_driver_sql("INSERT INTO settings VALUES (1, 0), (2, 5)")
    capsys.readouterr()
    # On MySQL/MariaDB the rename (no existing_type) restates the column read live.
    assert main(["upgrade", "head"]) == 0, capsys.readouterr().err
    with engine.connect() as conn:
        assert [c["name"] for c in sa.inspect(conn).get_columns("settings")] == ["id", "flag"]
        rows = conn.execute(sa.text("SELECT id, flag FROM settings ORDER BY id")).all()
    engine.dispose()
    assert [(r[0], bool(r[1])) for r in rows] == [(1, False), (2, True)]


@pytest.mark.postgresql
def test_seed_004_ini_url_from_environment_names(
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_line = "postgresql://%(DB_USER)s:%(DB_PASSWORD)s@%(DB_HOST)s/%(DB_NAME)s"
    _main_branch(_project(tmp_path, seed_line, monkeypatch))
    url = sa.make_url(pg_url)
    monkeypatch.setenv("DB_USER", str(url.username))
    monkeypatch.setenv("DB_PASSWORD", "s3cret-not-needed")  # trust auth ignores it
    monkeypatch.setenv("DB_HOST", f"{url.host}:{url.port}")
    monkeypatch.delenv("DB_NAME", raising=False)
    capsys.readouterr()
    assert main(["upgrade", "head"]) == 3
    err = capsys.readouterr().err
    assert "DB_NAME" in err and "s3cret" not in err
    monkeypatch.setenv("DB_NAME", str(url.database))
    assert main(["upgrade", "head"]) == 0
    assert _heads(pg_url) == {"ghi789"}


def test_seed_004_merge_main_at_head_without_main_label(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    versions = _project(tmp_path, sqlite_url, monkeypatch)
    _with_reporting(versions)
    versions.joinpath("merge001.py").unlink()
    capsys.readouterr()
    argv = ["merge", "-m", "merge reporting into main", "main@head", "reporting@head"]
    assert main(argv) == 4
    err = _failure(capsys)
    assert "main" in err[0] and "reporting" in err[1]
    assert main(["merge", "heads", "-m", "merge branches"]) == 0  # the seed's own solution
    assert main(["upgrade", "heads"]) == 0
    assert len(_heads(sqlite_url)) == 1
