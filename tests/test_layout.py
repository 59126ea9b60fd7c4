"""Checks on the shape of the code base that STYLE.md asks for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tidal

SRC = Path(tidal.__file__).parent
DIALECT_WORDS = re.compile(r"postgresql|sqlite|mysql", re.IGNORECASE)
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 80


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "templates" not in p.parts]


def test_public_api_is_pinned() -> None:
    assert tidal.__all__ == ["__version__", "context", "op"]


def test_dialect_names_only_in_dialects() -> None:
    offenders = []
    for path in _sources():
        rel = path.relative_to(SRC)
        if rel.parts[0] == "dialects":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DIALECT_WORDS.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "dialect names outside tidal/dialects/:\n" + "\n".join(offenders)


def test_modules_stay_small() -> None:
    big = {
        str(p.relative_to(SRC)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not big, f"modules over {MAX_MODULE_LINES} lines: {big}"


def test_functions_stay_small() -> None:
    long = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({length})")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_no_print_or_exit_outside_cli() -> None:
    offenders = []
    for path in _sources():
        rel = path.relative_to(SRC)
        if rel.parts[0] == "cli" or rel.name == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == "print":
                    offenders.append(f"{rel}:{node.lineno} print()")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "exit" and isinstance(node.func.value, ast.Name):
                    if node.func.value.id == "sys":
                        offenders.append(f"{rel}:{node.lineno} sys.exit()")
    assert not offenders, offenders


def test_alembic_never_imported_by_tidal() -> None:
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(n == "alembic" or n.startswith("alembic.") for n in names):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders, offenders
