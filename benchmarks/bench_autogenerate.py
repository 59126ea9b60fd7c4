"""Group d: autogenerate and `check` against PostgreSQL with N generated tables.

Per size (default 50, 200, 500 tables of 10 columns, 3 indexes and 2 foreign keys each), in a
PostgreSQL database made for the run and dropped after, Tidal against Alembic in one run:

(a) ``revision --autogenerate`` as a subprocess, on a database that lacks one table and one
    column (the written script is removed before each run);
(b) the comparison alone: each tool's ``compare_metadata`` in this process, the models already
    imported, a fresh connection per run;
(c) ``check`` as a subprocess on a database that matches the models.

Models are declarative classes (``orm``, where mapping the classes dominates the import) and
Core Tables (``core``); each style is its own row.

Usage: python -m benchmarks.bench_autogenerate [--tables 50 200 500] [--repeat 3]
       [--styles orm core]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.harness import Timing, paired, tool
from benchmarks.workloads.gen_models import STYLES, build_database, generate, load_models

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def _database() -> Iterator[tuple[str, Callable[[], None]]]:
    """Yield the URL of a new database and a function that empties it; drop it after."""
    name = "tidal_bench_ag_" + uuid.uuid4().hex[:8]
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")

    def reset() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    reset()
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name, reset
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _compare_alembic(conn: sa.Connection, metadata: sa.MetaData) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    return list(compare_metadata(MigrationContext.configure(conn), metadata))


def _compare_tidal(conn: sa.Connection, metadata: sa.MetaData) -> list[Any]:
    from tidal.autogenerate import compare_metadata
    from tidal.runtime.migration import MigrationContext

    return list(compare_metadata(MigrationContext.configure(connection=conn), metadata))


def _in_process(url: str, metadata: sa.MetaData, repeat: int) -> tuple[Timing, Timing]:
    """Time both tools' compare_metadata, alternating, after one untimed run each."""
    tools = {"alembic": _compare_alembic, "tidal": _compare_tidal}
    runs: dict[str, list[float]] = {label: [] for label in tools}
    engine = sa.create_engine(url)
    try:
        for index in range(repeat + 1):
            for label, compare in tools.items():
                with engine.connect() as conn:
                    start = time.perf_counter()
                    found = compare(conn, metadata)
                    elapsed = time.perf_counter() - start
                if len(found) < 2:
                    raise RuntimeError(f"{label} found {found!r}; expected a table and a column")
                if index:
                    runs[label].append(elapsed)
    finally:
        engine.dispose()
    return Timing("alembic", tuple(runs["alembic"])), Timing("tidal", tuple(runs["tidal"]))


def _clear_versions(project: Path) -> Callable[[], None]:
    def clear() -> None:
        for script in (project / "migrations" / "versions").glob("*.py"):
            script.unlink()

    return clear


def bench(n: int, repeat: int, style: str = "orm") -> list[tuple[str, Timing, Timing]]:
    """Return (what, alembic, tidal) rows for ``n`` tables written in ``style``."""
    rows: list[tuple[str, Timing, Timing]] = []
    with tempfile.TemporaryDirectory() as tmp_name, _database() as (url, reset):
        project = Path(tmp_name) / "project"
        generate(project, n, url, style)
        metadata = load_models(project).target_metadata
        build_database(url, metadata, n, drift=True)
        clear = _clear_versions(project)
        command = ["revision", "--autogenerate", "-m", "drift"]
        ag = paired(
            {"alembic": [tool("alembic"), *command], "tidal": [tool("tidal"), *command]},
            project,
            repeat,
            before={"alembic": clear, "tidal": clear},
        )
        clear()
        rows.append(("revision --autogenerate", ag["alembic"], ag["tidal"]))
        rows.append(("compare_metadata (in process)", *_in_process(url, metadata, repeat)))
        reset()
        build_database(url, metadata, n, drift=False)
        ck = paired(
            {"alembic": [tool("alembic"), "check"], "tidal": [tool("tidal"), "check"]},
            project,
            repeat,
        )
        rows.append(("check (clean)", ck["alembic"], ck["tidal"]))
    return rows


def main() -> None:
    """Run the group and print a markdown table of ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--styles", nargs="+", choices=sorted(STYLES), default=["orm", "core"])
    args = parser.parse_args()
    print("| tables | models | what | alembic (s) | tidal (s) | speed-up |")
    print("|---:|---|---|---:|---:|---:|")
    for n in args.tables:
        for style in args.styles:
            for what, a, t in bench(n, args.repeat, style):
                print(
                    f"| {n} | {style} | {what} | {a.best:.3f} | {t.best:.3f} | "
                    f"{a.best / t.best:.2f}x |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
