"""The identifier grammar; every expectation was observed from Alembic 1.20 on this map."""

from __future__ import annotations

import pytest

from tidal.errors import (
    AmbiguousRevisionError,
    MultipleHeadsError,
    RangeNotAncestorError,
    ResolutionError,
    RevisionError,
)
from tidal.script.graph import RevisionGraph
from tidal.script.revision import Revision as R
from tidal.script.targets import RELATIVE, resolve_number, walk
from tidal.script.traversal import BASE

Expect = tuple[str | None, ...] | type[Exception]


@pytest.fixture(scope="module")
def graph() -> RevisionGraph:
    # a1a1 - b1b1 (x) - c1c1      dddd depends_on b2b2
    #      \ b2b2 - c2c2 (y)      abcd0 - abcd1
    return RevisionGraph(
        [
            R("a1a1"),
            R("b1b1", "a1a1", branch_labels=("x",)),
            R("b2b2", "a1a1"),
            R("c1c1", "b1b1"),
            R("c2c2", "b2b2", branch_labels=("y",)),
            R("dddd", None, depends_on="b2b2"),
            R("abcd0"),
            R("abcd1", "abcd0"),
        ]
    )


def resolve(graph: RevisionGraph, word: str) -> tuple[str | None, ...]:
    return tuple(None if r is None else r.revision for r in graph.get_revisions(word))


GET_REVISIONS: list[tuple[str, Expect]] = [
    ("a1a1", ("a1a1",)),
    ("a1a", ("a1a1",)),  # partial id
    ("b1", ("b1b1",)),
    ("x", ("b1b1",)),  # a branch label names the revision declaring it
    ("x@head", ("c1c1",)),
    ("y@head", ("c2c2",)),
    ("x@heads", ("c1c1",)),
    ("x@base", ()),
    ("x@c1c1", ("c1c1",)),
    ("x@c2c2", ResolutionError),  # not on branch x
    ("b1b1@c1c1", ("c1c1",)),  # rev@rev
    ("heads", ("c1c1", "c2c2", "dddd", "abcd1")),
    ("head", MultipleHeadsError),
    ("base", ()),
    ("-1", ("b1b1", "b2b2", None, "abcd0")),  # None: dddd walked down to base
    ("x@-1", ("b1b1",)),
    ("c1c1@-1", ()),
    ("abcd", AmbiguousRevisionError),
    ("abcd1", ("abcd1",)),
    ("zzzz", ResolutionError),
    ("zz", ResolutionError),
    ("x@zzzz", ResolutionError),
    ("q@head", ResolutionError),
    ("@head", MultipleHeadsError),
    ("a1a1@head", MultipleHeadsError),
    ("dddd@head", ("dddd",)),
]


@pytest.mark.parametrize(("word", "expected"), GET_REVISIONS)
def test_get_revisions(graph: RevisionGraph, word: str, expected: Expect) -> None:
    if isinstance(expected, tuple):
        assert resolve(graph, word) == expected
    else:
        with pytest.raises(expected):
            resolve(graph, word)


def test_get_revision_needs_one(graph: RevisionGraph) -> None:
    with pytest.raises(MultipleHeadsError) as info:
        graph.get_revision("heads")
    assert info.value.heads == ("c1c1", "c2c2", "dddd", "abcd1")
    assert "@head" in info.value.hint and "heads" in info.value.hint
    assert graph.get_revision("base") is None
    with pytest.raises(ResolutionError):
        graph.get_revision("-1")


def test_unknown_identifier_suggests(graph: RevisionGraph) -> None:
    with pytest.raises(ResolutionError) as info:
        graph.get_revision("a1a2")
    assert info.value.argument == "a1a2"
    assert info.value.hint == "did you mean 'a1a1'?"
    assert info.value.exit_code == 4
    with pytest.raises(ResolutionError) as short:
        graph.get_revision("zz")
    assert "four characters" in short.value.message


def test_ambiguous_lists_candidates(graph: RevisionGraph) -> None:
    with pytest.raises(AmbiguousRevisionError) as info:
        graph.get_revision("abcd")
    assert info.value.candidates == ("abcd0", "abcd1")
    assert "abcd0, abcd1" in info.value.message


def test_current_head(graph: RevisionGraph) -> None:
    assert graph.get_current_head("x") == "c1c1"
    with pytest.raises(MultipleHeadsError) as info:
        graph.get_current_head()
    assert info.value.argument == "head"


UPGRADES: list[tuple[str, tuple[str, ...], Expect]] = [
    ("+1", ("c1c1",), RevisionError),
    ("x@+1", (), ("a1a1",)),
    ("y@+2", ("a1a1",), ("b2b2", "c2c2")),
    ("c1c1-1", (), ("a1a1", "b1b1")),
    ("heads-1", (), MultipleHeadsError),
    ("x@head-1", (), ("a1a1", "b1b1")),
    ("a1a1+2", (), RevisionError),  # ambiguous walk
    ("+1", (), RevisionError),
    ("-1", (), RevisionError),
    ("b1b1", ("c2c2",), ("b1b1",)),
]

DOWNGRADES: list[tuple[str, tuple[str, ...], Expect]] = [
    ("+1", ("c1c1",), RevisionError),
    ("c1c1-1", (), RangeNotAncestorError),
    ("b1b1", ("c2c2",), RangeNotAncestorError),
    ("-1", (), RevisionError),
    ("base", ("c1c1", "c2c2"), ("c1c1", "b1b1", "c2c2", "b2b2", "a1a1")),
    ("x@-1", ("c1c1", "c2c2"), ("c1c1",)),
    ("a1a1", ("c1c1", "c2c2"), ("c1c1", "b1b1", "c2c2", "b2b2")),
]


@pytest.mark.parametrize(("dest", "current", "expected"), UPGRADES)
def test_upgrade_destinations(
    graph: RevisionGraph, dest: str, current: tuple[str, ...], expected: Expect
) -> None:
    if isinstance(expected, tuple):
        assert tuple(r.revision for r in graph.upgrade_revisions(dest, current)) == expected
    else:
        with pytest.raises(expected):
            graph.upgrade_revisions(dest, current)


@pytest.mark.parametrize(("dest", "current", "expected"), DOWNGRADES)
def test_downgrade_destinations(
    graph: RevisionGraph, dest: str, current: tuple[str, ...], expected: Expect
) -> None:
    if isinstance(expected, tuple):
        assert tuple(r.revision for r in graph.downgrade_revisions(dest, current)) == expected
    else:
        with pytest.raises(expected):
            graph.downgrade_revisions(dest, current)


def test_relative_pattern_and_walk(graph: RevisionGraph) -> None:
    match = RELATIVE.match("x@c1c1+2")
    assert match is not None and match.groups() == ("x", "c1c1", "+2")
    assert resolve_number(graph.index, "x@head") == (("c1c1",), "x")
    assert walk(graph.index, "a1a1", -1) is BASE
    assert walk(graph.index, "a1a1", -2) is None
    assert walk(graph.index, "a1a1", -2, no_overwalk=False) is BASE
    assert walk(graph.index, "b1b1", 1) == "c1c1"
