"""Authoring commands: ``init``, ``list_templates``, ``revision``, ``merge``, ``edit``.

Messages go through ``Config.print_stdout`` in Alembic's words ("Creating directory
... done", "Generating ... done"). ``init`` writes projects that both Tidal and Alembic
read: env.py says ``from alembic import context`` and scripts ``from alembic import op``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tidal.errors import ConfigError, ScriptError, TidalError, UsageError
from tidal.script.directory import Script, ScriptDirectory
from tidal.script.loading import config_option
from tidal.script.writer import render_template, rev_id

if TYPE_CHECKING:
    from tidal.autogenerate.compare.renames import RenameDecider

__all__ = ["edit", "init", "list_templates", "merge", "revision"]

_CONFIG_TEMPLATES = ("pyproject.toml.mako", "alembic.ini.mako")


def _status(config: Any, text: str) -> None:
    config.print_stdout(f"{text} ...  done")


def list_templates(config: Any) -> None:
    """Print the templates ``tidal init -t`` accepts, with their one-line descriptions."""
    config.print_stdout("Available templates:\n")
    root = config.get_template_directory()
    for name in sorted(os.listdir(root)):
        readme = os.path.join(root, name, "README")
        if not os.path.isfile(readme):
            continue
        with open(readme, encoding="utf-8") as fh:
            synopsis = fh.readline().rstrip()
        config.print_stdout("%s - %s", name, synopsis)
    config.print_stdout("\nTemplates are used via the 'init' command, e.g.:")
    config.print_stdout("\n  tidal init --template generic ./scripts")


def _script_location_value(directory: str, config_dir: str) -> str:
    """Return ``script_location`` as written in the new config file (``%(here)s/...``)."""
    rel = os.path.relpath(directory, config_dir)
    if rel == os.curdir:
        return "%(here)s"
    if rel.startswith(os.pardir):
        return directory.replace(os.sep, "/")
    return "%(here)s/" + rel.replace(os.sep, "/")


def _config_paths(config: Any) -> tuple[str, str]:
    ini = os.path.abspath(config.config_file_name or "alembic.ini")
    toml = getattr(config, "toml_file_name", None)
    if toml:
        return ini, os.path.abspath(toml)
    return ini, os.path.join(os.path.dirname(ini), "pyproject.toml")


def _write_ini(config: Any, template: str, ini: str, location: str) -> None:
    if os.access(ini, os.F_OK):
        config.print_stdout(f"File {ini} already exists, skipping")
        return
    text = render_template(template, {"script_location": location})
    with open(ini, "w", encoding="utf-8") as fh:
        fh.write(text)
    _status(config, f"Generating {ini}")


def _write_toml(config: Any, template: str, toml: str, location: str) -> None:
    text = render_template(template, {"script_location": location})
    if os.access(toml, os.F_OK):
        with open(toml, encoding="utf-8") as fh:
            existing = fh.read()
        if "[tool.alembic]" in existing:
            config.print_stdout(f"File {toml} already has [tool.alembic], skipping")
            return
        with open(toml, "a", encoding="utf-8") as fh:
            fh.write("\n\n" + text)
        _status(config, f"Appending to existing {toml}")
        return
    with open(toml, "w", encoding="utf-8") as fh:
        fh.write(text)
    _status(config, f"Generating {toml}")


def init(config: Any, directory: str, template: str = "generic", package: bool = False) -> None:
    """Create a migration environment in ``directory`` from a template (``tidal init``).

    Raises:
        UsageError: ``directory`` exists and is not empty, or the template is unknown.
    """
    if os.access(directory, os.F_OK) and os.listdir(directory):
        raise UsageError(
            f"Directory {directory} already exists and is not empty",
            "pick a new directory, or empty this one first",
        )
    template_dir = os.path.join(config.get_template_directory(), template)
    if not os.access(template_dir, os.F_OK):
        known = ", ".join(sorted(os.listdir(config.get_template_directory())))
        raise UsageError(f"No such template {template!r}", f"templates: {known}")
    directory = os.path.abspath(directory)
    versions = os.path.join(directory, "versions")
    for path in (directory, versions):
        if not os.access(path, os.F_OK):
            _status(config, f"Creating directory {path}")
            os.makedirs(path)
    ini, toml = _config_paths(config)
    names = os.listdir(template_dir)
    ordered: list[str] = [n for n in ("script.py.mako", "README", "env.py") if n in names]
    ordered += sorted(n for n in names if n not in ordered and n not in _CONFIG_TEMPLATES)
    for name in ordered:
        source = os.path.join(template_dir, name)
        if os.path.isfile(source):
            target = os.path.join(directory, name)
            shutil.copyfile(source, target)
            _status(config, f"Generating {target}")
    if "pyproject.toml.mako" in names:
        location = _script_location_value(directory, os.path.dirname(toml))
        _write_toml(config, os.path.join(template_dir, "pyproject.toml.mako"), toml, location)
    if "alembic.ini.mako" in names:
        location = _script_location_value(directory, os.path.dirname(ini))
        _write_ini(config, os.path.join(template_dir, "alembic.ini.mako"), ini, location)
    if package:
        for path in (directory, versions):
            init_py = os.path.join(path, "__init__.py")
            open(init_py, "w").close()
            _status(config, f"Adding {init_py}")
    if "pyproject.toml.mako" in names:
        config.print_stdout(
            f"Please edit configuration settings in {toml} and configuration/connection/"
            f"logging settings in {ini} before proceeding."
        )
    else:
        config.print_stdout(
            f"Please edit configuration/connection/logging settings in {ini} before proceeding."
        )


def _not_yet(option: str) -> TidalError:
    return UsageError(
        f"revision {option} arrives with autogenerate and is not available yet",
        "write the migration by hand: run `tidal revision -m ...` without it",
    )


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "yes", "on", "1")


def _revision_environment(config: Any, script: ScriptDirectory) -> dict[str, Any]:
    """Run env.py when ``revision_environment`` is set; return its ``template_args``.

    As in Alembic, env.py runs as for an online command whose migration function does
    nothing, so whatever it passes as ``context.configure(template_args=...)`` reaches
    script.py.mako.
    """
    if not _truthy(config_option(config, "revision_environment")):
        return {}
    from tidal.runtime.environment import EnvironmentContext

    captured: dict[str, Any] = {}

    def fn(heads: tuple[str, ...], context: Any) -> list[Any]:
        captured.update(getattr(context, "opts", {}).get("template_args") or {})
        return []

    EnvironmentContext(config, script, fn=fn, as_sql=False, dont_mutate=True).run_env()
    return captured


def revision(
    config: Any,
    message: str | None = None,
    autogenerate: bool = False,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: str | Sequence[str] | None = None,
    version_path: str | None = None,
    rev_id: str | None = None,
    depends_on: str | Sequence[str] | None = None,
    process_revision_directives: Any = None,
    *,
    no_renames: bool = False,
    renames: Sequence[str] | None = None,
    rename_decider: RenameDecider | None = None,
) -> Script | None:
    """Create a new revision file (``tidal revision``) and return its Script.

    Tidal's keywords, for ``autogenerate`` only: ``no_renames`` writes drop and add
    where a rename was found by shape; ``renames`` are ``--rename`` hints (``OLD:NEW``
    for a table, ``TABLE.OLD:NEW`` for a column) that pair those two whatever their
    shapes; ``rename_decider(candidate) -> bool`` is asked about each rename found by
    shape (the CLI's prompt). Without it every one is written, with a comment.

    Raises:
        UsageError: ``--sql`` with ``--autogenerate``; a hint is malformed, names
            nothing that is removed or added, or comes without ``--autogenerate``.
    """
    if autogenerate and sql:
        raise UsageError(
            "Using --sql with --autogenerate does not make any sense",
            "run `tidal revision --autogenerate` against the database, without --sql",
        )
    if renames and not autogenerate:
        raise UsageError(
            "--rename only applies to `revision --autogenerate`",
            "add --autogenerate, or write the rename by hand with op.alter_column/op.rename_table",
        )
    if autogenerate:
        from tidal.autogenerate.compare.renames import parse_rename_hint

        rename_opts = {
            "no_renames": no_renames,
            "rename_hints": [parse_rename_hint(text) for text in renames or ()],
            "rename_decider": rename_decider,
        }
        return _autogenerate_revision(
            config,
            {
                "rev_id": rev_id or _new_rev_id(),
                "message": message,
                "head": head,
                "splice": splice,
                "branch_label": branch_label,
                "version_path": version_path,
                "depends_on": depends_on,
            },
            process_revision_directives,
            rename_opts,
        )
    if sql:
        raise _not_yet("--sql")
    del process_revision_directives
    script = ScriptDirectory.from_config(config)
    template_args = _revision_environment(config, script)
    return script.generate_revision(
        rev_id or _new_rev_id(),
        message,
        head=head,
        splice=splice,
        branch_labels=branch_label,
        version_path=version_path,
        depends_on=depends_on,
        **template_args,
    )


def _new_rev_id() -> str:
    return rev_id()


def _autogenerate_revision(
    config: Any,
    header: dict[str, Any],
    process_revision_directives: Any,
    rename_opts: dict[str, Any],
) -> Script | None:
    """Compare models and database (env.py runs), then write each resulting script."""
    from tidal.autogenerate.runner import run_autogenerate

    script = ScriptDirectory.from_config(config)
    run = run_autogenerate(config, script, header, process_revision_directives, renames=rename_opts)
    written: Script | None = None
    for directive, rendered in zip(run.scripts, run.rendered, strict=True):
        written = script.generate_revision(
            directive.rev_id or _new_rev_id(),
            directive.message,
            head=directive.head,
            splice=directive.splice,
            branch_labels=directive.branch_label,
            version_path=directive.version_path,
            depends_on=directive.depends_on,
            **{**run.template_args, **rendered},
        )
    return written


def merge(
    config: Any,
    revisions: str | Sequence[str],
    message: str | None = None,
    branch_label: str | Sequence[str] | None = None,
    rev_id: str | None = None,
) -> Script | None:
    """Create a revision merging ``revisions`` (ids, labels or ``heads``) (``tidal merge``)."""
    script = ScriptDirectory.from_config(config)
    template_args = _revision_environment(config, script)
    return script.generate_revision(
        rev_id or _new_rev_id(),
        message,
        head=revisions,
        branch_labels=branch_label,
        **template_args,
    )


def _editor_argv() -> list[str]:
    for var in ("EDITOR", "VISUAL"):
        value = os.environ.get(var)
        if value:
            return shlex.split(value)
    for name in ("sensible-editor", "editor", "nano", "vim", "code"):
        found = shutil.which(name)
        if found:
            return [found]
    raise ConfigError(
        "no suitable editor found",
        "set the EDITOR or VISUAL environment variable",
    )


def edit(config: Any, rev: str) -> None:
    """Open the file of revision ``rev`` in ``$EDITOR`` (``tidal edit``)."""
    script = ScriptDirectory.from_config(config)
    if rev == "current":
        from tidal.command.inspect import current_heads_of

        found = script.get_revisions(current_heads_of(config))
    else:
        found = script.get_revisions(rev)
    if not found:
        raise UsageError(
            f"No revision files indicated by symbol {rev!r}",
            "run `tidal history` to see the revisions",
        )
    for sc in found:
        try:
            subprocess.run([*_editor_argv(), sc.path], check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise ScriptError(f"error executing editor ({exc})", "check $EDITOR") from exc
