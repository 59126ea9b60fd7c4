"""Pure planning: the version-row algebra of upgrade, downgrade and stamp steps."""

from __future__ import annotations

from hypothesis import given
from tests.strategies import revision_graphs

from tidal.runtime.plan import (
    Delete,
    Insert,
    Step,
    StepRevision,
    Update,
    apply_changes,
    plan_changes,
    stamp_steps,
    step_changes,
)
from tidal.runtime.steps import StepSource
from tidal.script.graph import RevisionGraph
from tidal.script.revision import Revision

# a - b - c (merge of b and x) ; x is a second base
PARENTS = {"a": (), "b": ("a",), "x": (), "c": ("b", "x")}


def _anc(ids: object) -> set[str]:
    out: set[str] = set()
    todo = list(ids)  # type: ignore[call-overload]
    while todo:
        rev = todo.pop()
        if rev not in out:
            out.add(rev)
            todo.extend(PARENTS[rev])
    return out


def _rev(rid: str) -> StepRevision:
    return StepRevision(rid, PARENTS[rid], PARENTS[rid], f"doc {rid}")


def test_linear_upgrade_inserts_then_updates() -> None:
    steps = [Step.upgrade(_rev("a")), Step.upgrade(_rev("b"))]
    planned = plan_changes(steps, [], _anc)
    assert [c for _, c, _ in planned] == [(Insert("a"),), (Update("a", "b"),)]
    assert planned[-1][2] == ("b",)


def test_merge_deletes_one_parent_and_updates_the_other() -> None:
    changes = step_changes(Step.upgrade(_rev("c")), ["b", "x"], _anc)
    assert changes == (Delete("b"), Update("x", "c"))
    assert apply_changes(["b", "x"], changes) == ("c",)


def test_merge_with_one_parent_present_updates_it() -> None:
    assert step_changes(Step.upgrade(_rev("c")), ["b"], _anc) == (Update("b", "c"),)


def test_unmerge_inserts_parents() -> None:
    changes = step_changes(Step.downgrade(_rev("c")), ["c"], _anc)
    assert changes == (Insert("b"), Update("c", "x"))


def test_downgrade_to_base_deletes() -> None:
    assert step_changes(Step.downgrade(_rev("a")), ["a"], _anc) == (Delete("a"),)


def test_downgrade_to_parent_implied_by_other_head_deletes() -> None:
    # heads b and a's other child: downgrading b to a, while another head still implies a
    parents = {"a": (), "b": ("a",), "d": ("a",)}
    anc = lambda ids: {i for i in ids} | ({"a"} if set(ids) & {"b", "d"} else set())  # noqa: E731
    step = Step.downgrade(StepRevision("b", parents["b"], parents["b"]))
    assert step_changes(step, ["b", "d"], anc) == (Delete("b"),)


def test_log_lines_match_alembic() -> None:
    assert str(Step.upgrade(_rev("a"))) == "upgrade  -> a, doc a"
    assert Step.downgrade(_rev("c")).short_log == "downgrade c -> b, x"


def test_stamp_steps() -> None:
    desc = {"a": {"a", "b", "c"}, "b": {"b", "c"}, "c": {"c"}, "x": {"x", "c"}}
    descendancy = lambda ids: set().union(*(desc[i] for i in ids))  # noqa: E731
    up = stamp_steps(["c"], ["b"], _anc, descendancy)
    assert [str(s) for s in up] == ["stamp_revision b -> c"]
    assert step_changes(up[0], ["b"], _anc) == (Update("b", "c"),)
    new_branch = stamp_steps(["x"], [], _anc, descendancy)
    assert step_changes(new_branch[0], [], _anc) == (Insert("x"),)
    to_base = stamp_steps([None], ["c"], _anc, descendancy)
    assert step_changes(to_base[0], ["c"], _anc) == (Delete("c"),)
    assert stamp_steps(["c"], ["c"], _anc, descendancy) == []


class _Graphs:
    def __init__(self, revisions: list[Revision]) -> None:
        self.graph = RevisionGraph(revisions)


def _minimal(graph: RevisionGraph, ids: set[str]) -> set[str]:
    return {h for h in ids if not any(h in graph.ancestors([o]) for o in ids - {h})}


@given(revision_graphs(max_size=14))
def test_upgrade_heads_then_downgrade_base(revisions: list[Revision]) -> None:
    source = StepSource(_Graphs(revisions))
    graph = source.graph
    heads: tuple[str, ...] = ()
    up = source.upgrade("heads", heads)
    for step in up:
        heads = apply_changes(heads, step_changes(step.step, heads, source.ancestry))
    assert len(set(heads)) == len(heads)
    assert set(heads) == _minimal(graph, set(graph.heads))
    down = source.downgrade("base", heads)
    for step in down:
        heads = apply_changes(heads, step_changes(step.step, heads, source.ancestry))
    assert heads == ()
    assert sorted(s.step.revision or "" for s in up) == sorted(r.revision for r in revisions)
