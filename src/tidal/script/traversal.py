"""Pure graph walks over a built revision index: ancestors, descendants, orders.

Nothing here reads files or imports SQLAlchemy. Every function takes a
:class:`GraphIndex`, the immutable adjacency tables that
:class:`tidal.script.graph.RevisionGraph` builds once, and works on revision ids.

The orders reproduce Alembic 1.20's observable behaviour (``RevisionMap``), which
the differential tests in ``tests/differential/test_graph_vs_alembic.py`` pin.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

from tidal.errors import RevisionError

__all__ = [
    "BASE",
    "Base",
    "GraphIndex",
    "Node",
    "ancestors",
    "dedupe",
    "descendants",
    "inherit_labels",
    "normalize_dependencies",
    "related",
    "topological_sort",
]


class Base(enum.Enum):
    """The marker a walk down past a base revision returns (Alembic's ``"base"``)."""

    BASE = "base"


BASE = Base.BASE

#: A position in a walk: a revision id, ``None`` (nothing / before the bases) or BASE.
Node = str | None | Base


def dedupe(items: Iterable[str]) -> tuple[str, ...]:
    """Return ``items`` without repeats, keeping the first occurrence of each.

    Example:
        >>> dedupe(["b", "a", "b"])
        ('b', 'a')
    """
    return tuple(dict.fromkeys(items))


class GraphIndex:
    """The adjacency tables of a validated revision graph (ids only, input order).

    Built by :class:`tidal.script.graph.RevisionGraph` after validation. The tables
    ``heads`` and ``bases`` need are made at once; the rest on first use.

    Attributes:
        order: Revision id -> position in the input (Alembic's map order).
        down: Versioned parents (``down_revision``).
        deps: ``depends_on`` resolved to ids, as written (repeats kept).
        all_down: ``down`` + ``deps`` without repeats.
        topo: Every id, parents before children.
        label_map: Declared branch label -> the revision declaring it.
        heads: Revisions without versioned children, in input order.
        real_heads: Revisions nothing points at (not even ``depends_on``).
        bases: Revisions without ``down_revision``.
        real_bases: Bases that have no ``depends_on`` either.
    """

    def __init__(
        self,
        order: dict[str, int],
        down: dict[str, tuple[str, ...]],
        deps: dict[str, tuple[str, ...]],
        all_down: dict[str, tuple[str, ...]],
        kids: dict[str, list[str]],
        topo: list[str],
        label_map: dict[str, str],
    ) -> None:
        self.order = order
        self.down = down
        self.deps = deps
        self.all_down = all_down
        self.topo = topo
        self.label_map = label_map
        self._kids = kids
        versioned_parents: set[str] = set()
        for parents in down.values():
            versioned_parents.update(parents)
        self.heads = tuple(r for r in order if r not in versioned_parents)
        self.real_heads = tuple(r for r in order if not kids[r])
        self.bases = tuple(r for r in order if not down[r])
        self.real_bases = tuple(r for r in self.bases if not deps[r])
        self._sorted_keys: list[str] | None = None

    @cached_property
    def all_next(self) -> dict[str, tuple[str, ...]]:
        """Children through ``down_revision`` or ``depends_on``, in input order."""
        return {r: tuple(c) for r, c in self._kids.items()}

    @cached_property
    def nextrev(self) -> dict[str, tuple[str, ...]]:
        """Versioned children (Alembic's ``nextrev``), in input order."""
        out: dict[str, list[str]] = {r: [] for r in self.order}
        for r, parents in self.down.items():
            for p in parents:
                out[p].append(r)
        return {r: tuple(c) for r, c in out.items()}

    @cached_property
    def norm_deps(self) -> dict[str, tuple[str, ...]]:
        """``deps`` minus those a versioned ancestor already declares (as Alembic)."""
        return normalize_dependencies(self.topo, self.down, self.deps)

    @cached_property
    def norm_down(self) -> dict[str, tuple[str, ...]]:
        """``down`` + ``norm_deps`` without repeats (what ancestors follow)."""
        norm = self.norm_deps
        return {r: dedupe(d + norm[r]) if norm[r] else d for r, d in self.down.items()}

    @cached_property
    def labels(self) -> dict[str, frozenset[str]]:
        """Branch labels after Alembic's inheritance (see :func:`inherit_labels`)."""
        return inherit_labels(self)

    def keys_in_map_order(self) -> list[str]:
        """Return every name a revision answers to: ids in input order, then labels."""
        return [*self.order, *self.label_map]

    def sorted_keys(self) -> list[str]:
        """Return ids and labels sorted, for prefix lookups (computed once)."""
        if self._sorted_keys is None:
            self._sorted_keys = sorted(self.keys_in_map_order())
        return self._sorted_keys

    def is_real_branch_point(self, rev: str) -> bool:
        """Whether more than one revision points at ``rev`` (down_revision or depends_on)."""
        return len(self._kids[rev]) > 1


def normalize_dependencies(
    topo: Sequence[str],
    down: Mapping[str, tuple[str, ...]],
    deps: Mapping[str, tuple[str, ...]],
) -> dict[str, tuple[str, ...]]:
    """Drop each revision's depends_on entries that a versioned ancestor also declares.

    Example:
        >>> down = {"x": (), "a": (), "b": ("a",)}
        >>> normalize_dependencies(["x", "a", "b"], down, {"x": (), "a": ("x",), "b": ("x",)})
        {'x': (), 'a': ('x',), 'b': ()}
    """
    if not any(deps.values()):
        return dict.fromkeys(topo, ())  # no depends_on anywhere: the loop below gives this
    # Only revisions above a declaring revision need the (linear) ancestor walk.
    declared_below: dict[str, bool] = {}
    out: dict[str, tuple[str, ...]] = {}
    for r in topo:
        declared_below[r] = any(deps[p] or declared_below[p] for p in down[r])
        if not deps[r] or not declared_below[r]:
            out[r] = dedupe(deps[r]) if len(deps[r]) > 1 else deps[r]
            continue
        declared: set[str] = set()
        for anc in related(down, [r]):
            if anc != r:
                declared.update(deps[anc])
        out[r] = dedupe(d for d in deps[r] if d not in declared)
    return out


def inherit_labels(index: GraphIndex) -> dict[str, frozenset[str]]:
    """Spread branch labels as Alembic does.

    A revision's labels go to all its descendants, and down through its ancestors
    when its whole line above is a plain chain, stopping at a branch point or merge.
    """
    labels: dict[str, set[str]] = {}
    for label, owner in index.label_map.items():
        labels.setdefault(owner, set()).add(label)
    for r in [r for r in index.order if r in labels]:
        own = set(labels[r])
        line = related(index.nextrev, [r])
        for node in line:
            labels.setdefault(node, set()).update(own)
        node = line[-1]
        while not index.is_real_branch_point(node) and len(index.down[node]) <= 1:
            labels.setdefault(node, set()).update(own)
            if not index.down[node]:
                break
            node = index.down[node][0]
    empty: frozenset[str] = frozenset()
    return {r: frozenset(labels[r]) if r in labels else empty for r in index.order}


def related(
    edges: Mapping[str, Sequence[str]],
    starts: Sequence[str],
    *,
    check: bool = False,
) -> list[str]:
    """Return the ids reachable from ``starts`` through ``edges`` (starts included).

    With ``check``, fail when one start reaches another start, as Alembic does when a
    set of requested revisions "overlaps" (one is the ancestor of another).

    Example:
        >>> related({"a": (), "b": ("a",), "c": ("b",)}, ["c"])
        ['c', 'b', 'a']
    """
    seen: set[str] = set()
    out: list[str] = []
    start_set = set(starts)
    for start in starts:
        todo = [start]
        reached: set[str] = set()
        while todo:
            rev = todo.pop()
            if check:
                reached.add(rev)
            if rev in seen:
                continue
            seen.add(rev)
            todo.extend(edges[rev])
            out.append(rev)
        if check:
            overlaps = (reached & start_set) - {start}
            if overlaps:
                raise RevisionError(
                    f"requested revision {start} overlaps with other requested revisions "
                    f"{', '.join(sorted(overlaps))}",
                    "give only revisions where none is an ancestor of another",
                )
    return out


def ancestors(
    index: GraphIndex,
    starts: Sequence[str],
    *,
    include_dependencies: bool = True,
    check: bool = False,
) -> list[str]:
    """Return ``starts`` and everything below them (through depends_on by default)."""
    edges = index.norm_down if include_dependencies else index.down
    return related(edges, starts, check=check)


def descendants(
    index: GraphIndex,
    starts: Sequence[str],
    *,
    include_dependencies: bool = True,
    check: bool = False,
) -> list[str]:
    """Return ``starts`` and everything above them (through depends_on by default)."""
    edges = index.all_next if include_dependencies else index.nextrev
    return related(edges, starts, check=check)


def topological_sort(
    index: GraphIndex, revisions: Iterable[str], heads: Sequence[str]
) -> list[str]:
    """Return ``revisions`` from the top down, each after everything that needs it.

    Reproduces Alembic's order: start from ``heads`` (sorted by input order), follow
    one line of descent down for as long as no other pending head still needs the
    current revision, and otherwise switch to the first pending head that does.

    Example:
        >>> from tidal.script.graph import RevisionGraph
        >>> from tidal.script.revision import Revision
        >>> g = RevisionGraph([Revision("a"), Revision("b", "a"), Revision("c", "a")])
        >>> topological_sort(g.index, {"a", "b", "c"}, ["b", "c"])
        ['b', 'c', 'a']
    """
    todo = set(revisions)
    if len(index.order) <= _BITSET_LIMIT and _convex(index, todo):
        return _sort_with_bitsets(index, todo, heads)
    return _sort_with_sets(index, todo, heads)


# Above this many revisions the per-revision ancestor bitsets (n*n/8 bytes) cost more
# memory than they save time; the set-based walk is used instead.
_BITSET_LIMIT = 20_000


def _sort_with_sets(index: GraphIndex, todo: set[str], heads: Sequence[str]) -> list[str]:
    # The direct form: one ancestor set per pending head, rebuilt at merges.
    order = index.order
    norm_down = index.norm_down
    current = sorted({h for h in heads if h in todo}, key=order.__getitem__)
    in_current = set(current)
    anc_of = [_ancestor_set(norm_down, h) for h in current]
    output: list[str] = []
    idx = 0
    while current:
        candidate = current[idx]
        blocker = _first_needing(anc_of, idx, candidate)
        if blocker is not None:
            idx = blocker
            continue
        if candidate in todo:
            output.append(candidate)
            todo.discard(candidate)
        to_add = [r for r in norm_down[candidate] if r in todo and r not in in_current]
        in_current.discard(candidate)
        if not to_add:
            del current[idx]
            del anc_of[idx]
            idx = max(idx - 1, 0)
            continue
        in_current.update(to_add)
        current[idx] = to_add[0]
        if not index.norm_deps[candidate] and len(index.down[candidate]) == 1:
            # A plain step down one line: the line's ancestor set just loses the candidate.
            anc_of[idx].discard(candidate)
        else:
            current.extend(to_add[1:])
            anc_of[idx] = _ancestor_set(norm_down, to_add[0])
            anc_of.extend(_ancestor_set(norm_down, h) for h in to_add[1:])
    if todo:
        raise RevisionError(
            "dependency resolution failed; some revisions are not reachable from the heads",
            "check the revisions' down_revision and depends_on",
        )
    return output


def _convex(index: GraphIndex, todo: set[str]) -> bool:
    """Whether no revision outside ``todo`` lies between two revisions in it."""
    outside = _reach(index.norm_down, todo) - todo
    return not outside or not (outside & _reach(index.all_next, todo))


def _sort_with_bitsets(index: GraphIndex, todo: set[str], heads: Sequence[str]) -> list[str]:
    """Give :func:`_sort_with_sets`'s order in near-linear time.

    When no revision outside ``todo`` lies between two in it, a pending revision
    can only be needed by another pending head through a pending revision that
    points at it; so the search for a blocking head runs only when such a
    revision exists, and tests membership in per-revision ancestor bitsets.
    """
    order = index.order
    norm_down = index.norm_down
    bits = _ancestor_bits(index, todo)
    waiting: dict[str, int] = {}
    for rev in todo:
        for parent in norm_down[rev]:
            waiting[parent] = waiting.get(parent, 0) + 1
    current = sorted({h for h in heads if h in todo}, key=order.__getitem__)
    in_current = set(current)
    output: list[str] = []
    idx = 0
    while current:
        candidate = current[idx]
        if waiting.get(candidate):
            pos = order[candidate]
            blocker = next(
                (i for i, h in enumerate(current) if i != idx and bits[h] >> pos & 1), None
            )
            if blocker is not None:
                idx = blocker
                continue
        if candidate in todo:
            output.append(candidate)
            todo.discard(candidate)
            for parent in norm_down[candidate]:
                waiting[parent] -= 1
        to_add = [r for r in norm_down[candidate] if r in todo and r not in in_current]
        in_current.discard(candidate)
        if not to_add:
            del current[idx]
            idx = max(idx - 1, 0)
            continue
        in_current.update(to_add)
        current[idx] = to_add[0]
        if index.norm_deps[candidate] or len(index.down[candidate]) != 1:
            current.extend(to_add[1:])
    if todo:
        raise RevisionError(
            "dependency resolution failed; some revisions are not reachable from the heads",
            "check the revisions' down_revision and depends_on",
        )
    return output


def _ancestor_bits(index: GraphIndex, todo: set[str]) -> dict[str, int]:
    # Bit `order[r]` set for every ancestor r (itself included); parents come first.
    order = index.order
    norm_down = index.norm_down
    wanted = _reach(norm_down, todo)
    bits: dict[str, int] = {}
    for rev in index.topo:
        if rev in wanted:
            value = 1 << order[rev]
            for parent in norm_down[rev]:
                value |= bits[parent]
            bits[rev] = value
    return bits


def _first_needing(anc_of: list[set[str]], idx: int, candidate: str) -> int | None:
    # The candidate's own set always holds it; look for the first other set that does.
    hits = [i for i, anc in enumerate(anc_of) if candidate in anc]
    for other in hits:
        if other != idx:
            return other
    return None


def _reach(edges: Mapping[str, Sequence[str]], starts: Iterable[str]) -> set[str]:
    seen = set(starts)
    stack = list(seen)
    push = stack.append
    add = seen.add
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                add(nxt)
                push(nxt)
    return seen


def _ancestor_set(edges: Mapping[str, Sequence[str]], start: str) -> set[str]:
    # The hot loop of topological_sort: a bare DFS, no order, no overlap check.
    seen = {start}
    stack = [start]
    push = stack.append
    add = seen.add
    while stack:
        for parent in edges[stack.pop()]:
            if parent not in seen:
                add(parent)
                push(parent)
    return seen
