"""New revision files: ids, slugs, ``file_template`` names and ``script.py.mako`` rendering.

Everything here but :func:`render_template` and :func:`write_file` is pure. Mako is
imported only when a template is rendered, so reading a history never pays for it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tidal.errors import ConfigError, MultipleHeadsError, RevisionError, ScriptError
from tidal.script.revision import Revision

if TYPE_CHECKING:
    from tidal.script.directory import Script, ScriptDirectory
    from tidal.script.graph import RevisionGraph

__all__ = [
    "DEFAULT_FILE_TEMPLATE",
    "create_date",
    "format_as_comma",
    "generate_revision",
    "rev_id",
    "revision_filename",
    "slugify",
    "render_template",
    "write_file",
]

#: Alembic's default ``file_template``.
DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"

_SLUG_RE = re.compile(r"\w+")


def rev_id() -> str:
    """Return a new revision id: the last 12 hex digits of a random UUID, as Alembic does."""
    return uuid.uuid4().hex[-12:]


def slugify(message: str | None, truncate_slug_length: int | None = 40) -> str:
    """Return the file-name slug of a revision message.

    Words (``\\w+`` runs) are joined with ``_`` and lower-cased; a slug longer than
    ``truncate_slug_length`` is cut at the last word boundary inside the limit and
    keeps a trailing ``_``.

    Example:
        >>> slugify("Add the users table!")
        'add_the_users_table'
        >>> slugify("This is a very long message, with punctuation here", 20)
        'this_is_a_very_long_'
        >>> slugify(None)
        ''
    """
    slug = "_".join(_SLUG_RE.findall(message or "")).lower()
    if truncate_slug_length is not None and len(slug) > truncate_slug_length:
        slug = slug[:truncate_slug_length].rsplit("_", 1)[0] + "_"
    return slug


def create_date(timezone: str | None = None, now: dt.datetime | None = None) -> dt.datetime:
    """Return the creation time of a new revision: local time, or aware in ``timezone``.

    Raises:
        ConfigError: ``timezone`` is not a known zone name.
    """
    if not timezone:
        return now if now is not None else dt.datetime.now()
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"can't locate timezone: {timezone}",
            "use an IANA zone name such as UTC or Europe/Paris (install tzdata if needed)",
        ) from exc
    base = now if now is not None else dt.datetime.now(dt.timezone.utc)
    if base.tzinfo is None:
        base = base.replace(tzinfo=dt.timezone.utc)
    return base.astimezone(zone)


def revision_filename(
    file_template: str | None,
    rev: str,
    message: str | None,
    when: dt.datetime,
    truncate_slug_length: int | None = 40,
) -> str:
    """Return the relative file name (with ``.py``) of a new revision.

    The tokens are ``%(rev)s``, ``%(slug)s``, ``%(epoch)s`` and the parts of ``when``:
    ``%(year)d``, ``%(month)d``, ``%(day)d``, ``%(hour)d``, ``%(minute)d``,
    ``%(second)d``. A template may contain ``/`` to place files in sub-directories.

    Example:
        >>> import datetime as dt
        >>> when = dt.datetime(2024, 3, 5, 7, 8, 9)
        >>> revision_filename(None, "ab12", "Add users", when)
        'ab12_add_users.py'
        >>> revision_filename("%(year)d_%(month).2d_%(day).2d-%(rev)s", "ab12", "x", when)
        '2024_03_05-ab12.py'
    """
    template = file_template or DEFAULT_FILE_TEMPLATE
    values: dict[str, Any] = {
        "rev": rev,
        "slug": slugify(message, truncate_slug_length),
        "epoch": int(when.timestamp()),
        "year": when.year,
        "month": when.month,
        "day": when.day,
        "hour": when.hour,
        "minute": when.minute,
        "second": when.second,
    }
    try:
        name = template % values
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"invalid file_template {template!r}: {exc}",
            "tokens are %(rev)s %(slug)s %(epoch)s %(year)d %(month)d %(day)d "
            "%(hour)d %(minute)d %(second)d",
        ) from exc
    return f"{name}.py"


def format_as_comma(value: str | Sequence[str] | None) -> str:
    """Return ids joined by ``", "``, the ``comma`` filter of ``script.py.mako``.

    Example:
        >>> format_as_comma(None), format_as_comma("a"), format_as_comma(("a", "b"))
        ('', 'a', 'a, b')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(value)


def render_template(template_path: str, variables: Mapping[str, Any]) -> str:
    """Render a Mako template file with ``variables`` and return the text.

    Raises:
        ScriptError: The template is missing or fails to render.
    """
    if not os.path.exists(template_path):
        raise ScriptError(
            f"no template file {template_path}",
            "restore script.py.mako in the script directory (tidal init writes one)",
        )
    from mako import exceptions  # type: ignore[import-untyped]
    from mako.template import Template  # type: ignore[import-untyped]

    try:
        template = Template(filename=template_path)
        return str(template.render_unicode(**variables))
    except Exception as exc:
        detail = exceptions.text_error_template().render_unicode()
        last = [line for line in str(detail).strip().splitlines() if line.strip()]
        reason = last[-1].strip() if last else str(exc)
        raise ScriptError(
            f"template rendering of {template_path} failed: {reason}",
            "fix script.py.mako (every ${...} name must be one the template receives)",
        ) from exc


def write_file(path: str, text: str, output_encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` in ``output_encoding``, creating nothing else."""
    with open(path, "wb") as fh:
        fh.write(text.encode(output_encoding))


# -- a new revision in a ScriptDirectory --------------------------------------------------


def _status(sd: ScriptDirectory, text: str) -> None:
    if sd.config is not None and not sd.messaging_opts.get("quiet"):
        sd.config.print_stdout(text)


def _check_labels(graph: RevisionGraph, head: str | Sequence[str]) -> None:
    """Fail on ``label@...`` naming no label or revision, listing the labels that exist."""
    from tidal.errors import ResolutionError

    for word in [head] if isinstance(head, str) else head:
        if "@" not in word:
            continue
        label = word.split("@", 1)[0]
        if label in graph.branch_labels or label in graph:
            continue
        if any(rev.startswith(label) for rev in (r.revision for r in graph)):
            continue
        labels = ", ".join(sorted(graph.branch_labels)) or "none"
        raise ResolutionError(
            f"no branch label {label!r} (in {word!r})",
            word,
            f"branch labels that exist: {labels}",
        )


def _resolve_heads(graph: RevisionGraph, head: str | Sequence[str]) -> list[Revision | None]:
    _check_labels(graph, head)
    try:
        heads = list(graph.get_revisions(head))
    except MultipleHeadsError as exc:
        raise RevisionError(
            "multiple heads are present; please specify the head revision on which the new "
            "revision should be based, or perform a merge",
            f"heads: {', '.join(exc.heads)}; pass --head <rev> or run `tidal merge heads`",
        ) from exc
    if len({h.revision if h else None for h in heads}) != len(heads):
        raise RevisionError(
            "duplicate head revisions specified",
            "name each head once in --head",
        )
    return heads


def _here_relative(path: str, here: str | None) -> str:
    """Return ``path`` as ``%(here)s/...`` when it lies under ``here``.

    Example:
        >>> _here_relative("/p/alembic/versions", "/p")
        '%(here)s/alembic/versions'
        >>> _here_relative("/elsewhere/v", "/p")
        '/elsewhere/v'
    """
    if here:
        rel = os.path.relpath(path, here)
        if not rel.startswith(os.pardir):
            return "%(here)s/" + rel.replace(os.sep, "/")
    return path


def _section_of(sd: ScriptDirectory) -> str:
    """Return where the ``version_locations`` line goes: ``[alembic]``, ``[db1]``, ..."""
    config = sd.config
    if not getattr(config, "config_file_name", None) and getattr(config, "toml_file_name", None):
        return "[tool.alembic] in pyproject.toml"
    return f"[{getattr(config, 'config_ini_section', None) or 'alembic'}]"


def version_locations_line(sd: ScriptDirectory, locations: Sequence[str]) -> str:
    """Return the ``version_locations = ...`` line that lists ``locations``.

    Written with the configured ``path_separator`` (a space when there is none, which
    Alembic's legacy splitting accepts); TOML when the project is configured in
    pyproject.toml alone.
    """
    from tidal.configuration.paths import SEPARATORS

    config = sd.config
    name = getattr(config, "config_file_name", None)
    toml = getattr(config, "toml_file_name", None)
    source = name or toml
    here = os.path.dirname(os.path.abspath(str(source))) if source else None
    paths = [_here_relative(p, here) for p in dict.fromkeys(locations)]
    if not name and toml:
        return "version_locations = [" + ", ".join(f'"{p}"' for p in paths) + "]"
    getter = getattr(config, "get_main_option", None)
    value = getter("path_separator") if getter is not None else None
    sep = SEPARATORS.get(str(value).strip(), " ") if value else " "
    return "version_locations = " + (sep or " ").join(paths)


def _choose_version_path(
    sd: ScriptDirectory, version_path: str | None, heads: Sequence[Revision | None]
) -> str:
    locations = [os.path.abspath(p) for p in sd.version_locations]
    if version_path is not None:
        wanted = os.path.abspath(version_path)
        if wanted not in locations:
            raise ConfigError(
                f"path {wanted} is not represented in current version locations",
                f"add it to {_section_of(sd)}: {version_locations_line(sd, [*locations, wanted])}",
            )
        return wanted
    if len(locations) == 1:
        return locations[0]
    for h in heads:
        if h is not None and h.path:
            owners = [p for p in locations if h.path.startswith(p.rstrip(os.sep) + os.sep)]
            if owners:
                return max(owners, key=len)
    raise ConfigError(
        "multiple version locations present, please specify --version-path",
        "the first revision of a version location needs --version-path",
    )


def _resolve_depends_on(
    graph: RevisionGraph, depends_on: str | Sequence[str] | None
) -> str | list[str] | None:
    wanted = [depends_on] if isinstance(depends_on, str) else list(depends_on or [])
    resolved: list[str] = []
    for dep in wanted:
        if dep in graph.branch_labels:
            resolved.append(dep)
            continue
        found = graph.get_revision(dep)
        if found is None:
            raise RevisionError(f"can't locate revision identified by {dep!r}")
        resolved.append(found.revision)
    if not resolved:
        return None
    return resolved[0] if len(resolved) == 1 else resolved


def _check_splice(graph: RevisionGraph, heads: Sequence[Revision | None], splice: bool) -> None:
    for h in heads:
        if h is not None and not splice and not graph.is_head(h.revision):
            raise RevisionError(
                f"revision {h.revision} is not a head revision; please specify --splice "
                "to create a new branch from this revision",
                "add --splice to branch from a revision that already has children",
            )


def _make_dirs(sd: ScriptDirectory, directory: str) -> None:
    if not os.path.isdir(directory):
        _status(sd, f"Creating directory {directory} ...  done")
        os.makedirs(directory)


def _template_variables(
    sd: ScriptDirectory,
    header: Revision,
    deps: str | list[str] | None,
    when: dt.datetime,
    message: str | None,
    template_args: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Return every variable Alembic passes to script.py.mako, plus ``template_args``."""
    variables: dict[str, Any] = {
        "up_revision": header.revision,
        "down_revision": header.down_revision,
        "branch_labels": header.branch_labels or None,
        "depends_on": deps,
        "create_date": when,
        "comma": format_as_comma,
        "message": message if message is not None else "empty message",
        "imports": "",
        "upgrades": "",
        "downgrades": "",
        "config": sd.config,
    }
    variables.update(template_args or {})
    return variables


def generate_revision(
    sd: ScriptDirectory,
    revid: str,
    message: str | None,
    *,
    head: str | Sequence[str] | None = None,
    splice: bool = False,
    branch_labels: str | Sequence[str] | None = None,
    version_path: str | None = None,
    file_template: str | None = None,
    depends_on: str | Sequence[str] | None = None,
    template_args: Mapping[str, Any] | None = None,
) -> Script:
    """Validate, render and write a new revision file; run the hooks; return its Script.

    Everything that can fail on the graph (unknown heads, ``--splice``, duplicate ids
    or labels, depends_on) is checked before anything is written.
    """
    from tidal.script.graph import RevisionGraph
    from tidal.script.hooks import run_hooks
    from tidal.script.reader import read_header

    graph = sd.graph
    heads = _resolve_heads(graph, "head" if head is None else head)
    _check_splice(graph, heads, splice)
    deps = _resolve_depends_on(graph, depends_on)
    labels = (branch_labels,) if isinstance(branch_labels, str) else tuple(branch_labels or ())
    down_ids = tuple(h.revision for h in heads if h is not None)
    down: str | tuple[str, ...] | None = (
        None if not down_ids else down_ids[0] if len(down_ids) == 1 else down_ids
    )
    directory = _choose_version_path(sd, version_path, heads)
    when = create_date(sd.timezone)
    name = revision_filename(
        file_template or sd.file_template, revid, message, when, sd.truncate_slug_length
    )
    path = os.path.join(directory, name)
    header = Revision(
        revid, down, labels, tuple(deps) if isinstance(deps, list) else deps, path, message or ""
    )
    RevisionGraph([*graph, header])  # validates id, labels, cycles before writing
    variables = _template_variables(sd, header, deps, when, message, template_args)
    text = render_template(os.path.join(sd.dir, "script.py.mako"), variables)
    _make_dirs(sd, directory)
    _make_dirs(sd, os.path.dirname(path))
    write_file(path, text, sd.output_encoding)
    _status(sd, f"Generating {path} ...  done")
    run_hooks(path, sd.hooks, lambda line: _status(sd, line))
    try:
        written = read_header(path)
    except ScriptError:
        written = header
    return sd._add_header(written)
