"""The quick "table is as the models say" test that lets big schemas skip the full comparison."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from tests.autogenerate.models import CHANGES, rich_metadata

from tidal.autogenerate.compare.unchanged import unchanged
from tidal.autogenerate.context import AutogenContext
from tidal.autogenerate.snapshot import reflect
from tidal.runtime.migration import MigrationContext


def _unchanged_tables(url: str, change: Callable[[sa.MetaData], None] | None) -> set[str]:
    engine = sa.create_engine(url)
    name = engine.dialect.name
    with engine.begin() as conn:
        rich_metadata(name).create_all(conn)
    models = rich_metadata(name)
    if change is not None:
        change(models)
    with engine.connect() as conn:
        ctx = AutogenContext(MigrationContext.configure(connection=conn), models)
        ctx.snapshot = reflect(conn, [None], skip=ctx.is_own_table)
        out = {
            t.name
            for key, t in ctx.model_tables().items()
            if key in ctx.snapshot.tables and unchanged(ctx, t, ctx.snapshot.tables[key])
        }
    engine.dispose()
    return out


def test_matching_tables_pass(db_url: str) -> None:
    name = sa.make_url(db_url).get_dialect().name
    # Expression indexes (pg_extra) and unique constraints kept as indexes (MariaDB)
    # take the full comparison, which is right but slower.
    expected = {"sqlite": {"child", "parent"}, "postgresql": {"child", "parent"}, "mysql": set()}
    assert _unchanged_tables(db_url, None) == expected[name]


@pytest.mark.parametrize(
    "change", ["add_column", "drop_column", "widen_type", "make_nullable", "add_index", "drop_fk"]
)
def test_a_changed_table_does_not_pass(sqlite_url: str, change: str) -> None:
    target = "child" if change == "drop_fk" else "parent"
    assert target not in _unchanged_tables(sqlite_url, CHANGES[change])
