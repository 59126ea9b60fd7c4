"""Make ``alembic`` and its commonly imported modules resolve to Tidal, for one run.

While :func:`alembic_shim` is active, ``from alembic import op, context`` (and
``import alembic.op``, ``from alembic.operations import ops``, ...) inside env.py and
migration scripts give Tidal's own modules. The real Alembic, if installed and even if
already imported, is hidden for the duration and put back afterwards. Tidal never
imports the real Alembic.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType

__all__ = ["ALEMBIC_MODULES", "alembic_shim"]

#: ``alembic.*`` module name -> the Tidal module that stands in for it.
ALEMBIC_MODULES: dict[str, str] = {
    "alembic": "tidal.compat._alembic",
    "alembic.op": "tidal.op",
    "alembic.context": "tidal.context",
    "alembic.command": "tidal.command",
    "alembic.config": "tidal.config",
    "alembic.script": "tidal.script",
    "alembic.script.base": "tidal.script.directory",
    "alembic.script.write_hooks": "tidal.script.hooks",
    "alembic.operations": "tidal.operations",
    "alembic.operations.base": "tidal.operations",
    "alembic.operations.ops": "tidal.operations.ops",
    "alembic.autogenerate": "tidal.autogenerate",
    "alembic.autogenerate.api": "tidal.autogenerate",
    "alembic.runtime": "tidal.runtime",
    "alembic.runtime.migration": "tidal.runtime.migration",
    "alembic.runtime.environment": "tidal.runtime.environment",
    "alembic.ddl": "tidal.dialects",
    "alembic.ddl.impl": "tidal.dialects.impl",
    "alembic.util": "tidal.compat.util",
    "alembic.util.exc": "tidal.compat.util",
}


class _AliasLoader(importlib.abc.Loader):
    """Load an ``alembic.*`` name by putting the Tidal module in its place."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a throwaway module; exec_module swaps in the real one

    def exec_module(self, module: ModuleType) -> None:
        # The import system re-reads sys.modules after exec_module, so the
        # Tidal module (with its own __spec__ untouched) is what the import returns.
        sys.modules[module.__name__] = importlib.import_module(self.target)


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        mapped = ALEMBIC_MODULES.get(fullname)
        if mapped is None:
            if fullname.startswith("alembic."):
                # Something we do not provide: fail as a missing module would.
                return None
            return None
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(mapped), is_package=fullname.count(".") < 2
        )


_FINDER = _AliasFinder()
_lock = threading.RLock()
_depth = 0
_saved: dict[str, ModuleType] = {}


def _is_alembic(name: str) -> bool:
    return name == "alembic" or name.startswith("alembic.")


@contextmanager
def alembic_shim() -> Iterator[None]:
    """Resolve ``alembic.*`` imports to Tidal inside the block; restore everything after.

    Re-entrant: nested blocks share one installation.
    """
    global _depth
    with _lock:
        if _depth == 0:
            for name in [n for n in sys.modules if _is_alembic(n)]:
                _saved[name] = sys.modules.pop(name)
            sys.meta_path.insert(0, _FINDER)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _FINDER in sys.meta_path:
                    sys.meta_path.remove(_FINDER)
                for name in [n for n in sys.modules if _is_alembic(n)]:
                    del sys.modules[name]
                sys.modules.update(_saved)
                _saved.clear()
