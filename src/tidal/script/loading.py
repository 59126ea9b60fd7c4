"""Importing what a script directory holds: env.py and revision scripts, and its options.

:func:`load_script_module` imports one Python file under the ``alembic`` shim with a private
module name; the option helpers read ``[alembic]`` / ``[tool.alembic]`` as Alembic does.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

from tidal.errors import ScriptError

__all__ = [
    "config_option",
    "load_script_module",
    "prepend_sys_path",
    "raw_option",
    "resolve_location",
]


def load_script_module(path: str) -> ModuleType:
    """Import the Python file at ``path`` under the Alembic shim and return the module.

    The module gets a private name derived from its path, so scripts with the same
    file name in different directories do not collide. ``.pyc`` files load sourceless.

    Raises:
        ScriptError: The file cannot be imported.
    """
    import hashlib
    import importlib.machinery
    import importlib.util

    from tidal.compat import alembic_shim

    stem = os.path.splitext(os.path.basename(path))[0].split(".")[0]
    digest = hashlib.sha1(os.path.abspath(path).encode("utf-8", "surrogatepass")).hexdigest()
    name = f"_tidal_script_{digest[:12]}_{''.join(c if c.isalnum() else '_' for c in stem)}"
    loader: importlib.machinery.SourceFileLoader | importlib.machinery.SourcelessFileLoader
    if path.endswith(".pyc"):
        loader = importlib.machinery.SourcelessFileLoader(name, path)
    else:
        loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None:
        raise ScriptError(f"cannot import {path}", "is it a Python file?")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with alembic_shim():
            loader.exec_module(module)
    except (OSError, SyntaxError) as exc:
        sys.modules.pop(name, None)
        culprit = getattr(exc, "filename", None) if isinstance(exc, SyntaxError) else None
        if culprit and os.path.abspath(culprit) != os.path.abspath(path):
            # The file it imports is broken (env.py importing the models, say): name that one.
            raise ScriptError(
                f"cannot import {path}: {exc}", f"fix {culprit}, which it imports"
            ) from exc
        raise ScriptError(f"cannot import {path}: {exc}", "fix or restore the file") from exc
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def config_option(config: Any, name: str, default: str | None = None) -> str | None:
    """Return an ``[alembic]`` / ``[tool.alembic]`` option of ``config`` (Alembic's lookup)."""
    getter = getattr(config, "get_alembic_option", None)
    if getter is not None:
        value = getter(name)
        return default if value is None else str(value)
    value = config.get_main_option(name)
    return default if value is None else str(value)


def raw_option(config: Any, name: str) -> Any:
    """Return an option keeping TOML types (a TOML ``true`` stays a bool)."""
    getter = getattr(config, "get_alembic_option", None)
    return getter(name) if getter is not None else config.get_main_option(name)


def resolve_location(location: str) -> str:
    """Return a directory for ``location``, accepting Alembic's ``package:path`` form."""
    if ":" in location and not os.path.isabs(location) and not os.path.exists(location):
        import importlib.util

        package, _, sub = location.partition(":")
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            return os.path.join(list(spec.submodule_search_locations)[0], sub)
    return os.path.abspath(location)


def prepend_sys_path(config: Any) -> None:
    getter = getattr(config, "get_prepend_sys_paths_list", None)
    paths = getter() if getter is not None else []
    for path in reversed(paths or []):
        if path not in sys.path:
            sys.path.insert(0, path)
