"""RevisionGraph: construction, validation errors, heads/bases and relations."""

from __future__ import annotations

import pytest

from tidal.errors import (
    CycleError,
    DuplicateBranchLabelError,
    DuplicateRevisionError,
    InvalidRevisionIdError,
    MissingParentError,
)
from tidal.script.graph import RevisionGraph
from tidal.script.revision import Revision as R


def ids(revs: object) -> list[str]:
    return [r.revision for r in revs]  # type: ignore[attr-defined]


def diamond() -> RevisionGraph:
    return RevisionGraph(
        [R("a1"), R("b2", "a1", branch_labels=("x",)), R("c3", "a1"), R("d4", ("b2", "c3"))]
    )


def test_heads_bases_and_relations() -> None:
    g = diamond()
    assert g.heads == ("d4",)
    assert g.bases == ("a1",)
    assert g.children("a1") == ("b2", "c3")
    assert g.is_branch_point("a1") and g.is_merge_point("d4")
    assert g.is_head("d4") and g.is_base("a1")
    assert g.branch_labels_of("b2") == {"x"}
    assert ids(g.walk_revisions()) == ["d4", "b2", "c3", "a1"]


def test_upgrade_and_downgrade_orders() -> None:
    g = diamond()
    assert ids(g.upgrade_revisions("heads", ())) == ["a1", "c3", "b2", "d4"]
    assert ids(g.downgrade_revisions("base", ("d4",))) == ["d4", "b2", "c3", "a1"]


@pytest.mark.parametrize(
    ("revisions", "error"),
    [
        ([R("a"), R("a")], DuplicateRevisionError),
        ([R("a"), R("b", "zz")], MissingParentError),
        ([R("a"), R("b", "a", depends_on="zz")], MissingParentError),
        (
            [R("a", branch_labels=("x",)), R("b", "a", branch_labels=("x",))],
            DuplicateBranchLabelError,
        ),
        ([R("a"), R("b", "a", branch_labels=("a",))], DuplicateBranchLabelError),
        ([R("a-b")], InvalidRevisionIdError),
        ([R("a:b")], InvalidRevisionIdError),
        ([R("a", "a")], CycleError),
        ([R("a"), R("b", ("a", "c")), R("c", "b")], CycleError),
    ],
)
def test_validation_errors(revisions: list[R], error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        RevisionGraph(revisions)
    assert getattr(info.value, "exit_code", None) == 4
