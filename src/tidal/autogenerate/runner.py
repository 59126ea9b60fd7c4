"""Run env.py to compare models and database (``revision --autogenerate``, ``check``).

Alembic runs env.py with a migration function that does the comparison instead of
running scripts; so do we, through the runtime's ``fn(heads, context)``. The database
must be at the head(s), as Alembic requires ("Target database is not up to date.").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tidal.autogenerate.api import produce_migrations, render_script_ops
from tidal.errors import DatabaseNotAtHeadError, EnvironmentError_
from tidal.operations.ops import MigrationScript

__all__ = ["AutogenRun", "run_autogenerate"]


@dataclass
class AutogenRun:
    """What one comparison produced: the scripts to write and their template variables."""

    scripts: list[MigrationScript] = field(default_factory=list)
    rendered: list[dict[str, str]] = field(default_factory=list)
    template_args: dict[str, Any] = field(default_factory=dict)
    #: The comparisons of the other engines of a multi-database env.py.
    others: list[MigrationScript] = field(default_factory=list)


def _check_at_head(script: Any, heads: tuple[str, ...]) -> None:
    wanted = {s.revision for s in script.get_revisions("heads")}
    if set(heads) != wanted:
        raise DatabaseNotAtHeadError(
            "Target database is not up to date.",
            "run `tidal upgrade heads` first, then autogenerate",
        )


def _compare_opts(config: Any, context: Any, renames: dict[str, Any]) -> dict[str, Any]:
    """Return the comparison's rename options.

    Detection is off when ``--no-renames`` (``renames["no_renames"]`` or the command
    line's) or ``configure(detect_renames=False)`` says so; ``rename_hints`` and
    ``rename_decider`` pass through.
    """
    cmd_opts = getattr(config, "cmd_opts", None)
    off = renames.get("no_renames") or getattr(cmd_opts, "no_renames", False)
    detect = not off and bool(context.opts.get("detect_renames", True))
    return {
        "detect_renames": detect,
        "rename_hints": tuple(renames.get("rename_hints") or ()),
        "rename_decider": renames.get("rename_decider"),
        "rename_state": renames.get("rename_state"),
    }


def _metadata(context: Any, script: Any) -> Any:
    metadata = context.opts.get("target_metadata")
    if metadata is None:
        raise EnvironmentError_(
            "Can't proceed with --autogenerate option; environment script "
            f"{script.dir}/env.py does not provide a MetaData object or sequence of "
            "objects to the context.",
            "set target_metadata = <your models' MetaData> in env.py",
        )
    return metadata


def run_autogenerate(
    config: Any,
    script: Any,
    header: dict[str, Any],
    process_revision_directives: Any = None,
    render: bool = True,
    renames: dict[str, Any] | None = None,
) -> AutogenRun:
    """Run env.py, compare, apply the directive hooks and render; return what to write.

    Args:
        config: The command's Config.
        script: Its ScriptDirectory.
        header: MigrationScript keywords (rev_id, message, head, splice, ...).
        process_revision_directives: The command's hook, run after env.py's own.
        render: False for ``check``, which only needs the operations.
        renames: ``no_renames``, ``rename_hints`` (RenameHint values) and
            ``rename_decider`` (asked about each rename found by shape).
    """
    from tidal.autogenerate.compare.renames import check_rename_state, new_rename_state
    from tidal.runtime.environment import EnvironmentContext

    run = AutogenRun()
    renames = {**(renames or {}), "rename_state": new_rename_state()}

    def fn(heads: tuple[str, ...], context: Any) -> list[Any]:
        _check_at_head(script, heads)
        produced = produce_migrations(
            context,
            _metadata(context, script),
            _compare_opts(config, context, renames),
        )
        migration = MigrationScript(
            header.get("rev_id"),
            produced.upgrade_ops,
            produced.downgrade_ops,
            message=header.get("message"),
            head=header.get("head"),
            splice=header.get("splice"),
            branch_label=header.get("branch_label"),
            version_path=header.get("version_path"),
            depends_on=header.get("depends_on"),
        )
        directives = [migration]
        for hook in (context.opts.get("process_revision_directives"), process_revision_directives):
            if hook is not None:
                hook(context, tuple(heads), directives)
        run.template_args.update(context.opts.get("template_args") or {})
        rendered = [render_script_ops(d, context) for d in directives] if render else []
        _merge(run, directives, rendered)
        return []

    EnvironmentContext(config, script, fn=fn, as_sql=False, dont_mutate=True).run_env()
    check_rename_state(renames["rename_state"])
    return run


def _merge(
    run: AutogenRun, directives: list[MigrationScript], rendered: list[dict[str, str]]
) -> None:
    """Add one comparison to the run; a multi-database env.py compares once per engine.

    Every engine's operations go into the one file, under that engine's upgrade and
    downgrade tokens (``engine1_upgrades``, ...), as Alembic's multidb template expects.
    """
    if not run.scripts:
        run.scripts, run.rendered = list(directives), list(rendered)
        return
    if not directives:
        return
    run.others.extend(directives)
    if run.rendered and rendered:
        first, extra = run.rendered[0], rendered[0]
        imports = {*first.get("imports", "").splitlines(), *extra.get("imports", "").splitlines()}
        first.update({k: v for k, v in extra.items() if k != "imports"})
        first["imports"] = "\n".join(sorted(i for i in imports if i))
