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
    full_env = clean_environ(env)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for a timed run: ours, plus ``extra``, as a user's shell has it.

    ``PYTHONDONTWRITEBYTECODE`` is dropped: with it, Tidal's modules (an editable install)
    would be compiled from source on every run while Alembic's installed ``.pyc`` files load,
    which measures the compiler rather than either tool.
    """
    full = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    full.update(extra or {})  # a run may still ask for it explicitly
    return full


def paired(
    commands: Mapping[str, Sequence[str]],
    cwd: Path,
    repeat: int = 5,
    env: Mapping[str, Mapping[str, str]] | None = None,
    before: Mapping[str, Callable[[], None]] | None = None,
    warmup: bool = True,
) -> dict[str, Timing]:
    """Time each labelled command ``repeat`` times, alternating between them.

    With ``warmup``, each command first runs once untimed (it writes its bytecode, the
    OS caches its files).
    """
    runs: dict[str, list[float]] = {label: [] for label in commands}
    for label, argv in commands.items() if warmup else ():
        run_once(argv, cwd, (env or {}).get(label), (before or {}).get(label))
    for _ in range(repeat):
        for label, argv in commands.items():
            runs[label].append(
                run_once(argv, cwd, (env or {}).get(label), (before or {}).get(label))
            )
    return {label: Timing(label, tuple(values)) for label, values in runs.items()}


def tool(name: str) -> str:
    """Return the path of a console script installed beside this Python."""
    return str(BIN / name)
