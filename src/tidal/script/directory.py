"""``ScriptDirectory`` and ``Script``: the Alembic-shaped facade over scripts on disk.

A :class:`ScriptDirectory` knows the script location, its version locations and the
options that govern reading and writing scripts; its :attr:`graph` is the pure
:class:`tidal.script.graph.RevisionGraph` built from the headers that
:mod:`tidal.script.reader` reads (no script is imported for that). A :class:`Script`
is one revision with Alembic's attributes and output formats; its :attr:`module` is
imported on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tidal.errors import ConfigError, EnvironmentError_
from tidal.script.loading import (
    config_option,
    load_script_module,
    prepend_sys_path,
    raw_option,
    resolve_location,
)
from tidal.script.reader import read_revisions, sourceless_mode
from tidal.script.revision import Revision

if TYPE_CHECKING:
    from tidal.script.graph import RevisionGraph

__all__ = ["Script", "ScriptDirectory", "load_script_module", "config_option"]


def _one_line(
    index: Any,
    rev: str,
    header: Revision,
    *,
    include_branches: bool,
    include_doc: bool,
    include_parents: bool,
    tree_indicators: bool,
    head_indicators: bool,
    currents: Sequence[str],
) -> str:
    """Return :meth:`Script.cmd_format`'s one-line form from the graph index and a header.

    The Script properties it stands for, inlined: ``tidal history`` formats every
    revision, and :meth:`ScriptDirectory._walk_lines` does it without a Script each.
    """
    text = ""
    if include_parents:
        down = header.down_revisions
        text = ", ".join(down) if down else "<base>"
        if header.depends_on is not None and header.dependencies:
            text += f" ({', '.join(header.dependencies)})"
        text += " -> "
    text += rev
    if include_branches:
        labels = index.labels.get(rev)
        if labels:
            text += f" ({', '.join(sorted(labels))})"
    if head_indicators:
        if not index.nextrev.get(rev):
            text += " (effective head)" if index.all_next.get(rev) else " (head)"
        if rev in currents:
            text += " (current)"
    elif currents and rev in currents:
        text += " (current)"
    if tree_indicators:
        if len(index.nextrev.get(rev, ())) > 1:
            text += " (branchpoint)"
        if header.down_revision is not None and len(header.down_revisions) > 1:
            text += " (mergepoint)"
    if include_doc:
        longdoc = header.longdoc.strip() if header.longdoc else ""
        text += ", " + longdoc.split("\n\n", 1)[0]
    return text


class Script:
    """One migration script: its header, its place in the graph, its module on demand.

    Attributes:
        revision: The revision id.
        down_revision: ``down_revision`` as written (None, a str or a tuple).
        dependencies: ``depends_on`` as written (None, a str or a tuple).
        path: The file's path.
    """

    def __init__(self, directory: ScriptDirectory, header: Revision) -> None:
        self._directory = directory
        self._header = header
        self.revision: str = header.revision
        self.down_revision: str | tuple[str, ...] | None = header.down_revision
        self.dependencies: str | tuple[str, ...] | None = header.depends_on
        self.path: str = header.path or ""
        self._module: ModuleType | None = None

    def __repr__(self) -> str:
        return f"Script(revision={self.revision!r}, path={self.path!r})"

    @property
    def header(self) -> Revision:
        """The :class:`~tidal.script.revision.Revision` read from the file."""
        return self._header

    @property
    def module(self) -> ModuleType:
        """The imported script (imported once, under the Alembic shim)."""
        if self._module is None:
            self._module = load_script_module(self.path)
        return self._module

    @property
    def depends_on(self) -> str | tuple[str, ...] | None:
        """``depends_on`` as written."""
        return self._header.depends_on

    @property
    def _down_revision_tuple(self) -> tuple[str, ...]:
        return self._header.down_revisions

    @property
    def _versioned_down_revisions(self) -> tuple[str, ...]:
        return self._header.down_revisions

    @property
    def _resolved_dependencies(self) -> tuple[str, ...]:
        return tuple(self._graph_index().deps.get(self.revision, ()))

    @property
    def _all_down_revisions(self) -> tuple[str, ...]:
        return tuple(self._graph_index().all_down.get(self.revision, ()))

    @property
    def longdoc(self) -> str:
        """The module docstring, stripped."""
        return self._header.longdoc.strip()

    @property
    def doc(self) -> str:
        """The first paragraph of the docstring (the revision message)."""
        return self.longdoc.split("\n\n", 1)[0]

    @property
    def nextrev(self) -> frozenset[str]:
        """Ids of the revisions whose ``down_revision`` names this one."""
        return frozenset(self._graph_index().nextrev.get(self.revision, ()))

    @property
    def _all_nextrev(self) -> frozenset[str]:
        return frozenset(self._graph_index().all_next.get(self.revision, ()))

    @property
    def children(self) -> tuple[str, ...]:
        """Versioned children in graph order."""
        return tuple(self._graph_index().nextrev.get(self.revision, ()))

    @property
    def branch_labels(self) -> frozenset[str]:
        """Branch labels of this revision, including inherited ones."""
        return frozenset(self._graph_index().labels.get(self.revision, frozenset()))

    @property
    def _orig_branch_labels(self) -> tuple[str, ...]:
        return self._header.branch_labels

    @property
    def is_head(self) -> bool:
        """True when no revision names this one as ``down_revision``."""
        return not self._graph_index().nextrev.get(self.revision)

    @property
    def _is_real_head(self) -> bool:
        return not self._graph_index().all_next.get(self.revision)

    @property
    def is_base(self) -> bool:
        """True when the revision has no ``down_revision``."""
        return not self._header.down_revisions

    @property
    def _is_real_base(self) -> bool:
        return not self._header.down_revisions and not self._header.dependencies

    @property
    def is_branch_point(self) -> bool:
        """True when more than one revision names this one as ``down_revision``."""
        return len(self._graph_index().nextrev.get(self.revision, ())) > 1

    @property
    def is_merge_point(self) -> bool:
        """True when ``down_revision`` names more than one revision."""
        return len(self._header.down_revisions) > 1

    # -- Alembic's text forms --------------------------------------------------------------

    def _format_ids(self, ids: Sequence[str]) -> str:
        return ", ".join(ids) if ids else "<base>"

    @property
    def _labels_text(self) -> str:
        return ", ".join(sorted(self.branch_labels))

    @property
    def log_entry(self) -> str:
        """The verbose block of ``history -v`` / ``show`` (ends with a newline)."""
        return self._log_entry(())

    def _log_entry(self, currents: Sequence[str]) -> str:
        entry = f"Rev: {self.revision}"
        entry += " (head)" if self.is_head else ""
        entry += " (branchpoint)" if self.is_branch_point else ""
        entry += " (mergepoint)" if self.is_merge_point else ""
        entry += " (current)" if self.revision in currents else ""
        entry += "\n"
        parents = self._format_ids(self._header.down_revisions)
        entry += f"Merges: {parents}\n" if self.is_merge_point else f"Parent: {parents}\n"
        if self._header.dependencies:
            entry += f"Also depends on: {', '.join(self._header.dependencies)}\n"
        if self.is_branch_point:
            entry += f"Branches into: {', '.join(self.children)}\n"
        if self.branch_labels:
            entry += f"Branch names: {self._labels_text}\n"
        entry += f"Path: {self.path}\n\n"
        entry += "\n".join(f"    {line}" for line in self.longdoc.splitlines()) + "\n"
        return entry

    def _head_text(self, currents: Sequence[str]) -> str:
        text = ""
        if self.is_head:
            text = " (effective head)" if self._all_nextrev else " (head)"
        if self.revision in currents:
            text += " (current)"
        return text

    def _tree_text(self) -> str:
        text = " (branchpoint)" if self.is_branch_point else ""
        return text + (" (mergepoint)" if self.is_merge_point else "")

    def cmd_format(
        self,
        verbose: bool,
        include_branches: bool = False,
        include_doc: bool = False,
        include_parents: bool = False,
        tree_indicators: bool = True,
        head_indicators: bool = True,
        currents: Sequence[str] = (),
    ) -> str:
        """Return the one-line (or, with ``verbose``, the block) form Alembic prints.

        Args:
            verbose: Return :attr:`log_entry` instead of one line.
            include_branches: Add ``(label, ...)`` after the id.
            include_doc: Add ``, <message>``.
            include_parents: Start with ``<parents> (<depends_on>) ->``.
            tree_indicators: Add ``(branchpoint)`` / ``(mergepoint)``.
            head_indicators: Add ``(head)`` / ``(effective head)``.
            currents: Ids to mark ``(current)``.
        """
        if verbose:
            return self._log_entry(currents)
        return _one_line(
            self._graph_index(),
            self.revision,
            self._header,
            include_branches=include_branches,
            include_doc=include_doc,
            include_parents=include_parents,
            tree_indicators=tree_indicators,
            head_indicators=head_indicators,
            currents=currents,
        )

    def _graph_index(self) -> Any:
        return self._directory.graph.index


class ScriptDirectory:
    """The migration environment: script location, version locations and the graph.

    Args:
        dir: The script location (holding env.py and script.py.mako).
        file_template: ``file_template`` for new revision files.
        truncate_slug_length: Longest slug in new file names.
        version_locations: Directories holding revision files (default ``dir/versions``).
        sourceless: Also read ``.pyc`` files without source.
        output_encoding: Encoding of new files.
        timezone: Zone name for new files' dates.
        hooks: Parsed ``[post_write_hooks]``.
        recursive_version_locations: Read sub-directories of version locations.
        messaging_opts: ``{"quiet": bool}``.
    """

    def __init__(
        self,
        dir: str,
        file_template: str = "%(rev)s_%(slug)s",
        truncate_slug_length: int | None = 40,
        version_locations: Sequence[str] | None = None,
        sourceless: bool = False,
        output_encoding: str = "utf-8",
        timezone: str | None = None,
        hooks: Sequence[dict[str, str]] = (),
        recursive_version_locations: bool = False,
        messaging_opts: dict[str, Any] | None = None,
    ) -> None:
        self.dir = dir
        self.file_template = file_template
        self.truncate_slug_length = truncate_slug_length
        self.version_locations = list(version_locations or [os.path.join(dir, "versions")])
        self.sourceless = sourceless
        self.output_encoding = output_encoding
        self.timezone = timezone
        self.hooks = list(hooks)
        self.recursive_version_locations = recursive_version_locations
        self.messaging_opts = dict(messaging_opts or {})
        self.config: Any = None
        self._graph: RevisionGraph | None = None
        self._scripts: dict[str, Script] | None = None
        if not os.access(dir, os.F_OK):
            raise ConfigError(
                f"path doesn't exist: {dir}",
                "check script_location, or create the environment with `tidal init`",
            )

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_config(cls, config: Any) -> ScriptDirectory:
        """Build the ScriptDirectory described by a :class:`tidal.config.Config`."""
        location = config_option(config, "script_location")
        if location is None:
            raise ConfigError(
                "no 'script_location' key found in configuration",
                "add script_location to [alembic] (or [tool.alembic] in pyproject.toml)",
            )
        prepend_sys_path(config)
        truncate = config_option(config, "truncate_slug_length")
        hooks_getter = getattr(config, "get_hooks_list", None)
        if hooks_getter is not None:
            hooks = [dict(h) for h in hooks_getter()]
        else:
            from tidal.script.hooks import parse_hooks

            hooks = parse_hooks(config.get_section("post_write_hooks", {}) or {})
        locations_getter = getattr(config, "get_version_locations_list", None)
        locations = locations_getter() if locations_getter is not None else None
        sd = cls(
            resolve_location(location),
            file_template=config_option(config, "file_template", "%(rev)s_%(slug)s")
            or "%(rev)s_%(slug)s",
            truncate_slug_length=int(truncate) if truncate else 40,
            version_locations=[resolve_location(p) for p in locations] if locations else None,
            sourceless=sourceless_mode(raw_option(config, "sourceless")),
            output_encoding=config_option(config, "output_encoding", "utf-8") or "utf-8",
            timezone=config_option(config, "timezone") or None,
            hooks=hooks,
            # Alembic 1.20 turns these two on only for the exact string "true".
            recursive_version_locations=sourceless_mode(
                raw_option(config, "recursive_version_locations")
            ),
            messaging_opts=getattr(config, "messaging_opts", {}) or {},
        )
        sd.config = config
        return sd

    # -- the graph ------------------------------------------------------------------------

    @property
    def versions(self) -> str:
        """The first version location (Alembic's ``versions``)."""
        return self.version_locations[0]

    @property
    def env_py_location(self) -> str:
        """Path of env.py."""
        return os.path.abspath(os.path.join(self.dir, "env.py"))

    def _load(self) -> None:
        from tidal.script.graph import RevisionGraph

        headers = read_revisions(
            self.version_locations,
            recursive=self.recursive_version_locations,
            sourceless=self.sourceless,
        )
        self._graph = RevisionGraph(headers)
        self._scripts = {}

    @property
    def graph(self) -> RevisionGraph:
        """The validated :class:`~tidal.script.graph.RevisionGraph` of every script."""
        if self._graph is None:
            self._load()
        assert self._graph is not None
        return self._graph

    #: Alembic's name for the graph.
    revision_map = graph

    def invalidate(self) -> None:
        """Forget the graph so the next access reads the version locations again."""
        self._graph = None
        self._scripts = None

    def _script(self, rev: str) -> Script:
        if self._scripts is None:
            self._load()
        assert self._scripts is not None
        script = self._scripts.get(rev)
        if script is None:
            script = self._scripts[rev] = Script(self, self.graph.revision(rev))
        return script

    def _scripts_of(self, ids: Sequence[Any]) -> tuple[Script, ...]:
        return tuple(self._script(i) for i in ids if isinstance(i, str))

    def get_revision(self, id_: str | None) -> Script | None:
        """Return the Script for an identifier (id, partial id, label, ``head``...)."""
        found = self.graph.get_revision(id_)
        return None if found is None else self._script(_rev_id(found))

    def get_revisions(self, id_: str | Sequence[str] | None) -> tuple[Script, ...]:
        """Return the Scripts an identifier names (``heads`` may name several)."""
        return self._scripts_of([_rev_id(r) for r in self.graph.get_revisions(id_)])

    def get_all_current(self, id_: tuple[str, ...]) -> set[Script]:
        """Return the Scripts for a set of current heads."""
        return set(self.get_revisions(id_))

    def get_heads(self) -> list[str]:
        """Return the head revision ids, in Alembic's order."""
        return list(self.graph.heads)

    def get_bases(self) -> list[str]:
        """Return the base revision ids, in Alembic's order."""
        return list(self.graph.bases)

    def get_base(self) -> str | None:
        """Return the one base revision id (None when there are no revisions).

        Raises:
            RevisionError: There is more than one base (use :meth:`get_bases`).
        """
        bases = self.get_bases()
        if len(bases) > 1:
            from tidal.errors import RevisionError

            raise RevisionError(
                "the script directory has multiple bases; use get_bases()",
                f"bases: {', '.join(bases)}",
            )
        return bases[0] if bases else None

    def get_current_head(self) -> str | None:
        """Return the single head id (None when there are no revisions).

        Raises:
            MultipleHeadsError: There is more than one head.
        """
        return self.graph.get_current_head()

    def as_revision_number(self, id_: str | None) -> str | tuple[str, ...] | None:
        """Return an identifier as revision id(s), Alembic's ``as_revision_number``."""
        from tidal.script.targets import resolve_number

        rev, _branch = resolve_number(self.graph.index, id_)
        if not rev:
            return None
        return rev[0] if len(rev) == 1 else rev

    def iterate_revisions(
        self, upper: str | Sequence[str] | None, lower: str | Sequence[str] | None, **kw: Any
    ) -> Iterator[Script]:
        """Yield Scripts from ``upper`` down to ``lower`` (see the graph's method)."""
        for rev in self.graph.iterate_revisions(upper, lower, **kw):
            if isinstance(_rev_id(rev), str):
                yield self._script(_rev_id(rev))

    def _walk_lines(
        self, base: str, head: str, verbose: bool, currents: Sequence[str]
    ) -> Iterator[str]:
        """Yield ``history``'s line for each revision of :meth:`walk_revisions`.

        The same text as ``cmd_format(verbose, include_branches=True, include_doc=True,
        include_parents=True, currents=currents)`` on each Script, without building the
        Scripts for the one-line form.
        """
        if verbose:
            for sc in self.walk_revisions(base, head):
                yield sc.cmd_format(
                    True,
                    include_branches=True,
                    include_doc=True,
                    include_parents=True,
                    currents=currents,
                )
            return
        graph = self.graph
        index = graph.index
        for rev in graph.walk_revisions(base, head):
            rev_id = getattr(rev, "revision", rev)
            if isinstance(rev_id, str):
                yield _one_line(
                    index,
                    rev_id,
                    rev,
                    include_branches=True,
                    include_doc=True,
                    include_parents=True,
                    tree_indicators=True,
                    head_indicators=True,
                    currents=currents,
                )

    def walk_revisions(self, base: str = "base", head: str = "heads") -> Iterator[Script]:
        """Yield Scripts from ``head`` down to ``base``, newest first, as Alembic does."""
        for rev in self.graph.walk_revisions(base, head):
            rev_id = getattr(rev, "revision", rev)
            if isinstance(rev_id, str):
                yield self._script(rev_id)

    # -- env.py and new revisions -------------------------------------------------------

    def run_env(self) -> None:
        """Import and run env.py under the Alembic shim (the runtime sets the context)."""
        path = self.env_py_location
        if not os.path.exists(path):
            pyc = path + "c"
            if self.sourceless and os.path.exists(pyc):
                path = pyc
            else:
                raise EnvironmentError_(
                    f"no env.py in {self.dir}",
                    "restore env.py (tidal init writes one) or fix script_location",
                )
        load_script_module(path)

    def generate_revision(
        self,
        revid: str,
        message: str | None,
        head: str | Sequence[str] | None = None,
        splice: bool | None = False,
        branch_labels: str | Sequence[str] | None = None,
        version_path: str | None = None,
        file_template: str | None = None,
        depends_on: str | Sequence[str] | None = None,
        **kw: Any,
    ) -> Script | None:
        """Write a new revision file from script.py.mako and return its Script."""
        from tidal.script.writer import generate_revision

        return generate_revision(
            self,
            revid,
            message,
            head=head,
            splice=bool(splice),
            branch_labels=branch_labels,
            version_path=version_path,
            file_template=file_template,
            depends_on=depends_on,
            template_args=kw,
        )

    def _add_header(self, header: Revision) -> Script:
        """Add a freshly written revision to the loaded graph (re-validated)."""
        from tidal.script.graph import RevisionGraph

        if self._scripts is None:
            self._load()
        assert self._scripts is not None and self._graph is not None
        graph = RevisionGraph([*self._graph, header])
        self._graph = graph
        script = Script(self, header)
        self._scripts[header.revision] = script
        return script


def _rev_id(found: Any) -> Any:
    """Return the id of a graph answer (a Revision, an id string, or a marker)."""
    return getattr(found, "revision", found)
