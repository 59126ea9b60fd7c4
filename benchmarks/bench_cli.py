"""Group a: heads / history / branches / current on generated histories, Tidal vs Alembic.

Usage: python -m benchmarks.bench_cli [--sizes 1000 5000] [--repeat 5] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import Timing, paired, tool
from benchmarks.workloads.gen_history import generate

COMMANDS = ("heads", "history", "branches")

STAT_ALL = (
    "import os,sys\n"
    "d=sys.argv[1]\n"
    "[os.stat(os.path.join(d,f)) for f in os.listdir(d)]\n"
)


def bench_size(n: int, repeat: int) -> list[tuple[str, str, Timing, Timing, Timing | None]]:
    """Return rows (command, cache, alembic, tidal, baseline) for one history size."""
    rows: list[tuple[str, str, Timing, Timing, Timing | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        generate(project, n)
        cache = Path(tmp) / "cache"
        versions = str(project / "migrations" / "versions")
        baseline = paired({"stat": [sys.executable, "-c", STAT_ALL, versions]}, project, repeat)
        warm_env = {"XDG_CACHE_HOME": str(cache)}
        for command in COMMANDS:
            argv_a = [tool("alembic"), command]
            argv_t = [tool("tidal"), command]
            paired({"t": argv_t}, project, 1, env={"t": warm_env})  # fill the cache
            warm = paired(
                {"alembic": argv_a, "tidal": argv_t}, project, repeat, env={"tidal": warm_env}
            )
            rows.append((command, "warm", warm["alembic"], warm["tidal"], baseline["stat"]))

            def wipe() -> None:
                shutil.rmtree(cache, ignore_errors=True)

            cold = paired(
                {"alembic": argv_a, "tidal": argv_t},
                project,
                repeat,
                env={"tidal": warm_env},
                before={"tidal": wipe},
            )
            rows.append((command, "cold", cold["alembic"], cold["tidal"], None))
    return rows


def main() -> None:
    """Run the group and print a markdown table of ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    lines = [
        "| revisions | command | cache | alembic (s) | tidal (s) | speed-up | tidal / stat-all |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for n in args.sizes:
        for command, cache, a, t, base in bench_size(n, args.repeat):
            vs_base = f"{t.best / base.best:.1f}x" if base else "-"
            lines.append(
                f"| {n} | {command} | {cache} | {a.best:.3f} | {t.best:.3f} | "
                f"{a.best / t.best:.1f}x | {vs_base} |"
            )
            print(lines[-1], flush=True)
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")


if __name__ == "__main__":
    main()
