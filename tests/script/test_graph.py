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


def _error(revisions: list[R]) -> Exception:
    with pytest.raises(Exception) as info:
        RevisionGraph(revisions)
    return info.value


def test_duplicate_revision_message_hint_exit_code() -> None:
    err = _error([R("a1", path="v/1.py"), R("a1", path="v/2.py")])
    assert isinstance(err, DuplicateRevisionError)
    assert err.message == "revision a1 is defined twice: v/1.py, v/2.py"
    assert "new revision id" in err.hint
    assert err.exit_code == 4


def test_missing_parent_message_hint_exit_code() -> None:
    err = _error([R("a1"), R("b2", "zz", path="v/b2.py")])
    assert isinstance(err, MissingParentError)
    assert err.message == "revision b2 (v/b2.py) refers to 'zz', which no script defines"
    assert err.hint == "restore the missing script or correct down_revision/depends_on"
    assert (err.revision, err.parent, err.exit_code) == ("b2", "zz", 4)
    dep = _error([R("a1"), R("b2", "a1", depends_on="nolabel")])
    assert isinstance(dep, MissingParentError) and dep.parent == "nolabel"


def test_cycle_names_the_revisions_in_it() -> None:
    err = _error([R("a1"), R("b2", ("a1", "d4")), R("c3", "b2"), R("d4", "c3"), R("e5", "d4")])
    assert isinstance(err, CycleError)
    assert set(err.revisions) == {"b2", "c3", "d4"}
    assert err.revisions[0] == err.revisions[-1]
    assert err.message.startswith("revision cycle: ")
    assert "down_revision" in err.hint
    assert err.exit_code == 4
    loop = _error([R("a1", "a1")])
    assert isinstance(loop, CycleError) and loop.revisions == ("a1", "a1")
    through_deps = _error([R("a1"), R("b2", "a1", depends_on="c3"), R("c3", "a1", depends_on="b2")])
    assert isinstance(through_deps, CycleError)
    assert set(through_deps.revisions) == {"b2", "c3"}


def test_duplicate_label_message_hint_exit_code() -> None:
    err = _error([R("a1", branch_labels=("x",)), R("b2", "a1", branch_labels=("x",))])
    assert isinstance(err, DuplicateBranchLabelError)
    assert err.message == "branch label 'x' is used by more than one revision: a1, b2"
    assert err.hint == "branch labels must be unique; rename one of them"
    assert err.exit_code == 4


def test_reserved_characters_message_hint_exit_code() -> None:
    for bad in ("a@b", "a-b", "a+b", "a:b"):
        err = _error([R("ok1"), R(bad, "ok1")])
        assert isinstance(err, InvalidRevisionIdError)
        assert err.message == f"revision id {bad!r} contains one of the reserved characters @ - + :"
        assert "letters, digits" in err.hint
        assert err.exit_code == 4


def test_dependencies_resolve_labels_and_heads_distinguish_them() -> None:
    g = RevisionGraph([R("a1", branch_labels=("lib",)), R("b2", None, depends_on="lib")])
    assert g.resolved_dependencies("b2") == ("a1",)
    assert g.heads == ("a1", "b2")  # a depends_on target is still a head ...
    assert g.real_heads == ("b2",)  # ... but not a real one (what "heads" resolves to)
    assert g.bases == ("a1", "b2") and g.real_bases == ("a1",)
    assert g.dependents("a1") == ("b2",) and g.children("a1") == ()


def test_empty_graph() -> None:
    g = RevisionGraph([])
    assert g.heads == () and g.bases == () and list(g.walk_revisions()) == []
    assert g.get_current_head() is None
    assert g.upgrade_revisions("heads", ()) == []
