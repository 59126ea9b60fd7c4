"""Hypothesis strategies for random revision graphs, shared by the graph and plan tests.

``revision_graphs(max_size=...)`` draws a list of :class:`tidal.script.revision.Revision`
forming a valid history: linear runs, branches, merges, several bases, ``depends_on``
(on ids and on branch labels) and branch labels, in a shuffled file order (Alembic's
map order is the order scripts are found, and it breaks ties in every listing).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from tidal.script.revision import Revision

__all__ = ["GraphShape", "graph_shapes", "revision_graphs"]

# A few shared prefixes make partial ids collide, as real hex ids sometimes do.
_PREFIXES = ("ab", "abc", "abcd", "f0", "f00d", "9e")


@dataclass(frozen=True)
class GraphShape:
    """Knobs for :func:`revision_graphs` (probabilities in percent)."""

    new_base: int = 6
    merge: int = 12
    branch_from_old: int = 30
    depends_on: int = 10
    label: int = 8
    max_deps: int = 2


def graph_shapes(max_deps: int = 2) -> st.SearchStrategy[GraphShape]:
    """Draw shapes from nearly linear to very branchy.

    Args:
        max_deps: Most ``depends_on`` entries per revision. Alembic orders two or more
            normalized dependencies of one revision by set iteration (it changes with
            PYTHONHASHSEED), so order comparisons against Alembic use 1.
    """
    return st.builds(
        GraphShape,
        new_base=st.integers(0, 20),
        merge=st.integers(0, 30),
        branch_from_old=st.integers(0, 60),
        depends_on=st.integers(0, 25),
        label=st.integers(0, 20),
        max_deps=st.just(max_deps),
    )


def _rev_id(i: int, prefix: str) -> str:
    return f"{prefix}{i:04x}"


@st.composite
def revision_graphs(
    draw: st.DrawFn,
    max_size: int = 30,
    min_size: int = 1,
    shape: GraphShape | None = None,
    shuffle: bool = True,
    max_deps: int = 2,
) -> list[Revision]:
    """Draw a valid revision history of ``min_size``..``max_size`` revisions.

    Args:
        draw: Supplied by hypothesis.
        max_size: Most revisions drawn.
        min_size: Fewest revisions drawn.
        shape: Fixed knobs; drawn at random when None.
        shuffle: Present the revisions in a random order (else parents come first).
        max_deps: Most ``depends_on`` entries per revision (see :func:`graph_shapes`).
    """
    knobs = shape if shape is not None else draw(graph_shapes(max_deps))
    n = draw(st.integers(min_size, max_size))
    ids = [_rev_id(i, draw(st.sampled_from(_PREFIXES))) for i in range(n)]
    revisions: list[Revision] = []
    labels: dict[str, str] = {}
    for i, rev in enumerate(ids):
        down = _parents(draw, ids[:i], knobs)
        deps = _dependencies(draw, ids[:i], down, labels, knobs)
        own: tuple[str, ...] = ()
        if draw(st.integers(0, 99)) < knobs.label:
            own = (f"lbl{i}",)
            labels[own[0]] = rev
        revisions.append(
            Revision(
                rev,
                down[0] if len(down) == 1 else (tuple(down) or None),
                own,
                deps[0] if len(deps) == 1 else (tuple(deps) or None),
            )
        )
    if shuffle:
        revisions = draw(st.permutations(revisions))
    return revisions


def _parents(draw: st.DrawFn, before: list[str], knobs: GraphShape) -> list[str]:
    if not before or draw(st.integers(0, 99)) < knobs.new_base:
        return []
    if draw(st.integers(0, 99)) < knobs.branch_from_old:
        first = draw(st.sampled_from(before))
    else:
        first = before[-1]
    down = [first]
    if len(before) > 1 and draw(st.integers(0, 99)) < knobs.merge:
        other = draw(st.sampled_from(before))
        if other != first:
            down.append(other)
    return down


def _dependencies(
    draw: st.DrawFn,
    before: list[str],
    down: list[str],
    labels: dict[str, str],
    knobs: GraphShape,
) -> list[str]:
    if not before or draw(st.integers(0, 99)) >= knobs.depends_on:
        return []
    picks = draw(
        st.lists(st.sampled_from(before), min_size=1, max_size=knobs.max_deps, unique=True)
    )
    deps = [p for p in picks if p not in down]
    by_owner = {owner: label for label, owner in labels.items()}
    # Sometimes name the dependency by its branch label, as Alembic allows.
    return [by_owner[d] if d in by_owner and draw(st.booleans()) else d for d in deps]
