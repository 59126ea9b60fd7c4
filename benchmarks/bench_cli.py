"""Group a: heads / history / branches / current on generated histories, Tidal vs Alembic.

``current`` runs against a SQLite database stamped at head (``alembic stamp head``), so
it pays for env.py and SQLAlchemy as well as for reading the scripts.

Usage: python -m benchmarks.bench_cli [--sizes 1000 5000] [--repeat 5]
       [--commands heads history branches current] [--no-script-bytecode] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import Timing, clean_environ, paired, tool
from benchmarks.workloads.gen_history import generate

COMMANDS = ("heads", "history", "branches", "current")

STAT_ALL = "import os,sys\nd=sys.argv[1]\n[os.stat(os.path.join(d,f)) for f in os.listdir(d)]\n"


def _stamp_head(project: Path) -> None:
    """Create the project's SQLite database with its version row at head."""
    subprocess.run(
        [tool("alembic"), "stamp", "head"],
        cwd=project,
        env=clean_environ(),
        check=True,
        capture_output=True,
    )


def _current(
    project: Path, repeat: int, warm_env: dict[str, str], baseline: Timing
) -> tuple[str, str, Timing, Timing, Timing | None]:
    """Time ``current`` (warm cache); Alembic imports every script, so it runs twice only."""
    tidal = paired({"tidal": [tool("tidal"), "current"]}, project, repeat, env={"tidal": warm_env})
    alembic = paired({"alembic": [tool("alembic"), "current"]}, project, 2, warmup=False)
    return ("current", "warm", alembic["alembic"], tidal["tidal"], baseline)


def _without_script_bytecode(
    project: Path, argv_a: list[str], argv_t: list[str], repeat: int, warm_env: dict[str, str]
) -> tuple[str, str, Timing, Timing, Timing | None]:
    """Time Alembic with no ``.pyc`` for the scripts, against Tidal with a warm cache.

    That is Alembic on a fresh checkout, a read-only tree or with
    ``PYTHONDONTWRITEBYTECODE``: it compiles every script on every command.
    """
    pycache = project / "migrations" / "versions" / "__pycache__"

    def drop_pyc() -> None:
        shutil.rmtree(pycache, ignore_errors=True)

    runs = paired(
        {"alembic": argv_a, "tidal": argv_t},
        project,
        repeat,
        env={"alembic": {"PYTHONDONTWRITEBYTECODE": "1"}, "tidal": warm_env},
        before={"alembic": drop_pyc},
        warmup=False,
    )
    return (argv_a[-1], "warm, no script .pyc", runs["alembic"], runs["tidal"], None)


def bench_size(
    n: int, repeat: int, commands: tuple[str, ...] = COMMANDS, no_pyc: bool = False
) -> list[tuple[str, str, Timing, Timing, Timing | None]]:
    """Return rows (command, cache, alembic, tidal, baseline) for one history size."""
    rows: list[tuple[str, str, Timing, Timing, Timing | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        generate(project, n)
        if "current" in commands:
            _stamp_head(project)
        cache = Path(tmp) / "cache"
        versions = str(project / "migrations" / "versions")
        baseline = paired({"stat": [sys.executable, "-c", STAT_ALL, versions]}, project, repeat)
        warm_env = {"XDG_CACHE_HOME": str(cache)}
        for command in commands:
            if command == "current":
                rows.append(_current(project, repeat, warm_env, baseline["stat"]))
                continue
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
            if no_pyc:
                rows.append(_without_script_bytecode(project, argv_a, argv_t, repeat, warm_env))
    return rows


def main() -> None:
    """Run the group and print a markdown table of ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--commands", nargs="+", choices=COMMANDS, default=list(COMMANDS))
    parser.add_argument(
        "--no-script-bytecode",
        action="store_true",
        help="also time Alembic with no .pyc for the scripts (it compiles each one)",
    )
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    lines = [
        "| revisions | command | cache | alembic (s) | tidal (s) | tidal median (s) | speed-up "
        "| tidal / stat-all |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for n in args.sizes:
        baseline: Timing | None = None
        for command, cache, a, t, base in bench_size(
            n, args.repeat, tuple(args.commands), args.no_script_bytecode
        ):
            baseline = base or baseline
            vs_base = f"{t.best / base.best:.1f}x" if base else "-"
            lines.append(
                f"| {n} | {command} | {cache} | {a.best:.3f} | {t.best:.3f} | {t.median:.3f} | "
                f"{a.best / t.best:.1f}x | {vs_base} |"
            )
            print(lines[-1], flush=True)
        if baseline is not None:
            lines.append(
                f"| {n} | python + stat every script | - | - | {baseline.best:.3f} | "
                f"{baseline.median:.3f} | - | 1.0x |"
            )
            print(lines[-1], flush=True)
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")


if __name__ == "__main__":
    main()
