"""RevisionGraph: the validated, immutable graph of a project's revisions (pure).

Built once from :class:`tidal.script.revision.Revision` values, it answers every
question Alembic's ``RevisionMap`` answers, in the same orders: heads, bases,
identifier resolution (:mod:`tidal.script.targets`), and the revisions an upgrade or
downgrade runs (:mod:`tidal.script.traversal`). It imports neither SQLAlchemy nor
the file system.

Validation differs from Alembic on purpose where Alembic only warns or crashes:
duplicate ids (Alembic warns and keeps the later script), a ``down_revision`` or
``depends_on`` naming nothing (Alembic raises ``KeyError``), and cycles Alembic's
check misses all raise a :mod:`tidal.errors` subclass here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from tidal.errors import (
    CycleError,
    DuplicateBranchLabelError,
    DuplicateRevisionError,
    InvalidRevisionIdError,
    MissingParentError,
    RangeNotAncestorError,
    ResolutionError,
    RevisionError,
)
from tidal.script import targets as tg
from tidal.script.revision import Revision
from tidal.script.traversal import (
    BASE,
    GraphIndex,
    Node,
    ancestors,
    dedupe,
    descendants,
    topological_sort,
)

__all__ = ["RevisionGraph"]

_RESERVED = re.compile(r"[@\-+:]").search

IdentArg = str | Sequence[str] | None


class RevisionGraph:
    """An immutable, validated revision graph with Alembic's queries and orders.

    Args:
        revisions: The revisions, in the order the scripts were found (this order
            breaks ties exactly as Alembic's map order does).

    Raises:
        InvalidRevisionIdError: An id contains ``@ - + :``.
        DuplicateRevisionError: Two revisions share an id.
        MissingParentError: A down_revision or depends_on names nothing.
        DuplicateBranchLabelError: A branch label is declared twice or is an id.
        CycleError: The links form a cycle.

    Example:
        >>> g = RevisionGraph([Revision("a1"), Revision("b2", "a1"), Revision("c3", "a1")])
        >>> g.heads, g.bases, g.children("a1")
        (('b2', 'c3'), ('a1',), ('b2', 'c3'))
    """

    def __init__(self, revisions: Iterable[Revision]) -> None:
        self._revisions: dict[str, Revision] = {}
        down: dict[str, tuple[str, ...]] = {}
        known = self._revisions
        for rev in revisions:
            r = rev.revision
            if r in known:
                paths = [known[r].path or "<in memory>", rev.path or "<in memory>"]
                raise DuplicateRevisionError(r, paths)
            known[r] = rev
            value = rev.down_revision
            # Inline fast paths: `tidal heads` on a long history spends its time here.
            if value is None:
                down[r] = ()
            elif type(value) is str and value and value != r:
                down[r] = (value,)
            else:
                down[r] = _parents(rev)
        # One scan over all ids at C speed instead of one per revision.
        if "" in known or _RESERVED("\n".join(known)):
            raise InvalidRevisionIdError(next(r for r in known if not r or _RESERVED(r)))
        self.index = _build_index(self._revisions, down)

    # -- the revisions ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._revisions)

    def __contains__(self, rev_id: object) -> bool:
        return rev_id in self._revisions

    def __iter__(self) -> Iterator[Revision]:
        return iter(self._revisions.values())

    @property
    def heads(self) -> tuple[str, ...]:
        """Revisions no down_revision points at, in input order (``RevisionMap.heads``)."""
        return self.index.heads

    @property
    def real_heads(self) -> tuple[str, ...]:
        """Heads that no depends_on points at either (what ``heads`` resolves to)."""
        return self.index.real_heads

    @property
    def bases(self) -> tuple[str, ...]:
        """Revisions without down_revision, in input order (``RevisionMap.bases``)."""
        return self.index.bases

    @property
    def real_bases(self) -> tuple[str, ...]:
        """Bases that have no depends_on either."""
        return self.index.real_bases

    @property
    def branch_labels(self) -> dict[str, str]:
        """Declared branch label -> the revision declaring it."""
        return dict(self.index.label_map)

    def revision(self, rev_id: str) -> Revision:
        """Return the revision with exactly this id (no identifier grammar)."""
        return self._revisions[rev_id]

    def children(self, rev_id: str) -> tuple[str, ...]:
        """Return the revisions whose down_revision names ``rev_id`` (Alembic's nextrev)."""
        return self.index.nextrev[self._full(rev_id)]

    def dependents(self, rev_id: str) -> tuple[str, ...]:
        """Return the revisions pointing at ``rev_id`` by down_revision or depends_on."""
        return self.index.all_next[self._full(rev_id)]

    def branch_labels_of(self, rev_id: str) -> frozenset[str]:
        """Return the branch labels of ``rev_id``, inherited ones included."""
        return self.index.labels[self._full(rev_id)]

    def resolved_dependencies(self, rev_id: str) -> tuple[str, ...]:
        """Return ``depends_on`` of ``rev_id`` resolved to full ids."""
        return self.index.deps[self._full(rev_id)]

    def down_revisions(self, rev_id: str, include_dependencies: bool = False) -> tuple[str, ...]:
        """Return the parents of ``rev_id`` (and its resolved depends_on if asked)."""
        full = self._full(rev_id)
        return self.index.all_down[full] if include_dependencies else self.index.down[full]

    def is_head(self, rev_id: str) -> bool:
        """Whether no down_revision points at ``rev_id``."""
        return not self.index.nextrev[self._full(rev_id)]

    def is_base(self, rev_id: str) -> bool:
        """Whether ``rev_id`` has no down_revision."""
        return not self.index.down[self._full(rev_id)]

    def is_branch_point(self, rev_id: str) -> bool:
        """Whether more than one down_revision points at ``rev_id``."""
        return len(self.index.nextrev[self._full(rev_id)]) > 1

    def is_merge_point(self, rev_id: str) -> bool:
        """Whether ``rev_id`` has more than one down_revision."""
        return len(self.index.down[self._full(rev_id)]) > 1

    def _full(self, rev_id: str) -> str:
        if rev_id in self._revisions:
            return rev_id
        found = tg.get_revision(self.index, rev_id)
        if found is None:
            raise ResolutionError(f"{rev_id!r} names no single revision", rev_id)
        return found

    # -- identifiers -----------------------------------------------------------------

    def get_revision(self, ident: str | None) -> Revision | None:
        """Resolve an identifier naming at most one revision (None for base).

        Raises:
            ResolutionError: Unknown or ambiguous identifier.
            MultipleHeadsError: It names several revisions.
        """
        rev = tg.get_revision(self.index, ident)
        return None if rev is None else self._revisions[rev]

    def get_revisions(self, ident: IdentArg) -> tuple[Revision | None, ...]:
        """Resolve identifiers to revisions; ``-N`` may yield None (walked past base)."""
        return tuple(self._rev_or_none(n) for n in tg.get_revisions(self.index, ident))

    def get_current_head(self, branch_label: str | None = None) -> str | None:
        """Return the one head (of the branch), None when there are no revisions."""
        return tg.get_current_head(self.index, branch_label)

    def filter_for_lineage(
        self,
        targets: Sequence[str],
        check_against: str | None,
        include_dependencies: bool = False,
    ) -> tuple[str, ...]:
        """Return the ``targets`` on a line of descent shared with ``check_against``."""
        return tg.filter_for_lineage(self.index, targets, check_against, include_dependencies)

    def shares_lineage(
        self, target: str, against: str | Sequence[str], include_dependencies: bool = False
    ) -> bool:
        """Whether ``target`` is an ancestor or descendant of (any of) ``against``."""
        tests = (against,) if isinstance(against, str) else against
        return tg.shares_lineage(self.index, target, tests, include_dependencies)

    def _rev_or_none(self, node: Node) -> Revision | None:
        return self._revisions[node] if isinstance(node, str) else None

    # -- relations -------------------------------------------------------------------

    def ancestors(self, ids: Iterable[str], include_dependencies: bool = True) -> frozenset[str]:
        """Return ``ids`` and every revision below them."""
        starts = [self._full(i) for i in ids]
        return frozenset(ancestors(self.index, starts, include_dependencies=include_dependencies))

    def descendants(self, ids: Iterable[str], include_dependencies: bool = True) -> frozenset[str]:
        """Return ``ids`` and every revision above them."""
        starts = [self._full(i) for i in ids]
        return frozenset(descendants(self.index, starts, include_dependencies=include_dependencies))

    # -- orders ----------------------------------------------------------------------

    def iterate_revisions(
        self,
        upper: IdentArg,
        lower: IdentArg,
        implicit_base: bool = False,
        inclusive: bool = False,
        assert_relative_length: bool = True,
        select_for_downgrade: bool = False,
    ) -> Iterator[Revision]:
        """Yield the revisions from ``upper`` down to ``lower``, as Alembic orders them."""
        collect = _collect_downgrade if select_for_downgrade else _collect_upgrade
        todo, heads = collect(
            self.index, upper, lower, inclusive, implicit_base, assert_relative_length
        )
        for rev in topological_sort(self.index, todo, heads):
            yield self._revisions[rev]

    def walk_revisions(self, base: str = "base", head: str = "heads") -> Iterator[Revision]:
        """Yield revisions from ``head`` down to ``base`` (``ScriptDirectory.walk_revisions``)."""
        return self.iterate_revisions(head, base, inclusive=True, assert_relative_length=False)

    def upgrade_revisions(self, destination: str, current_heads: IdentArg) -> list[Revision]:
        """Return the scripts ``upgrade <destination>`` runs from ``current_heads``, in order.

        Args:
            destination: Any upgrade identifier (``heads``, ``+2``, ``label@+1``, ...).
            current_heads: The version table's rows as a tuple; or, for an offline
                ``start:end`` range, the ``start`` string exactly as given (Alembic
                treats a ``label@rev`` start specially).
        """
        lower = tuple(current_heads) if isinstance(current_heads, list) else current_heads
        revs = list(self.iterate_revisions(destination, lower, implicit_base=True))
        revs.reverse()
        return revs

    def downgrade_revisions(self, destination: str, current_heads: IdentArg) -> list[Revision]:
        """Return the scripts ``downgrade <destination>`` runs from ``current_heads``, in order.

        Args:
            destination: Any downgrade identifier (``base``, ``-1``, ``label@-1``, ...).
            current_heads: The version table's rows, or an offline range's start.
        """
        upper = tuple(current_heads) if isinstance(current_heads, list) else current_heads
        return list(self.iterate_revisions(upper, destination, select_for_downgrade=True))


def _parents(rev: Revision) -> tuple[str, ...]:
    value = rev.down_revision
    # Fast paths for the common header shapes; `tidal heads` on a long history
    # spends its time in this constructor.
    if value is None:
        return ()
    if isinstance(value, str):
        if value == rev.revision:
            raise CycleError([value, value])
        return (value,) if value else ()
    parents = dedupe(rev.down_revisions)
    if rev.revision in parents:
        raise CycleError([rev.revision, rev.revision])
    return parents


def _build_index(revs: dict[str, Revision], down: dict[str, tuple[str, ...]]) -> GraphIndex:
    order = {r: i for i, r in enumerate(revs)}
    has_deps = any(rev.depends_on is not None for rev in revs.values())
    _check_parents(revs, order, down)
    label_map = _label_map(revs)
    if has_deps:
        deps = {r: _resolve_deps(r, rev, order, label_map) for r, rev in revs.items()}
        all_down = {r: dedupe(down[r] + deps[r]) if deps[r] else down[r] for r in revs}
    else:
        deps = dict.fromkeys(revs, ())
        all_down = down
    kids, topo = _check_cycles(order, all_down)
    return GraphIndex(order, down, deps, all_down, kids, topo, label_map)


def _check_parents(
    revs: dict[str, Revision], order: dict[str, int], down: dict[str, tuple[str, ...]]
) -> None:
    named: set[str] = set()
    for parents in down.values():
        named.update(parents)
    if named <= order.keys():
        return
    for r, parents in down.items():
        for p in parents:
            if p not in order:
                raise MissingParentError(r, p, revs[r].path)


def _label_map(revs: dict[str, Revision]) -> dict[str, str]:
    label_map: dict[str, str] = {}
    for r, rev in revs.items():
        for label in rev.branch_labels:
            owner = label if label in revs else label_map.get(label)
            if owner is not None:
                raise DuplicateBranchLabelError(label, [owner, r])
            label_map[label] = r
    return label_map


def _resolve_deps(
    r: str, rev: Revision, order: dict[str, int], label_map: dict[str, str]
) -> tuple[str, ...]:
    out: list[str] = []
    for dep in rev.dependencies:
        if dep == r:
            raise CycleError([r, r])
        full = dep if dep in order else label_map.get(dep)
        if full is None:
            raise MissingParentError(r, dep, rev.path)
        out.append(full)
    return tuple(out)


def _check_cycles(
    order: dict[str, int], all_down: dict[str, tuple[str, ...]]
) -> tuple[dict[str, list[str]], list[str]]:
    """Return the children lists and a parents-first order, or raise CycleError."""
    kids: dict[str, list[str]] = {r: [] for r in order}
    waiting: dict[str, int] = {}
    for r, parents in all_down.items():
        if parents:
            waiting[r] = len(parents)
            for p in parents:
                kids[p].append(r)
    # Kahn's algorithm; the list grows while it is read.
    topo = [r for r in order if r not in waiting]
    for r in topo:
        for child in kids[r]:
            left = waiting[child] - 1
            waiting[child] = left
            if not left:
                topo.append(child)
    if len(topo) != len(order):
        done = set(topo)
        raise CycleError(_find_cycle({r for r in order if r not in done}, all_down))
    return kids, topo


def _find_cycle(stuck: set[str], all_down: dict[str, tuple[str, ...]]) -> list[str]:
    # Every stuck revision has a stuck parent, so walking parents must repeat.
    start = min(stuck)
    path: list[str] = []
    at: dict[str, int] = {}
    node = start
    while node not in at:
        at[node] = len(path)
        path.append(node)
        node = next(p for p in all_down[node] if p in stuck)
    cycle = path[at[node] :]
    cycle.reverse()  # parent before child, the order upgrades would run
    first = cycle.index(min(cycle))
    cycle = cycle[first:] + cycle[:first]
    return [*cycle, cycle[0]]


def _non_str(node: Node, what: str) -> RevisionError:
    return RevisionError(f"{what} {node!r} is not a revision", "give a revision id or label")


def _as_ids(nodes: Iterable[Node], what: str) -> list[str]:
    out: list[str] = []
    for n in nodes:
        if not isinstance(n, str):
            raise _non_str(n, what)
        out.append(n)
    return out


def _as_tuple(value: IdentArg) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _collect_upgrade(
    index: GraphIndex,
    upper: IdentArg,
    lower: IdentArg,
    inclusive: bool,
    implicit_base: bool,
    assert_relative_length: bool,
) -> tuple[set[str], list[str]]:
    found = tg.parse_upgrade_target(index, _as_tuple(lower), upper, assert_relative_length)
    targets = _as_ids(found, "upgrade target")
    if isinstance(lower, str) and "@" in lower:
        targets = _on_lower_branch(index, targets, lower.partition("@")[0])
    required = set(ancestors(index, targets, check=True)) | set(targets)
    current = tg.get_revisions(index, lower)
    if not implicit_base and any(r is not None and r not in required for r in current):
        raise RangeNotAncestorError(_as_tuple(lower), _as_tuple(upper))
    if current and current[0] is None:
        if not isinstance(lower, str):
            raise _non_str(None, "lower revision")
        _, rev = tg.parse_downgrade_target(index, _as_tuple(upper), lower, assert_relative_length)
        if rev is None:
            raise _non_str(rev, "lower revision")
        current = () if rev is BASE else (rev,)
        lower = None if rev is BASE else rev
    lows = _as_ids(current, "lower revision")
    needs = required - set(ancestors(index, lows, check=True)) - set(lows)
    if inclusive:
        needs.update(_as_ids(tg.get_revisions(index, lower), "lower revision"))
    if lows and not implicit_base:
        needs.intersection_update(descendants(index, lows, check=True, include_dependencies=False))
    return needs, targets


def _on_lower_branch(index: GraphIndex, targets: list[str], branch: str) -> list[str]:
    # Alembic: a lower bound "branch@..." keeps only the targets on that branch; a
    # revision id in the branch position stands for its one branch label.
    rev = tg.get_revision(index, branch)
    if rev is not None and rev == branch:
        if len(index.labels[rev]) != 1:
            raise RevisionError(
                f"revision {rev} has {len(index.labels[rev])} branch labels; expected one",
                "name the branch by its label: '<branchname>@<rev>'",
            )
        (branch,) = index.labels[rev]
    return [t for t in targets if branch in index.labels[t]]


def _downgrade_roots(index: GraphIndex, target: str | None, inclusive: bool) -> list[str]:
    if target is None:
        # Alembic counts each base once per name it answers to (id and labels).
        roots = [r for r in index.order if not index.down[r]]
        roots += [r for r in index.label_map.values() if not index.down[r]]
        return roots
    if inclusive:
        return [target]
    return list(index.nextrev[target])


def _collect_downgrade(
    index: GraphIndex,
    upper: IdentArg,
    lower: IdentArg,
    inclusive: bool,
    implicit_base: bool,
    assert_relative_length: bool,
) -> tuple[set[str], list[str]]:
    if lower is not None and not isinstance(lower, str):
        raise RevisionError("a downgrade target must be one identifier", "give one revision")
    label, found = tg.parse_downgrade_target(index, _as_tuple(upper), lower, assert_relative_length)
    target = None if found is BASE else found
    if target is not None and not isinstance(target, str):
        raise _non_str(target, "downgrade target")
    roots = _downgrade_roots(index, target, inclusive)
    if label and len(roots) > 1:
        branch = tg.resolve_branch(index, label)
        on_branch = set(ancestors(index, [branch], include_dependencies=False))
        roots = [r for r in dedupe(roots) if r in on_branch]
        if not roots:
            raise RevisionError(
                "not a valid downgrade target from current heads",
                "run `tidal current` and `tidal branches` to pick a target",
            )
    heads = _as_ids(tg.get_revisions(index, upper), "current revision")
    dropping = set(descendants(index, roots))
    active = set(ancestors(index, heads))
    dropping &= active
    if implicit_base:
        dropping |= active - set(ancestors(index, roots))
    if target is not None and not dropping and target not in heads:
        raise RangeNotAncestorError(_as_tuple(lower), _as_tuple(upper), nothing_to_drop=True)
    return dropping, heads
