"""Migration scripts on disk and the revision graph they form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tidal.script.revision import Revision

if TYPE_CHECKING:
    from tidal.script.directory import Script, ScriptDirectory

__all__ = ["Revision", "Script", "ScriptDirectory"]


def __getattr__(name: str) -> Any:
    # Lazy: keep `import tidal.script` cheap for the pure graph code.
    if name in ("Script", "ScriptDirectory"):
        from tidal.script import directory

        return getattr(directory, name)
    raise AttributeError(name)
