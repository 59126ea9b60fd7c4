"""Paired A/B timing of whole commands: Tidal and Alembic alternate, min/median/max."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated runs of one command."""

    label: str
    runs: tuple[float, ...]

    @property
    def best(self) -> float:
        """Return the fastest run (the least disturbed by the machine)."""
        return min(self.runs)

    @property
    def median(self) -> float:
        """Return the median run."""
        return statistics.median(self.runs)


def run_once(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> float:
    """Run a command once and return its wall time; fail loudly if it fails."""
    if before is not None:
        before()
    full_env = {**os.environ, **(env or {})}
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def paired(
    commands: Mapping[str, Sequence[str]],
    cwd: Path,
    repeat: int = 5,
    env: Mapping[str, Mapping[str, str]] | None = None,
    before: Mapping[str, Callable[[], None]] | None = None,
) -> dict[str, Timing]:
    """Time each labelled command ``repeat`` times, alternating between them."""
    runs: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(repeat):
        for label, argv in commands.items():
            runs[label].append(
                run_once(argv, cwd, (env or {}).get(label), (before or {}).get(label))
            )
    return {label: Timing(label, tuple(values)) for label, values in runs.items()}


def tool(name: str) -> str:
    """Return the path of a console script installed beside this Python."""
    return str(BIN / name)
