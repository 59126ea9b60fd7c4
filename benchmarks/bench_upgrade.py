"""Group c: `upgrade head` from empty and `downgrade base` for N small migrations.

Each migration creates one small table. SQLite (a file) and PostgreSQL (a database made
for the run and dropped after), Tidal against Alembic in the same run.

Usage: python -m benchmarks.bench_upgrade [--n 1000] [--repeat 3] [--backends sqlite postgresql]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from benchmarks.harness import Timing, paired, tool
from benchmarks.workloads.gen_history import generate

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _sqlite(tmp: Path) -> tuple[str, Callable[[], None], Callable[[], None]]:
    db = tmp / "bench.db"

    def reset() -> None:
        db.unlink(missing_ok=True)

    return f"sqlite:///{db}", reset, reset


def _postgresql(tmp: Path) -> tuple[str, Callable[[], None], Callable[[], None]]:
    name = "tidal_bench_" + uuid.uuid4().hex[:8]
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")

    def reset() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            # Write out the dirty pages of the previous run and of CREATE DATABASE now,
            # so that neither tool's timed run pays for the other's (same for both).
            conn.exec_driver_sql("CHECKPOINT")

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, reset, drop


BACKENDS = {"sqlite": _sqlite, "postgresql": _postgresql}


def bench(backend: str, n: int, repeat: int) -> list[tuple[str, Timing, Timing]]:
    """Return (command, alembic, tidal) rows for one backend."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url, reset, drop = BACKENDS[backend](tmp)
        project = tmp / "project"
        generate(project, n, url=url, ddl=True)
        try:
            up = paired(
                {
                    "alembic": [tool("alembic"), "upgrade", "head"],
                    "tidal": [tool("tidal"), "upgrade", "head"],
                },
                project,
                repeat,
                before={"alembic": reset, "tidal": reset},
            )
            rows.append(("upgrade head", up["alembic"], up["tidal"]))

            def at_head(label: str) -> Callable[[], None]:
                def prepare() -> None:
                    reset()
                    paired({label: [tool("tidal"), "upgrade", "head"]}, project, 1)

                return prepare

            down = paired(
                {
                    "alembic": [tool("alembic"), "downgrade", "base"],
                    "tidal": [tool("tidal"), "downgrade", "base"],
                },
                project,
                repeat,
                before={"alembic": at_head("a"), "tidal": at_head("t")},
            )
            rows.append(("downgrade base", down["alembic"], down["tidal"]))
        finally:
            drop()
    return rows


def main() -> None:
    """Run the group and print a markdown table of ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"load average before: {_load()}; best and median of {args.repeat} paired runs")
    print(
        "| backend | migrations | command | alembic best (s) | tidal best (s) | speed-up "
        "| alembic median (s) | tidal median (s) | median speed-up |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for backend in args.backends:
        for command, a, t in bench(backend, args.n, args.repeat):
            print(
                f"| {backend} | {args.n} | {command} | {a.best:.2f} | {t.best:.2f} | "
                f"{a.best / t.best:.2f}x | {a.median:.2f} | {t.median:.2f} | "
                f"{a.median / t.median:.2f}x |",
                flush=True,
            )
    print(f"load average after: {_load()}")


def _load() -> str:
    """Return the 1, 5 and 15 minute load averages (the machine is shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
