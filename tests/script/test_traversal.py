"""Traversal: relations, Alembic's topological order, and path properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import revision_graphs

from tidal.errors import RevisionError
from tidal.script.graph import RevisionGraph
from tidal.script.revision import Revision as R
from tidal.script.traversal import (
    ancestors,
    dedupe,
    descendants,
    inherit_labels,
    related,
    topological_sort,
)


def ids(revs: object) -> list[str]:
    return [r.revision for r in revs]  # type: ignore[attr-defined]


def branchy() -> RevisionGraph:
    # a1 - b1 - c1        (label "x" on b1)
    #    \ b2 - c2 - m  (m merges c1 and c2)
    #    d (depends on b2, own base)
    return RevisionGraph(
        [
            R("a1a1"),
            R("b1b1", "a1a1", branch_labels=("x",)),
            R("b2b2", "a1a1"),
            R("c1c1", "b1b1"),
            R("c2c2", "b2b2"),
            R("mmmm", ("c1c1", "c2c2")),
            R("dddd", None, depends_on="b2b2"),
        ]
    )


def test_related_and_overlap_check() -> None:
    edges = {"a": (), "b": ("a",), "c": ("b",)}
    assert related(edges, ["c"]) == ["c", "b", "a"]
    with pytest.raises(RevisionError) as info:
        related(edges, ["a", "c"], check=True)
    assert "overlaps" in info.value.message


def test_ancestors_descendants_with_and_without_dependencies() -> None:
    g = branchy()
    assert set(ancestors(g.index, ["dddd"])) == {"dddd", "b2b2", "a1a1"}
    assert set(ancestors(g.index, ["dddd"], include_dependencies=False)) == {"dddd"}
    assert set(descendants(g.index, ["b2b2"])) == {"b2b2", "c2c2", "mmmm", "dddd"}
    assert set(descendants(g.index, ["b2b2"], include_dependencies=False)) == {
        "b2b2",
        "c2c2",
        "mmmm",
    }
    assert g.ancestors(["c1c1"]) == {"c1c1", "b1b1", "a1a1"}


def test_labels_spread_up_and_down_to_the_branch_point() -> None:
    g = branchy()
    labels = inherit_labels(g.index)
    assert labels["c1c1"] == {"x"} and labels["mmmm"] == {"x"}
    assert labels["a1a1"] == frozenset()  # a1 is a branch point: the spread stops
    chain = RevisionGraph([R("a"), R("b", "a", branch_labels=("y",)), R("c", "b")])
    assert chain.branch_labels_of("a") == {"y"}  # a plain chain: the base gets it too


def test_topological_order_follows_one_line_then_the_next() -> None:
    g = branchy()
    order = topological_sort(g.index, set(g.index.order), g.index.heads)
    # Observed from Alembic 1.20 on the same map.
    assert order == ["mmmm", "c1c1", "b1b1", "dddd", "c2c2", "b2b2", "a1a1"]
    assert ids(g.walk_revisions()) == order


def test_dedupe_keeps_first() -> None:
    assert dedupe(["a", "b", "a"]) == ("a", "b")


def _parents_first(graph: RevisionGraph, order: list[str]) -> bool:
    seen: set[str] = set()
    for rev in order:
        if any(p not in seen for p in graph.down_revisions(rev, include_dependencies=True)):
            return False
        seen.add(rev)
    return True


def _tips(graph: RevisionGraph, applied: set[str]) -> set[str]:
    return {r for r in applied if not set(graph.children(r)) & applied}


@given(revisions=revision_graphs(max_size=60))
def test_full_upgrade_respects_every_edge_and_reaches_the_heads(revisions: list[R]) -> None:
    graph = RevisionGraph(revisions)
    order = ids(graph.upgrade_revisions("heads", ()))
    assert sorted(order) == sorted(graph.index.order)
    assert _parents_first(graph, order)
    assert _tips(graph, set(order)) == set(graph.heads)


@given(revisions=revision_graphs(max_size=40), data=st.data())
def test_upgrade_to_a_revision_then_downgrade_to_base(
    revisions: list[R], data: st.DataObject
) -> None:
    graph = RevisionGraph(revisions)
    target = data.draw(st.sampled_from(sorted(graph.index.order)))
    up = ids(graph.upgrade_revisions(target, ()))
    assert set(up) == graph.ancestors([target])
    assert _parents_first(graph, up)
    heads = tuple(r for r in graph.index.order if r in _tips(graph, set(up)))
    down = ids(graph.downgrade_revisions("base", heads))
    assert set(down) == set(up)
    # Dropping runs children first: reversed, it is a valid upgrade order.
    assert _parents_first(graph, list(reversed(down)))


@given(revisions=revision_graphs(max_size=40), data=st.data())
def test_upgrade_then_downgrade_restores_the_heads(revisions: list[R], data: st.DataObject) -> None:
    graph = RevisionGraph(revisions)
    ordered = list(graph.index.order)
    start = data.draw(st.sampled_from(ordered))
    applied = set(graph.ancestors([start], include_dependencies=True))
    before = tuple(r for r in ordered if r in _tips(graph, applied))
    try:
        steps = ids(graph.upgrade_revisions("+1", before))
    except RevisionError:
        return  # several heads or no child: Alembic refuses "+1" too
    if len(steps) != 1:
        # Alembic's downgrade to `start` drops only what sits on `start`, so a
        # multi-step upgrade (parents pulled in) is not undone by it.
        return
    after_up = applied | set(steps)
    heads_up = tuple(r for r in ordered if r in _tips(graph, after_up))
    back = ids(graph.downgrade_revisions(start, heads_up))
    assert set(back) == set(steps)
    assert _tips(graph, after_up - set(back)) == set(before)


@given(revisions=revision_graphs(max_size=60), data=st.data())
def test_bitset_sort_matches_the_set_sort(revisions: list[R], data: st.DataObject) -> None:
    from tidal.script.traversal import _convex, _sort_with_bitsets, _sort_with_sets

    graph = RevisionGraph(revisions)
    index = graph.index
    ordered = list(index.order)
    tops = data.draw(st.lists(st.sampled_from(ordered), min_size=1, max_size=3, unique=True))
    lows = data.draw(st.lists(st.sampled_from(ordered), max_size=2, unique=True))
    todo = set(graph.ancestors(tops)) - set(graph.ancestors(lows) if lows else ())
    if data.draw(st.booleans()):
        todo = {r for r in todo if data.draw(st.booleans())} or todo
    heads = data.draw(st.permutations(tops))
    try:
        slow: list[str] | type[Exception] = _sort_with_sets(index, set(todo), heads)
    except RevisionError:
        slow = RevisionError
    if not _convex(index, set(todo)):
        return
    try:
        fast: list[str] | type[Exception] = _sort_with_bitsets(index, set(todo), heads)
    except RevisionError:
        fast = RevisionError
    assert fast == slow
