"""``tidal.config.Config``: Alembic's ``Config``, with environment values and named sections.

A :class:`Config` holds what one run needs: the ini file (``alembic.ini``) read with
:class:`configparser.ConfigParser`, the ``[tool.alembic]`` / ``[tool.tidal]`` tables of
``pyproject.toml``, the parsed command line (``cmd_opts``) and free-form ``attributes``.
It has Alembic's constructor, attributes and methods, so env.py files and tests written
for ``alembic.config.Config`` work unchanged (``alembic.config`` resolves here through
``tidal.compat``).

Deliberate differences from Alembic (listed in docs/compatibility.md):

* values may use ``${VAR}``, ``${VAR:-default}`` and ``%(VAR)s`` from the environment;
  ``$$`` escapes ``$`` (see :mod:`tidal.configuration.values`);
* a ``#`` after whitespace starts a comment, also at the end of a value;
* a named section (``-n db1``) without ``script_location`` or another source-code key
  takes it from ``[alembic]`` (seed 000's layout);
* ``path_separator`` also accepts ``colon``, ``semicolon`` and ``comma``;
* errors are :class:`tidal.errors.ConfigError` (Alembic: ``CommandError``/``ValueError``).
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Mapping
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, TextIO

from tidal.configuration.discovery import ConfigFiles, find_config_files
from tidal.configuration.values import EnvInterpolation, mask_url, mask_urls
from tidal.errors import ConfigError, MissingSectionError

if TYPE_CHECKING:
    from argparse import Namespace
    from pathlib import Path

    from tidal.configuration.paths import Kind

# Kept off the import path of every command (each costs milliseconds at start-up):
# pathlib, tomllib (only when a pyproject.toml exists) and the path-list helpers.

__all__ = [
    "SOURCE_KEYS",
    "Config",
    "ConfigFiles",
    "PostWriteHookConfig",
    "find_config_files",
    "mask_url",
    "mask_urls",
]

#: One post-write hook: its options, plus ``_hook_name`` (Alembic's shape).
PostWriteHookConfig = dict[str, str]

#: ``[alembic]`` keys about the source tree; a named section without one takes [alembic]'s.
SOURCE_KEYS = frozenset(
    {
        "script_location",
        "version_locations",
        "path_separator",
        "version_path_separator",
        "prepend_sys_path",
        "file_template",
        "timezone",
        "truncate_slug_length",
        "revision_environment",
        "sourceless",
        "recursive_version_locations",
        "output_encoding",
    }
)

_MAIN = "alembic"
_HOOKS_SECTION = "post_write_hooks"
_HOOK_NAMES = re.compile(r", *|(?: +)")
# Sections that are never a -n target: logging's and the hooks'.
_NOT_A_MAIN = re.compile(
    r"^(loggers|handlers|formatters|(logger|handler|formatter)_.*|post_write_hooks)$"
)


def _parent(path: str) -> str:
    """Return ``str(Path(path).absolute().parent)`` without importing :mod:`pathlib`.

    Example:
        >>> _parent("/etc/./alembic.ini"), _parent("/a.ini"), _parent("/x//y/../z.ini")
        ('/etc', '/', '/x/y/..')
    """
    if os.name != "posix":  # pragma: no cover - pathlib knows drives and UNC names
        from pathlib import Path

        return str(Path(path).absolute().parent)
    absolute = path if path.startswith("/") else f"{os.getcwd()}/{path}"
    root = "//" if absolute.startswith("//") and not absolute.startswith("///") else "/"
    parts = [part for part in absolute.split("/") if part and part != "."]
    return root + "/".join(parts[:-1])


class Config:
    """Represent one Tidal (or Alembic) configuration.

    Args:
        file_: The ini file (``alembic.ini``); None for none.
        toml_file: The ``pyproject.toml`` file; None for none. A missing file is empty.
        ini_section: The ini section of the "main" options (``-n``).
        output_buffer: Where offline (``--sql``) output goes (text, or binary with
            ``output_encoding``); None for ``stdout``.
        stdout: Where :meth:`print_stdout` writes.
        cmd_opts: The parsed command line, when run from the CLI.
        config_args: Extra defaults for ``%(name)s`` interpolation in the ini file.
        attributes: Free-form values shared with env.py.
    """

    def __init__(
        self,
        file_: str | os.PathLike[str] | None = None,
        toml_file: str | os.PathLike[str] | None = None,
        ini_section: str = _MAIN,
        output_buffer: IO[Any] | None = None,
        stdout: TextIO | None = None,
        cmd_opts: Namespace | None = None,
        config_args: Mapping[str, Any] | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        self.config_file_name = file_
        self.toml_file_name = toml_file
        self.config_ini_section = ini_section
        self.output_buffer = output_buffer
        self.stdout: TextIO = stdout if stdout is not None else sys.stdout
        self.cmd_opts = cmd_opts
        self.config_args: dict[str, Any] = dict(config_args or {})
        self.attributes: dict[str, Any] = attributes if attributes is not None else {}

    # -- files -----------------------------------------------------------------------

    @property
    def _config_file_path(self) -> Path | None:
        from pathlib import Path

        return Path(self.config_file_name) if self.config_file_name else None

    @property
    def _toml_file_path(self) -> Path | None:
        from pathlib import Path

        return Path(self.toml_file_name) if self.toml_file_name else None

    @cached_property
    def file_config(self) -> configparser.ConfigParser:
        """The ini file, parsed; ``here`` and ``config_args`` are its defaults."""
        path = os.fspath(self.config_file_name) if self.config_file_name else None
        here = _parent(path) if path is not None else "."
        self.config_args = {"here": here, **self.config_args}
        parser = configparser.ConfigParser(
            defaults={k: str(v) for k, v in self.config_args.items()},
            interpolation=EnvInterpolation(),
            inline_comment_prefixes=("#",),
        )
        if path is not None:
            try:
                parser.read([path], encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError) as error:
                first = str(error).strip().splitlines()[0]
                raise ConfigError(
                    f"cannot read {self.config_file_name}: {first}",
                    "fix the ini syntax of the file",
                ) from None
        else:
            parser.add_section(self.config_ini_section)
        return parser

    @cached_property
    def toml_alembic_config(self) -> dict[str, Any]:
        """``[tool.alembic]`` updated with ``[tool.tidal]``, as written (not expanded)."""
        if not self.toml_file_name or not os.path.isfile(self.toml_file_name):
            return {}  # what load_tool_tables gives, without importing tomllib
        from tidal.configuration.pyproject import load_tool_tables

        return load_tool_tables(self._toml_file_path)

    @property
    def messaging_opts(self) -> dict[str, bool]:
        """Output options taken from the command line (``quiet``)."""
        return {"quiet": bool(getattr(self.cmd_opts, "quiet", False))}

    def ensure_ini_section(self) -> None:
        """Check that an existing ini file has the section named by ``-n``.

        Raises:
            MissingSectionError: The file exists and lacks ``config_ini_section``; the
                error lists the sections that do exist.
        """
        if not self.config_file_name or not os.path.isfile(self.config_file_name):
            return
        if not self.file_config.has_section(self.config_ini_section):
            candidates = [s for s in self.file_config.sections() if not _NOT_A_MAIN.match(s)]
            raise MissingSectionError(
                self.config_ini_section, candidates, str(self.config_file_name)
            )

    # -- output ----------------------------------------------------------------------

    def print_stdout(self, text: str, *arg: Any) -> None:
        """Write ``text`` (``%``-formatted with ``arg`` if given) and a newline, unless quiet."""
        output = str(text) % arg if arg else str(text)
        if self.messaging_opts["quiet"]:
            return
        try:
            self.stdout.write(output + "\n")
        except UnicodeEncodeError:
            encoding = getattr(self.stdout, "encoding", None) or "ascii"
            self.stdout.write(output.encode(encoding, "replace").decode(encoding) + "\n")
        self.stdout.flush()

    def get_template_directory(self) -> str:
        """Return the folder of Tidal's ``init`` templates."""
        return os.path.join(os.path.dirname(__file__), "templates")

    # -- ini options -----------------------------------------------------------------

    def get_section(
        self, name: str, default: Mapping[str, str] | None = None
    ) -> Mapping[str, str] | None:
        """Return all the options of section ``name`` (with defaults), or ``default``."""
        if not self.file_config.has_section(name):
            return default
        return dict(self.file_config.items(name))

    def set_main_option(self, name: str, value: str) -> None:
        """Set ``name`` in the main section (``%`` must be written ``%%``, as in Alembic)."""
        self.set_section_option(self.config_ini_section, name, value)

    def remove_main_option(self, name: str) -> None:
        """Remove ``name`` from the main section."""
        self.file_config.remove_option(self.config_ini_section, name)

    def set_section_option(self, section: str, name: str, value: str) -> None:
        """Set ``name`` in ``section``, creating the section if needed."""
        if not self.file_config.has_section(section):
            self.file_config.add_section(section)
        self.file_config.set(section, name, value)

    def get_section_option(self, section: str, name: str, default: str | None = None) -> str | None:
        """Return option ``name`` of ``section``, or ``default``.

        Raises:
            ConfigError: The file has no such section.
        """
        if not self.file_config.has_section(section):
            raise ConfigError(
                f"No config file {str(self.config_file_name)!r} found, "
                f"or file has no '[{section}]' section",
                "run `tidal init <dir>`, pass the file with -c, or check -n",
            )
        if self.file_config.has_option(section, name):
            return self.file_config.get(section, name)
        return default

    def get_main_option(self, name: str, default: str | None = None) -> str | None:
        """Return option ``name`` of the main section (``[alembic]`` or ``-n NAME``).

        A named section without a source-code key (:data:`SOURCE_KEYS`) falls back to
        ``[alembic]``.
        """
        section = self._section_for(name)
        return self.get_section_option(section, name, default)

    def _section_for(self, name: str) -> str:
        own = self.config_ini_section
        parser = self.file_config
        if (
            own != _MAIN
            and name in SOURCE_KEYS
            and parser.has_section(own)
            and not parser.has_option(own, name)
            and parser.has_section(_MAIN)
            and parser.has_option(_MAIN, name)
        ):
            return _MAIN
        return own

    def _ini_value(self, name: str) -> str | None:
        section = self._section_for(name)
        if self.file_config.has_option(section, name):
            return self.file_config.get(section, name)
        return None

    # -- ini or TOML -----------------------------------------------------------------

    def get_alembic_option(self, name: str, default: Any = None) -> Any:
        """Return ``name`` from the main ini section, else from ``pyproject.toml``.

        TOML values keep their types (lists, tables, integers, booleans); their strings
        are expanded (``%(here)s`` is the TOML file's folder).
        """
        value = self._ini_value(name)
        if value is not None:
            return value
        return self._toml_value(name, default)

    def _toml_value(self, name: str, default: Any = None) -> Any:
        table = self.toml_alembic_config
        if name not in table:
            return default
        from tidal.configuration.pyproject import expand_toml

        path = os.fspath(self.toml_file_name) if self.toml_file_name else None
        here = _parent(path) if path is not None else "."
        return expand_toml(table[name], here, key=name)

    def get_alembic_boolean_option(self, name: str) -> bool:
        """Return ``name`` as a boolean (False when unset).

        Raises:
            ConfigError: The value is not a boolean.
        """
        value = self._ini_value(name)
        if value is not None and value.strip():
            # Alembic takes only the exact text "true" as true; Tidal reads any of
            # ConfigParser's spellings (True, yes, on, 1) and refuses anything else.
            state = configparser.ConfigParser.BOOLEAN_STATES.get(value.strip().lower())
            if state is None:
                raise ConfigError(
                    f"boolean value expected for {name}, got {value!r}",
                    f"write {name} = true or {name} = false",
                )
            return state
        if value is not None:
            return False
        toml = self._toml_value(name)
        if toml is None:
            return False
        if not isinstance(toml, bool):
            raise ConfigError(
                f"boolean value expected for TOML parameter {name!r}",
                f"write {name} = true or {name} = false (no quotes) in pyproject.toml",
            )
        return toml

    def get_alembic_int_option(self, name: str) -> int | None:
        """Return ``name`` as an integer, or None when unset (Tidal addition).

        Raises:
            ConfigError: The value is not an integer.
        """
        value = self.get_alembic_option(name)
        if value is None or isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ConfigError(
                f"integer value expected for {name}, got {value!r}", f"write {name} = <number>"
            ) from None

    def get_version_locations_list(self) -> list[str] | None:
        """Return ``version_locations`` as a list of paths, or None when unset."""
        return self._path_list("version_locations", ("path_separator", "version_path_separator"))

    def get_prepend_sys_paths_list(self) -> list[str] | None:
        """Return ``prepend_sys_path`` as a list of paths, or None when unset."""
        return self._path_list("prepend_sys_path", ("path_separator",))

    def _path_list(self, kind: Kind, separator_keys: tuple[str, ...]) -> list[str] | None:
        value = self._ini_value(kind)
        if value is None:
            toml = self._toml_value(kind)
            if not toml:
                return None
            # Alembic hands a TOML string through as is; one path is what it can mean.
            return [str(item) for item in toml] if isinstance(toml, list) else [str(toml)]
        if not value:
            return None
        import warnings

        from tidal.configuration.paths import separator_char, split_paths

        for key in separator_keys:
            raw = self.get_alembic_option(key)
            if raw is not None:
                if key == "version_path_separator":
                    warnings.warn(
                        "The version_path_separator configuration parameter is deprecated; "
                        "please use path_separator",
                        DeprecationWarning,
                        stacklevel=3,
                    )
                return split_paths(value, kind, separator_char(key, str(raw)), configured=True)
        return split_paths(value, kind, None, configured=False)

    def get_hooks_list(self) -> list[PostWriteHookConfig]:
        """Return the post-write hooks: from ``[post_write_hooks]``, else from TOML."""
        if self.file_config.has_section(_HOOKS_SECTION):
            return self._ini_hooks()
        hooks = self._toml_value(_HOOKS_SECTION) or []
        if not isinstance(hooks, list) or not all(isinstance(h, dict) for h in hooks):
            raise ConfigError(
                "post_write_hooks in pyproject.toml must be a list of tables",
                "write each hook as [[tool.alembic.post_write_hooks]] with name = ...",
            )
        result: list[PostWriteHookConfig] = []
        for hook in hooks:
            options = {str(k): str(v) for k, v in hook.items() if k != "name"}
            options["_hook_name"] = str(hook.get("name", ""))
            result.append(options)
        return result

    def _ini_hooks(self) -> list[PostWriteHookConfig]:
        names = self.get_section_option(_HOOKS_SECTION, "hooks") or ""
        options = self.file_config.items(_HOOKS_SECTION)
        result: list[PostWriteHookConfig] = []
        for name in (n for n in _HOOK_NAMES.split(names.strip()) if n):
            prefix = f"{name}."
            hook = {k[len(prefix) :]: v for k, v in options if k.startswith(prefix)}
            hook["_hook_name"] = name
            result.append(hook)
        return result

    def __repr__(self) -> str:
        return (
            f"<tidal.config.Config file={str(self.config_file_name)!r} "
            f"section={self.config_ini_section!r} toml={str(self.toml_file_name)!r}>"
        )
