"""Post-write hooks: programs run on each newly written revision file.

The ``[post_write_hooks]`` section lists ``hooks = a, b``; each hook has options
``a.type`` (``console_scripts``, ``exec``, ``module`` or a name registered with
:func:`register`), the program (``a.entrypoint``, ``a.executable`` or ``a.module``),
``a.options`` (``REVISION_SCRIPT_FILENAME`` stands for the file; without it the file is
passed first) and ``a.cwd``. A hook that fails raises :class:`~tidal.errors.HookError`.

Deliberate difference from Alembic: a hook with ``.executable`` and no ``.type`` runs
as ``type = exec`` (Alembic refuses it); seed articles write hooks that way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tidal.errors import HookError

__all__ = ["REVISION_SCRIPT_FILENAME", "register", "run_hooks", "parse_hooks"]

#: The token in ``options`` replaced by the new file's path.
REVISION_SCRIPT_FILENAME = "REVISION_SCRIPT_FILENAME"

HookFn = Callable[[str, Mapping[str, str]], Any]
_registry: dict[str, HookFn] = {}


def register(name: str) -> Callable[[HookFn], HookFn]:
    """Register a hook runner under ``name`` (usable as ``x.type = name``).

    The runner is called as ``fn(path, options)`` where ``options`` holds the hook's
    keys without their ``name.`` prefix, plus ``_hook_name``.
    """

    def decorate(fn: HookFn) -> HookFn:
        _registry[name] = fn
        return fn

    return decorate


def parse_hooks(section: Mapping[str, str]) -> list[dict[str, str]]:
    """Return one option dict per hook named by ``hooks`` in a ``[post_write_hooks]`` section.

    Example:
        >>> parse_hooks({"hooks": "black", "black.type": "exec", "black.executable": "b"})
        [{'type': 'exec', 'executable': 'b', '_hook_name': 'black'}]
    """
    names = [n for n in section.get("hooks", "").replace(",", " ").split() if n]
    result: list[dict[str, str]] = []
    for name in names:
        prefix = f"{name}."
        opts = {k[len(prefix) :]: v for k, v in section.items() if k.startswith(prefix)}
        opts["_hook_name"] = name
        result.append(opts)
    return result


def _command_line(options: Mapping[str, str], path: str) -> list[str]:
    import shlex

    text = options.get("options", "") or ""
    if REVISION_SCRIPT_FILENAME not in text:
        text = f"{REVISION_SCRIPT_FILENAME} {text}"
    return [path if part == REVISION_SCRIPT_FILENAME else part for part in shlex.split(text)]


def _required(options: Mapping[str, str], key: str) -> str:
    value = options.get(key)
    if not value:
        name = options.get("_hook_name", "?")
        raise HookError(
            f"key {name}.{key} is required for post write hook {name!r}",
            f"add `{name}.{key} = ...` to [post_write_hooks]",
        )
    return value


def _console_scripts_argv(options: Mapping[str, str]) -> list[str]:
    from importlib.metadata import entry_points

    wanted = _required(options, "entrypoint")
    for ep in entry_points(group="console_scripts"):
        if ep.name == wanted:
            module, _, attr = ep.value.partition(":")
            attr = attr.strip() or "main"
            code = f"import sys; from {module.strip()} import {attr.split('.')[0]} as _f; "
            call = "_f" + attr[len(attr.split(".")[0]) :]
            return [sys.executable, "-c", f"{code}sys.exit({call}())"]
    raise HookError(
        f"could not find entrypoint console_scripts.{wanted}",
        "install the package that provides it, or use type = exec",
    )


def _argv(options: Mapping[str, str]) -> list[str] | None:
    """Return the program part of a hook's command line, or None for registered runners."""
    kind = options.get("type")
    if not kind and options.get("executable"):
        kind = "exec"  # deliberate difference from Alembic (see the module docstring)
    if not kind:
        name = options.get("_hook_name", "?")
        raise HookError(
            f"key {name}.type is required for post write hook {name!r}",
            "set it to console_scripts, exec or module",
        )
    if kind == "console_scripts":
        return _console_scripts_argv(options)
    if kind == "exec":
        return [_required(options, "executable")]
    if kind == "module":
        return [sys.executable, "-m", _required(options, "module")]
    if kind in _registry:
        return None
    raise HookError(
        f"no post write hook runner named {kind!r}",
        "use console_scripts, exec or module, or register one with tidal.script.hooks.register",
    )


def run_hook(path: str, options: Mapping[str, str]) -> None:
    """Run one hook on ``path``; raise :class:`HookError` when it fails."""
    name = options.get("_hook_name", "?")
    program = _argv(options)
    if program is None:
        try:
            _registry[options["type"]](path, options)
        except HookError:
            raise
        except Exception as exc:
            raise HookError(f"post write hook {name!r} failed: {exc}") from exc
        return
    import subprocess

    argv = program + _command_line(options, path)
    cwd = options.get("cwd") or None
    try:
        done = subprocess.run(argv, cwd=cwd, check=False)
    except OSError as exc:
        raise HookError(
            f"post write hook {name!r} could not run {argv[0]}: {exc.strerror or exc}",
            "check the hook's executable/module/entrypoint and that it is installed",
        ) from exc
    if done.returncode != 0:
        raise HookError(
            f"post write hook {name!r} failed with exit code {done.returncode}"
            f" on {os.path.basename(path)}",
            "the file was written; fix the hook or the file, then run the hook by hand",
        )


def run_hooks(
    path: str,
    hooks: Sequence[Mapping[str, str]],
    status: Callable[[str], None] | None = None,
) -> None:
    """Run every hook in order on ``path``, reporting ``Running post write hook ...``."""
    for options in hooks:
        name = options.get("_hook_name", "?")
        run_hook(path, options)
        if status is not None:
            status(f"Running post write hook {name!r} ...  done")
