"""One model change, end to end: generate, upgrade, ``check`` clean, downgrade, clean again."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.autogenerate.project import diffs, make_project, run, versions

from tidal.errors import DriftError


def with_configure(ini: Path, extra: str) -> None:
    """Add ``extra`` keywords to env.py's online ``context.configure(...)``."""
    env = ini.parent / "migrations" / "env.py"
    old = "connection=connection, target_metadata=target_metadata"
    text = env.read_text()
    assert old in text
    env.write_text(text.replace(old, f"{old}, {extra}"))


def round_trip(
    root: Path,
    url: str,
    before: sa.MetaData,
    after: sa.MetaData,
    *,
    configure: dict[str, Any] | None = None,
    rows: Sequence[str] = (),
) -> str:
    """Return the script migrating ``before`` to ``after``, once it has passed the round trip.

    ``configure``: env.py's extra ``context.configure()`` options (literals). ``rows`` are
    INSERTs run on the ``before`` schema; they must survive both ways.
    """
    ini = make_project(root, url)
    opts = dict(configure or {})
    if opts:
        with_configure(ini, ", ".join(f"{k}={v!r}" for k, v in opts.items()))
    run(ini, "revision", before, message="base", autogenerate=True)
    run(ini, "upgrade", None, "head")
    assert "No new upgrade operations detected." in run(ini, "check", before)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for row in rows:
                conn.execute(sa.text(row))
        with pytest.raises(DriftError):
            run(ini, "check", after)
        run(ini, "revision", after, message="change", autogenerate=True)
        script = versions(ini)[-1].read_text()
        run(ini, "upgrade", None, "head")
        assert "No new upgrade operations detected." in run(ini, "check", after), script
        run(ini, "downgrade", None, "-1")
        assert diffs(url, before, **opts) == [], script
        if rows:
            with engine.connect() as conn:
                first = sa.text(f"SELECT COUNT(*) FROM {_table_of(rows[0])}")
                assert conn.execute(first).scalar() == sum(
                    1 for r in rows if _table_of(r) == _table_of(rows[0])
                )
    finally:
        engine.dispose()
    return script


def _table_of(insert: str) -> str:
    return insert.split()[2]
