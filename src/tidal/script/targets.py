"""Pure: the revision identifier grammar, resolved against a :class:`GraphIndex`.

Identifiers (Alembic 1.20's grammar): full ids, unique partial ids (four characters
or more), branch labels, ``head``, ``heads``, ``base``, ``label@head``,
``label@heads``, ``label@base``, ``label@rev``, ``rev@rev``, ``-N`` / ``label@-N``
(down from the heads), and for upgrade/downgrade destinations ``+N``, ``-N``,
``rev+N``, ``rev-N``, ``head-N``, ``heads-N`` and ``label@+N``.

Functions return revision ids (``None`` for "no revision", :data:`BASE` for a walk
that went below a base). Failures raise :mod:`tidal.errors` subclasses.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from tidal.errors import (
    AmbiguousRevisionError,
    MultipleHeadsError,
    ResolutionError,
    RevisionError,
    did_you_mean,
)
from tidal.script.traversal import BASE, GraphIndex, Node, ancestors, descendants

__all__ = [
    "RELATIVE",
    "filter_for_lineage",
    "get_current_head",
    "get_revision",
    "get_revisions",
    "parse_downgrade_target",
    "parse_upgrade_target",
    "resolve_branch",
    "resolve_number",
    "revision_for_ident",
    "shares_lineage",
    "walk",
]

#: ``[label@][symbol](+|-)N`` -- a relative destination (matched at the start, like Alembic).
RELATIVE = re.compile(r"(?:(.+?)@)?(\w+)?([+-]\d+)")

IdentArg = str | Sequence[str] | None


def _walk_error(relative: str, steps: int) -> RevisionError:
    return RevisionError(
        f"relative revision {relative} didn't produce {abs(steps)} migrations",
        "ask for fewer steps; `tidal history` shows how many revisions there are",
    )


def resolve_number(index: GraphIndex, ident: str | None) -> tuple[tuple[str, ...], str | None]:
    """Split ``label@rest`` and expand ``head``/``heads``/``base``.

    Returns the ids (or raw words still to resolve) and the branch label.
    """
    label: str | None = None
    if ident is not None and "@" in ident:
        label, ident = ident.split("@", 1)
    if ident == "heads":
        if label:
            return filter_for_lineage(index, index.heads, label), label
        return index.real_heads, label
    if ident == "head":
        head = get_current_head(index, label)
        return ((head,) if head else ()), label
    if ident == "base" or ident is None:
        return (), label
    return (ident,), label


def get_current_head(index: GraphIndex, label: str | None = None) -> str | None:
    """Return the single head (of branch ``label``), None when there is none.

    Raises:
        MultipleHeadsError: More than one head qualifies.
    """
    heads: Sequence[str] = index.heads
    if label:
        heads = filter_for_lineage(index, heads, label)
    if len(heads) > 1:
        raise MultipleHeadsError(heads, f"{label}@head" if label else "head")
    return heads[0] if heads else None


def _lookup_key(index: GraphIndex, key: str) -> str | None:
    if key in index.order:
        return key
    return index.label_map.get(key)


def _prefix_matches(index: GraphIndex, prefix: str) -> list[str]:
    keys = index.sorted_keys()
    pos = bisect.bisect_left(keys, prefix)
    found: list[str] = []
    while pos < len(keys) and keys[pos].startswith(prefix):
        if len(keys[pos]) > 3:
            found.append(keys[pos])
        pos += 1
    if len(found) > 1:
        wanted = set(found)
        in_map = {k: i for i, k in enumerate(index.keys_in_map_order()) if k in wanted}
        found.sort(key=in_map.__getitem__)
    return found


def resolve_branch(index: GraphIndex, label: str) -> str:
    """Return the revision a branch name stands for (a label, an id or a partial id)."""
    rev = _lookup_key(index, label)
    if rev is not None:
        return rev
    try:
        found = revision_for_ident(index, label)
    except ResolutionError as exc:
        raise ResolutionError(
            f"no such branch: {label!r}",
            label,
            did_you_mean(label, index.label_map) or "run `tidal branches` to list branch labels",
        ) from exc
    assert found is not None  # a non-empty word never resolves to None
    return found


def revision_for_ident(
    index: GraphIndex, ident: str | None, branch: str | None = None
) -> str | None:
    """Return the id ``ident`` names (exactly, as a label, or as a unique prefix).

    ``None`` stands for base and resolves to None. With ``branch``, the revision must
    share a line of descent with that branch.
    """
    branch_rev = resolve_branch(index, branch) if branch else None
    rev = None if ident is None else _lookup_key(index, ident)
    if ident is not None and rev is None:
        found = _prefix_matches(index, ident) if ident else []
        if branch_rev is not None and branch:
            found = list(filter_for_lineage(index, found, branch))
        if not found:
            raise _unknown(index, ident)
        if len(found) > 1:
            raise AmbiguousRevisionError(ident, found)
        rev = _lookup_key(index, found[0])
    if branch and rev is not None:
        assert branch_rev is not None
        if not shares_lineage(index, rev, [branch_rev]):
            raise ResolutionError(
                f"revision {rev} is not a member of branch {branch!r}",
                ident or "",
                f"run `tidal history -r {branch}@base:{branch}@head` to see the branch",
            )
    return rev


def _unknown(index: GraphIndex, ident: str) -> ResolutionError:
    short = len(ident) < 4
    message = f"no such revision or branch {ident!r}"
    if short:
        message += "; partial revision ids need at least four characters"
    hint = did_you_mean(ident, [*index.keys_in_map_order(), "head", "heads", "base"])
    return ResolutionError(message, ident, hint or "run `tidal history` to list the revisions")


def shares_lineage(
    index: GraphIndex,
    target: str,
    against: Sequence[str],
    include_dependencies: bool = False,
) -> bool:
    """Whether ``target`` is an ancestor or descendant of one of ``against`` (or is one)."""
    if not against:
        return True
    resolved = revision_for_ident(index, target)
    if resolved is None:
        raise _not_a_revision(target)
    tests = {revision_for_ident(index, a) for a in against}
    line = descendants(index, [resolved], include_dependencies=include_dependencies)
    if tests.intersection(line):
        return True
    return bool(
        tests.intersection(ancestors(index, [resolved], include_dependencies=include_dependencies))
    )


def filter_for_lineage(
    index: GraphIndex,
    targets: Sequence[str | None],
    check_against: str | None,
    include_dependencies: bool = False,
) -> tuple[str, ...]:
    """Return the ``targets`` on the same line of descent as ``check_against``."""
    ids, label = resolve_number(index, check_against)
    shares: list[str] = [label] if label else []
    shares.extend(ids)
    if not shares:
        return tuple(t for t in targets if t is not None)
    # One lineage set for all targets (Alembic walks both ways once per target).
    # It is built only once a target resolved, so errors come in Alembic's order.
    line: set[str] | None = None
    kept: list[str] = []
    for target in targets:
        resolved = revision_for_ident(index, target)
        if target is None or resolved is None:
            raise _not_a_revision(target)
        if line is None:
            tests = [revision_for_ident(index, a) for a in shares]
            line = _lineage(index, [t for t in tests if t is not None], include_dependencies)
        if resolved in line:
            kept.append(target)
    return tuple(kept)


def _lineage(index: GraphIndex, revs: Sequence[str], include_dependencies: bool) -> set[str]:
    """Return ``revs`` with all their ancestors and all their descendants."""
    below = ancestors(index, revs, include_dependencies=include_dependencies)
    above = descendants(index, revs, include_dependencies=include_dependencies)
    return {*below, *above}


def get_revisions(index: GraphIndex, ident: IdentArg) -> tuple[Node, ...]:
    """Resolve an identifier (or several) to ids; ``-N`` walks down from the heads."""
    if ident is not None and not isinstance(ident, str):
        out: tuple[Node, ...] = ()
        for one in ident:
            out += get_revisions(index, one)
        return out
    resolved, label = resolve_number(index, ident)
    if len(resolved) == 1:
        steps = _as_int(resolved[0])
        if steps is not None and steps < 0:
            heads = [h for h in get_revisions(index, "heads") if isinstance(h, str)]
            if label is not None:
                heads = [h for h in heads if label in index.labels[h]]
            return tuple(walk(index, h, steps) for h in heads)
    return tuple(revision_for_ident(index, r, label) for r in resolved)


def _as_int(word: str) -> int | None:
    try:
        return int(word)
    except ValueError:
        return None


def get_revision(index: GraphIndex, ident: str | None) -> str | None:
    """Resolve an identifier that must name at most one revision.

    Raises:
        MultipleHeadsError: It names several (``heads`` with two heads).
    """
    resolved, label = resolve_number(index, ident)
    if len(resolved) > 1:
        raise MultipleHeadsError(resolved, str(ident))
    return revision_for_ident(index, resolved[0] if resolved else None, label)


def walk(
    index: GraphIndex,
    start: Node,
    steps: int,
    label: str | None = None,
    no_overwalk: bool = True,
) -> Node:
    """Move ``steps`` revisions up (positive) or down (negative) from ``start``.

    ``start=None`` is below the bases (up) or above the heads (down). Walking up
    follows only the branch ``label`` when given. Returns None when the walk runs
    out and ``no_overwalk`` is set; otherwise the walk stays where it ran out.

    Raises:
        RevisionError: More than one revision is the next step ("ambiguous walk").
    """
    current = start
    if isinstance(current, str) and current not in index.order:
        current = get_revision(index, current)
    for _ in range(abs(steps)):
        nxt: Sequence[Node]
        if steps > 0:
            if current is BASE:
                raise RevisionError("cannot walk up from base", "give a revision to start from")
            ups: Sequence[str] = index.bases if current is None else index.nextrev[current]
            nxt = filter_for_lineage(index, ups, label) if label else ups
        elif current is BASE:
            nxt = ()
        else:
            downs = index.heads if current is None else index.down[current]
            nxt = downs if downs else (BASE,)
        if not nxt:
            return None if no_overwalk else current
        if len(nxt) > 1:
            raise RevisionError(
                "ambiguous walk: more than one revision is the next step",
                "name the branch with '<branchname>@+N' or start from a revision id",
            )
        current = nxt[0]
    return current


def parse_upgrade_target(
    index: GraphIndex,
    current: Sequence[str],
    target: str | Sequence[str] | None,
    assert_relative_length: bool = True,
) -> tuple[Node, ...]:
    """Resolve an upgrade destination; ``+N`` / ``label@+N`` count from ``current``."""
    match = RELATIVE.match(target) if isinstance(target, str) else None
    if match is None:
        return get_revisions(index, target)
    label, symbol, relative = match.groups()
    steps = int(relative)
    if steps > 0 and symbol is None:
        start = _upgrade_start(index, current, label)
        rev = walk(index, start, steps, label, no_overwalk=assert_relative_length)
        if rev is None:
            raise _walk_error(relative, steps)
        return (rev,)
    if steps > 0:
        return (walk(index, get_revision(index, symbol), steps, label, assert_relative_length),)
    if symbol is None:
        raise _walk_error(relative, steps)
    start_at = get_revision(index, symbol if label is None else f"{label}@{symbol}")
    return (walk(index, start_at, steps, no_overwalk=assert_relative_length),)


def _not_a_revision(node: object) -> RevisionError:
    return RevisionError(
        f"{node!r} is not a revision here", "start from a revision id, a label or 'heads'"
    )


def _as_words(nodes: Sequence[Node]) -> list[str | None]:
    # Alembic looks a walk's "base" up as a name (usually failing), and fails on None.
    return ["base" if node is BASE else node for node in nodes]


def _only_ids(nodes: Sequence[Node]) -> list[str]:
    if any(not isinstance(n, str) for n in nodes):
        raise _not_a_revision(next(n for n in nodes if not isinstance(n, str)))
    return [n for n in nodes if isinstance(n, str)]


def _upgrade_start(index: GraphIndex, current: Sequence[str], label: str | None) -> Node:
    starts: Sequence[Node] = tuple(current) if current else (None,)
    if label:
        revs = get_revisions(index, list(current) if current else None)
        on_branch = filter_for_lineage(index, _as_words(revs), label)
        starts = on_branch
        if not on_branch:
            # The branch is not among the current heads: start from its newest
            # applied revision, or from before the bases.
            applied = ancestors(index, _only_ids(revs))
            active = filter_for_lineage(index, applied, label)
            below = {d for r in active for d in index.norm_down[r]}
            tips = [r for r in dict.fromkeys(active) if r not in below]
            starts = tips if tips else (None,)
    if len(starts) > 1:
        raise RevisionError(
            "ambiguous upgrade from multiple current revisions",
            "name the branch: '<branchname>@+N', or give a revision id",
        )
    return starts[0]


def parse_downgrade_target(
    index: GraphIndex,
    current: Sequence[str],
    target: str | None,
    assert_relative_length: bool = True,
) -> tuple[str | None, Node]:
    """Resolve a downgrade destination to ``(branch_label, revision)``.

    ``-N`` counts down from ``current``; ``rev+N`` / ``rev-N`` from ``rev``. The
    revision may be :data:`BASE`.
    """
    if target is None:
        return None, None
    match = RELATIVE.match(target)
    if match is None:
        prefix, _, word = target.rpartition("@")
        return (prefix or None), get_revision(index, word)
    label, symbol, relative = match.groups()
    steps = int(relative)
    if steps >= 0:
        if symbol is None:
            raise _walk_error(relative, steps)
        rev = walk(index, get_revision(index, symbol), steps, label, assert_relative_length)
        if rev is None:
            raise RevisionError("walked too far", "ask for fewer steps")
        return label, rev
    from_current = symbol is None
    if symbol is None:
        label, symbol = _downgrade_symbol(index, current, label, relative, steps)
    start = get_revision(index, symbol if label is None else f"{label}@{symbol}")
    rev = walk(index, start, steps, no_overwalk=assert_relative_length)
    if rev is None:
        if from_current:
            raise _walk_error(relative, steps)
        raise RevisionError("walked too far", "ask for fewer steps")
    return label, rev


def _downgrade_symbol(
    index: GraphIndex, current: Sequence[str], label: str | None, relative: str, steps: int
) -> tuple[str | None, str]:
    if label:
        found = list(filter_for_lineage(index, current, label))
        if not found:
            # Other branch heads may sit on top of the current head through depends_on.
            closure = ancestors(index, _only_ids(get_revisions(index, current)))
            members = set(closure)
            tips = [r for r in closure if not any(c in members for c in index.nextrev[r])]
            found = list(filter_for_lineage(index, tips, label))
        if len(found) != 1:
            raise RevisionError(
                f"cannot tell which head of branch {label!r} to count from",
                "give the revision to start from: '<rev>-N'",
            )
        return label, found[0]
    if not current:
        raise _walk_error(relative, steps)
    # Alembic warns here when the heads differ and counts from the first one.
    return current[0], current[0]
