"""During a Tidal run, ``alembic.*`` names resolve to Tidal; afterwards the real Alembic is back."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from tests.runtime.projects import make_project

from tidal import command
from tidal.config import Config
from tidal.script.revision import Revision

ENV = """
import alembic
import alembic.context
import alembic.op
from alembic import context, op
from alembic.runtime.migration import MigrationContext
from alembic.runtime.environment import EnvironmentContext
from alembic.util import CommandError

import tidal.context
import tidal.op
from tidal.errors import TidalError
from tidal.runtime.environment import EnvironmentContext as TidalEnv
from tidal.runtime.migration import MigrationContext as TidalMC

seen = context.config.attributes["seen"]
seen["context"] = context is tidal.context and alembic.context is tidal.context
seen["op"] = op is tidal.op and alembic.op is tidal.op
seen["classes"] = MigrationContext is TidalMC and EnvironmentContext is TidalEnv
seen["error"] = CommandError is TidalError
seen["version"] = alembic.__version__
context.configure(url="sqlite://", literal_binds=True)
with context.begin_transaction():
    context.run_migrations()
"""


def test_alembic_names_resolve_to_tidal_only_during_the_run(tmp_path: Path) -> None:
    import alembic as real_before

    make_project(tmp_path, "sqlite://", [Revision("a1", None)])
    (tmp_path / "migrations" / "env.py").write_text(ENV)
    seen: dict[str, object] = {}
    cfg = Config(str(tmp_path / "alembic.ini"), attributes={"seen": seen}, cmd_opts=Namespace(x=[]))
    command.upgrade(cfg, "head", sql=True)
    assert seen == {
        "context": True,
        "op": True,
        "classes": True,
        "error": True,
        "version": "1.20.1",
    }
    import alembic as real_after

    assert real_after is real_before and "site-packages" in str(real_after.__file__)
    assert sys.modules["alembic"] is real_before
