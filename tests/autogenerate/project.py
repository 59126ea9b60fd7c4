"""A throwaway project whose env.py takes ``target_metadata`` from ``config.attributes``."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from tests.runtime.projects import init_project


def make_project(root: Path, url: str) -> Path:
    """Return alembic.ini of a new project (Alembic's generic env.py, metadata from attributes)."""
    ini = init_project(root, url)
    env = root / "migrations" / "env.py"
    text = env.read_text()
    text = text.replace("target_metadata = None", "target_metadata = config.attributes['md']")
    text = text.replace("    fileConfig(config.config_file_name)", "    pass")
    env.write_text(text)
    return ini


def make_multidb_project(root: Path, url1: str, url2: str) -> Path:
    """Return alembic.ini of a ``multidb`` project on two databases (metadata from attributes).

    ``config.attributes['md']`` is the ``{"engine1": MetaData, "engine2": MetaData}`` dict.
    """
    ini = init_project(root / "multi", url1, "multidb")
    text = ini.read_text()
    for name, url in (("engine1", url1), ("engine2", url2)):
        text = re.sub(
            rf"(?m)^\[{name}\]\nsqlalchemy\.url = .*$", f"[{name}]\nsqlalchemy.url = {url}", text
        )
    ini.write_text(text)
    env = ini.parent / "migrations" / "env.py"
    env.write_text(
        env.read_text()
        .replace("target_metadata = {}", "target_metadata = config.attributes['md']")
        .replace("    fileConfig(config.config_file_name)", "    pass")
    )
    return ini


def run(ini: Path, name: str, md: sa.MetaData | None, *args: Any, **kw: Any) -> str:
    """Run ``tidal.command.<name>`` with ``md`` as the models; return what it printed."""
    from tidal import command
    from tidal.config import Config

    out = io.StringIO()
    cfg = Config(str(ini), stdout=out, attributes={"md": md})
    getattr(command, name)(cfg, *args, **kw)
    return out.getvalue()


def versions(ini: Path) -> list[Path]:
    """Return the project's revision files, oldest first by name of creation."""
    return sorted(
        (ini.parent / "migrations" / "versions").glob("*.py"), key=lambda p: p.stat().st_mtime_ns
    )


def diffs(url: str, md: Any, **opts: Any) -> list[Any]:
    """Return ``compare_metadata`` of ``md`` against the database at ``url``."""
    from tidal.autogenerate import compare_metadata
    from tidal.runtime.migration import MigrationContext

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(connection=conn, opts=opts), md)
    finally:
        engine.dispose()


def make_file_project(root: Path, url: str, models_source: str) -> Path:
    """Return alembic.ini of a project whose env.py imports the ``models.py`` beside it."""
    ini = init_project(root, url)
    (root / "models.py").write_text(models_source)
    env = root / "migrations" / "env.py"
    text = env.read_text()
    text = text.replace(
        "target_metadata = None",
        f"import sys\nsys.path.insert(0, {str(root)!r})\nimport models\n"
        "sys.modules.pop('models')\ntarget_metadata = models.metadata",
    )
    text = text.replace("    fileConfig(config.config_file_name)", "    pass")
    env.write_text(text)
    return ini
