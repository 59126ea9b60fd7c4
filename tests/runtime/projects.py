"""Build throwaway Alembic projects and run commands on them with either tool.

A project is made with the installed Alembic's own ``init`` (so env.py is the real
template's, unchanged), then gets scripts with ``from alembic import op`` that create
and drop one small table each through plain ``op.execute``.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tidal.script.revision import Revision

SCRIPT = '''"""{doc}

Revision ID: {rev}
Revises: {down}
Create Date: 2024-01-01 00:00:00
"""
from alembic import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {deps!r}


def upgrade():
    op.execute("CREATE TABLE t_{rev} (id INTEGER)")


def downgrade():
    op.execute("DROP TABLE t_{rev}")
'''


def write_script(versions: Path, rev: Revision, body: str | None = None) -> Path:
    """Write one revision script into ``versions``; return its path."""
    text = SCRIPT.format(
        doc=f"make {rev.revision}",
        rev=rev.revision,
        down=rev.down_revision,
        labels=rev.branch_labels or None,
        deps=rev.depends_on,
    )
    if body is not None:
        text = text.split("\n\ndef upgrade", 1)[0] + "\n\n" + body
    path = versions / f"{rev.revision}_make.py"
    path.write_text(text)
    return path


def _toml(ini: Path) -> str | None:
    toml = ini.parent / "pyproject.toml"
    return str(toml) if toml.exists() else None


def init_project(root: Path, url: str, template: str = "generic") -> Path:
    """Run ``alembic init -t template`` in ``root``; point it at ``url``; return alembic.ini."""
    from alembic import command as acommand
    from alembic.config import Config as AConfig

    root.mkdir(parents=True, exist_ok=True)
    ini = root / "alembic.ini"
    if template == "pyproject":
        (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    cfg = AConfig(str(ini), toml_file=_toml(ini))
    with redirect_stdout(io.StringIO()):
        acommand.init(cfg, str(root / "migrations"), template=template)
    text = ini.read_text()
    text = re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", text)
    if "sqlalchemy.url" not in text:
        text += f"\n[alembic]\nsqlalchemy.url = {url}\n"
    ini.write_text(text)
    return ini


def make_project(
    root: Path, url: str, revisions: Sequence[Revision], template: str = "generic"
) -> Path:
    """Return alembic.ini of a new project holding ``revisions``."""
    ini = init_project(root, url, template)
    versions = root / "migrations" / "versions"
    versions.mkdir(exist_ok=True)
    for rev in revisions:
        write_script(versions, rev)
    return ini


class StepLog(logging.Handler):
    """Collect ``Running ...`` lines of the ``alembic.runtime.migration`` logger."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Running "):
            self.lines.append(message)


@contextmanager
def step_log() -> Iterator[StepLog]:
    """Capture the steps both tools log, whichever runs."""
    logger = logging.getLogger("alembic.runtime.migration")
    handler = StepLog()
    old_level, old_disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.disabled = old_disabled


def _quiet_env(ini: Path) -> None:
    # fileConfig in env.py would reconfigure logging for the whole test process.
    env = ini.parent / "migrations" / "env.py"
    env.write_text(env.read_text().replace("    fileConfig(config.config_file_name)", "    pass"))


def tidal_command(ini: Path, name: str, *args: Any, **kw: Any) -> tuple[str, list[str]]:
    """Run ``tidal.command.<name>``; return (stdout text, logged steps); raise as it raises."""
    from tidal import command
    from tidal.config import Config

    out = io.StringIO()
    cfg = Config(str(ini), stdout=out, toml_file=_toml(ini))
    with step_log() as log:
        getattr(command, name)(cfg, *args, **kw)
    return out.getvalue(), log.lines


def alembic_command(ini: Path, name: str, *args: Any, **kw: Any) -> tuple[str, list[str]]:
    """Run ``alembic.command.<name>`` in-process; return (stdout text, logged steps)."""
    from alembic import command as acommand
    from alembic.config import Config as AConfig

    out = io.StringIO()
    cfg = AConfig(str(ini), stdout=out, toml_file=_toml(ini))
    with step_log() as log:
        getattr(acommand, name)(cfg, *args, **kw)
    return out.getvalue(), log.lines


def version_rows(url: str, table: str = "alembic_version") -> list[str] | None:
    """Return the sorted rows of the version table (None when it does not exist)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(table):
                return None
            return sorted(r[0] for r in conn.exec_driver_sql(f"SELECT version_num FROM {table}"))
    finally:
        engine.dispose()


def table_names(url: str) -> list[str]:
    """Return the database's table names, sorted."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return sorted(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def outcome(fn: Callable[[], tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """Return a command's (stdout, steps), or ("<fails>", steps-so-far) when it raises."""
    try:
        return fn()
    except Exception:  # noqa: BLE001 - both tools fail with their own error types
        return "<fails>", []
