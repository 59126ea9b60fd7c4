"""Differential: RevisionGraph against Alembic 1.20's in-memory RevisionMap.

The same hypothesis-drawn histories are built with both; every query must give the
same revisions in the same order, or fail in both (Tidal with a TidalError).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

import pytest
from alembic.script.revision import Revision as ARev
from alembic.script.revision import RevisionMap
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import revision_graphs

from tidal.errors import (
    MultipleHeadsError,
    RangeNotAncestorError,
    ResolutionError,
    RevisionError,
    TidalError,
)
from tidal.script.graph import RevisionGraph
from tidal.script.revision import Revision

pytestmark = pytest.mark.differential


class Failure:
    """A failed call, by the kind of error the caller (ScriptDirectory) tells apart.

    Alembic's ``_catch_revision_errors`` words its message by the error's class, so
    Tidal must raise the matching class; Alembic's crashes (AssertionError,
    KeyError) match any RevisionError of ours.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Failure):
            return NotImplemented
        return "any" in (self.kind, other.kind) or self.kind == other.kind

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"<fails: {self.kind}>"


FAIL = Failure("any")


def _alembic_kind(exc: Exception) -> str:
    from alembic.script import revision as arev

    for cls, kind in (
        (arev.MultipleHeads, "multiple heads"),
        (arev.RangeNotAncestorError, "not an ancestor"),
        (arev.ResolutionError, "resolution"),
        (arev.RevisionError, "revision"),
    ):
        if isinstance(exc, cls):
            return kind
    return "any"


def _tidal_kind(exc: TidalError) -> str:
    for cls, kind in (
        (MultipleHeadsError, "multiple heads"),
        (RangeNotAncestorError, "not an ancestor"),
        (ResolutionError, "resolution"),
        (RevisionError, "revision"),
    ):
        if isinstance(exc, cls):
            return kind
    return type(exc).__name__


def alembic_map(revisions: Sequence[Revision]) -> RevisionMap:
    arevs = [
        ARev(
            r.revision,
            r.down_revision,
            branch_labels=r.branch_labels or None,
            dependencies=r.depends_on,
        )
        for r in revisions
    ]
    rmap = RevisionMap(lambda: arevs)
    rmap.heads  # noqa: B018 - build the map now
    return rmap


def alembic_walk(rmap: RevisionMap, base: str, head: str) -> list[Any]:
    """What ``ScriptDirectory.walk_revisions(base, head)`` yields."""
    return list(rmap.iterate_revisions(head, base, inclusive=True, assert_relative_length=False))


def tidal_walk(graph: RevisionGraph, base: str, head: str) -> list[Revision]:
    """``RevisionGraph.walk_revisions(base, head)``, listed."""
    return list(graph.walk_revisions(base, head))


def alembic_upgrade(rmap: RevisionMap, dest: str, heads: tuple[str, ...]) -> list[Any]:
    """What ``ScriptDirectory._upgrade_revs`` runs, in running order."""
    return list(reversed(list(rmap.iterate_revisions(dest, heads, implicit_base=True))))


def alembic_downgrade(rmap: RevisionMap, dest: str, heads: tuple[str, ...]) -> list[Any]:
    """What ``ScriptDirectory._downgrade_revs`` runs, in running order."""
    return list(rmap.iterate_revisions(heads, dest, select_for_downgrade=True))


def _norm(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return [_norm(v) for v in value]
    return value.revision


def run_alembic(fn: Callable[[], Any]) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _norm(fn())
    except Exception as exc:
        return Failure(_alembic_kind(exc))


def run_tidal(fn: Callable[[], Any]) -> Any:
    try:
        return _norm(fn())
    except TidalError as exc:
        return Failure(_tidal_kind(exc))


def both(
    rmap: RevisionMap, graph: RevisionGraph, method: str, *args: Any, **kwargs: Any
) -> tuple[Any, Any]:
    """Call ``method`` on both; iterators are listed so their failures count."""

    def call(obj: Any) -> Any:
        result = getattr(obj, method)(*args, **kwargs)
        return list(result) if isinstance(result, Iterator) else result

    return run_alembic(lambda: call(rmap)), run_tidal(lambda: call(graph))


def _base_to_none(value: Any) -> Any:
    # Alembic returns the string "base" for a walk that went below a base; we None.
    if isinstance(value, list):
        return [None if v == "base" else v for v in value]
    return value


def identifiers(revisions: Sequence[Revision], data: st.DataObject) -> list[str]:
    ids = [r.revision for r in revisions]
    labels = [lab for r in revisions for lab in r.branch_labels]
    words = ["head", "heads", "base", "-1", "-2", "zzzz", "", "abc", "ab", "f00d"]
    for _ in range(6):
        rev = data.draw(st.sampled_from(ids))
        cut = data.draw(st.integers(1, len(rev)))
        words += [rev, rev[:cut], f"{rev}@head", f"{rev}@heads", f"{rev}@base", f"{rev}@-1"]
        other = data.draw(st.sampled_from(ids))
        words.append(f"{other}@{rev}")
    for label in labels[:4]:
        rev = data.draw(st.sampled_from(ids))
        words += [label, f"{label}@head", f"{label}@heads", f"{label}@base", f"{label}@{rev}"]
        words += [f"{label}@-1", f"{label}@-2"]
    return words


def destinations(revisions: Sequence[Revision], data: st.DataObject) -> list[str]:
    ids = [r.revision for r in revisions]
    labels = [lab for r in revisions for lab in r.branch_labels]
    words = ["head", "heads", "base", "+1", "+2", "-1", "-2", "head-1", "heads-1", "+0"]
    for _ in range(4):
        rev = data.draw(st.sampled_from(ids))
        words += [rev, f"{rev}+1", f"{rev}-1", f"{rev}+2", f"{rev}-2", f"{rev}@head"]
    for label in labels[:3]:
        rev = data.draw(st.sampled_from(ids))
        words += [f"{label}@head", f"{label}@base", f"{label}@+1", f"{label}@-1", label]
        words += [f"{label}@{rev}", f"{label}@{rev}+1", f"{label}@head-1", f"{label}@+2"]
    return words


def current_heads(graph: RevisionGraph, data: st.DataObject) -> tuple[str, ...]:
    """Draw a plausible database state: the branch tips of an applied, closed set."""
    ids = list(graph.index.order)
    picked = data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    applied = graph.ancestors(picked)
    return tuple(r for r in ids if r in applied and not set(graph.children(r)) & applied)


@given(revisions=revision_graphs(max_deps=1, max_size=40))
def test_heads_bases_labels_walk(revisions: list[Revision]) -> None:
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    assert graph.heads == rmap.heads
    assert graph.bases == rmap.bases
    assert graph.real_heads == rmap._real_heads
    assert graph.real_bases == rmap._real_bases
    for r in revisions:
        arev = rmap.get_revision(r.revision)
        assert arev is not None
        assert graph.branch_labels_of(r.revision) == arev.branch_labels, r.revision
        assert set(graph.children(r.revision)) == set(arev.nextrev)
        assert graph.resolved_dependencies(r.revision) == arev._resolved_dependencies
        # Alembic orders normalized dependencies by set iteration; compare as sets.
        assert set(graph.index.norm_deps[r.revision]) == set(arev._normalized_resolved_dependencies)
    walked = [r.revision for r in graph.walk_revisions()]
    assert walked == [r.revision for r in rmap.iterate_revisions("heads", "base", inclusive=True)]


@given(revisions=revision_graphs(max_deps=1, max_size=30), data=st.data())
def test_get_revisions_every_form(revisions: list[Revision], data: st.DataObject) -> None:
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    for word in identifiers(revisions, data):
        a, t = both(rmap, graph, "get_revisions", word)
        assert _base_to_none(a) == t, word
        a, t = both(rmap, graph, "get_revision", word)
        assert a == t, word
    for label in [lab for r in revisions for lab in r.branch_labels][:3] + [None]:
        a, t = both(rmap, graph, "get_current_head", label)
        assert a == t, label


@given(revisions=revision_graphs(max_deps=1, max_size=30), data=st.data())
def test_iterate_revisions(revisions: list[Revision], data: st.DataObject) -> None:
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    words = destinations(revisions, data)
    for _ in range(12):
        upper = data.draw(st.sampled_from(words))
        lower = data.draw(st.sampled_from(words))
        flags = {
            "implicit_base": data.draw(st.booleans()),
            "inclusive": data.draw(st.booleans()),
            "assert_relative_length": data.draw(st.booleans()),
            "select_for_downgrade": data.draw(st.booleans()),
        }
        a, t = both(rmap, graph, "iterate_revisions", upper, lower, **flags)
        assert a == t, (upper, lower, flags)


@given(revisions=revision_graphs(max_deps=1, max_size=30), data=st.data())
def test_iterate_related_pairs(revisions: list[Revision], data: st.DataObject) -> None:
    """Upper and lower on one line of descent: the ranges `history -r` and --sql use."""
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    ids = [r.revision for r in revisions]
    for _ in range(10):
        upper = data.draw(st.sampled_from(ids))
        below = sorted(graph.ancestors([upper], include_dependencies=False))
        lower = data.draw(st.sampled_from([*below, "base"]))
        for inclusive in (False, True):
            for downgrade in (False, True):
                args = (upper, lower) if not downgrade else ((upper,), lower)
                a, t = both(
                    rmap,
                    graph,
                    "iterate_revisions",
                    *args,
                    inclusive=inclusive,
                    select_for_downgrade=downgrade,
                )
                assert a == t, (upper, lower, inclusive, downgrade)


@given(revisions=revision_graphs(max_deps=1, max_size=30), data=st.data())
def test_walk_ranges(revisions: list[Revision], data: st.DataObject) -> None:
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    words = destinations(revisions, data) + [r.revision for r in revisions]
    for _ in range(8):
        base = data.draw(st.sampled_from(words))
        head = data.draw(st.sampled_from(words))
        a = run_alembic(partial(alembic_walk, rmap, base, head))
        t = run_tidal(partial(tidal_walk, graph, base, head))
        assert a == t, (base, head)


@settings(max_examples=10)
@given(revisions=revision_graphs(max_deps=1, min_size=100, max_size=300))
def test_large_graphs(revisions: list[Revision]) -> None:
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    assert graph.heads == rmap.heads
    assert graph.bases == rmap.bases
    walked = _norm(list(graph.walk_revisions()))
    assert walked == _norm(alembic_walk(rmap, "base", "heads"))
    heads = rmap.heads
    down = _norm(graph.downgrade_revisions("base", heads))
    assert down == _norm(alembic_downgrade(rmap, "base", heads))
    up = _norm(graph.upgrade_revisions("heads", ()))
    assert up == _norm(alembic_upgrade(rmap, "heads", ()))


@given(revisions=revision_graphs(max_deps=1, max_size=30), data=st.data())
def test_upgrade_and_downgrade_orders(revisions: list[Revision], data: st.DataObject) -> None:
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    words = destinations(revisions, data)
    for _ in range(10):
        heads = current_heads(graph, data)
        dest = data.draw(st.sampled_from(words))
        a = run_alembic(partial(alembic_upgrade, rmap, dest, heads))
        t = run_tidal(partial(graph.upgrade_revisions, dest, heads))
        assert a == t, ("upgrade", dest, heads)
        a = run_alembic(partial(alembic_downgrade, rmap, dest, heads))
        t = run_tidal(partial(graph.downgrade_revisions, dest, heads))
        assert a == t, ("downgrade", dest, heads)


@given(revisions=revision_graphs(max_deps=1, max_size=25), data=st.data())
def test_filter_for_lineage(revisions: list[Revision], data: st.DataObject) -> None:
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    ids = [r.revision for r in revisions]
    targets = data.draw(st.lists(st.sampled_from(ids), max_size=5, unique=True))
    for check in identifiers(revisions, data)[:12]:
        for deps in (False, True):
            a, t = both(rmap, graph, "filter_for_lineage", targets, check, deps)
            assert a == t, (targets, check, deps)


def _as_set(value: Any) -> Any:
    return value if isinstance(value, Failure) else sorted(value)


@given(revisions=revision_graphs(max_size=30), data=st.data())
def test_several_dependencies_same_revisions(
    revisions: list[Revision], data: st.DataObject
) -> None:
    """With two or more depends_on per revision Alembic's order follows set iteration
    (it changes with PYTHONHASHSEED); ours is the declared order. The revisions chosen,
    and whether the call fails, must still agree."""
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    assert graph.heads == rmap.heads
    assert graph.bases == rmap.bases
    words = destinations(revisions, data)
    for _ in range(6):
        heads = current_heads(graph, data)
        dest = data.draw(st.sampled_from(words))
        a = run_alembic(partial(alembic_upgrade, rmap, dest, heads))
        t = run_tidal(partial(graph.upgrade_revisions, dest, heads))
        assert _as_set(a) == _as_set(t), ("upgrade", dest, heads)
        a = run_alembic(partial(alembic_downgrade, rmap, dest, heads))
        t = run_tidal(partial(graph.downgrade_revisions, dest, heads))
        assert _as_set(a) == _as_set(t), ("downgrade", dest, heads)


@given(revisions=revision_graphs(max_deps=1, max_size=30), data=st.data())
def test_offline_range_starts(revisions: list[Revision], data: st.DataObject) -> None:
    """`upgrade --sql start:end` passes the start as a string, not as version rows."""
    rmap = alembic_map(revisions)
    graph = RevisionGraph(revisions)
    words = destinations(revisions, data)
    starts = identifiers(revisions, data)
    for _ in range(8):
        start = data.draw(st.sampled_from(starts))
        dest = data.draw(st.sampled_from(words))
        a = run_alembic(partial(alembic_upgrade_from, rmap, dest, start))
        t = run_tidal(partial(graph.upgrade_revisions, dest, start))
        assert a == t, ("upgrade", start, dest)
        a = run_alembic(partial(alembic_downgrade_from, rmap, dest, start))
        t = run_tidal(partial(graph.downgrade_revisions, dest, start))
        assert a == t, ("downgrade", start, dest)


def alembic_upgrade_from(rmap: RevisionMap, dest: str, start: str) -> list[Any]:
    return list(reversed(list(rmap.iterate_revisions(dest, start, implicit_base=True))))


def alembic_downgrade_from(rmap: RevisionMap, dest: str, start: str) -> list[Any]:
    return list(rmap.iterate_revisions(start, dest, select_for_downgrade=True))


SHORT_IDS = [
    Revision("a"),
    Revision("b", "a", ("lb",)),
    Revision("abc", "b"),
    Revision("abcd", "abc"),
    Revision("abcde", "abcd", ("abcdlabel",)),
    Revision("c", "a"),
]


@pytest.mark.parametrize(
    "word",
    ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdl", "lb", "lb@head", "b@a", "c@b", "l"],
)
def test_short_ids_and_label_prefixes(word: str) -> None:
    """Prefixes match only names longer than three characters, labels included."""
    rmap = alembic_map(SHORT_IDS)
    graph = RevisionGraph(SHORT_IDS)
    a, t = both(rmap, graph, "get_revisions", word)
    assert _base_to_none(a) == t


def _alembic_outcome(revisions: Sequence[Revision]) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            alembic_map(revisions)
        except Exception as exc:
            return f"fails: {type(exc).__name__}"
    return "warns" if caught else "ok"


INVALID: list[tuple[str, list[Revision], str, str, str]] = [
    # (case, revisions, Alembic's outcome, our message, our hint)
    (
        "duplicate id",
        [Revision("a1"), Revision("a1")],
        "warns",  # Alembic keeps the later script; we refuse (see graph.py)
        "revision a1 is defined twice: <in memory>, <in memory>",
        "give one of the scripts a new revision id (and fix its children's down_revision)",
    ),
    (
        "missing down_revision",
        [Revision("a1"), Revision("b2", "zz")],
        "fails: KeyError",
        "revision b2 refers to 'zz', which no script defines",
        "restore the missing script or correct down_revision/depends_on",
    ),
    (
        "missing depends_on",
        [Revision("a1"), Revision("b2", "a1", depends_on="zz")],
        "fails: KeyError",
        "revision b2 refers to 'zz', which no script defines",
        "restore the missing script or correct down_revision/depends_on",
    ),
    (
        "cycle",
        [Revision("a1"), Revision("b2", "a1"), Revision("c3", "d4"), Revision("d4", "c3")],
        "fails: CycleDetected",
        "revision cycle: c3 -> d4 -> c3",
        "edit down_revision in one of these scripts so the history has no loop",
    ),
    (
        "self loop",
        [Revision("a1", "a1")],
        "fails: LoopDetected",
        "revision cycle: a1 -> a1",
        "edit down_revision in one of these scripts so the history has no loop",
    ),
    (
        "dependency cycle",
        [
            Revision("a1"),
            Revision("b2", "a1", depends_on="c3"),
            Revision("c3", "a1", depends_on="b2"),
        ],
        "fails: DependencyCycleDetected",
        "revision cycle: b2 -> c3 -> b2",
        "edit down_revision in one of these scripts so the history has no loop",
    ),
    (
        "duplicate branch label",
        [Revision("a1", branch_labels=("x",)), Revision("b2", "a1", branch_labels=("x",))],
        "fails: RevisionError",
        "branch label 'x' is used by more than one revision: a1, b2",
        "branch labels must be unique; rename one of them",
    ),
    (
        "reserved character",
        [Revision("a:1")],
        "fails: RevisionError",
        "revision id 'a:1' contains one of the reserved characters @ - + :",
        "use letters, digits and underscores only in revision ids",
    ),
]


@pytest.mark.parametrize(
    ("revisions", "alembic", "message", "hint"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_validation_errors_against_alembic(
    revisions: list[Revision], alembic: str, message: str, hint: str
) -> None:
    assert _alembic_outcome(revisions) == alembic
    with pytest.raises(TidalError) as info:
        RevisionGraph(revisions)
    assert info.value.message == message
    assert info.value.hint == hint
    assert info.value.exit_code == 4


def test_a_cycle_alembic_misses_is_still_refused() -> None:
    # b2 -> c3 -> b2 hangs between a base and a head, which Alembic's check accepts.
    revisions = [
        Revision("a1"),
        Revision("b2", ("a1", "c3")),
        Revision("c3", "b2"),
        Revision("d4", "c3"),
    ]
    assert _alembic_outcome(revisions) == "ok"
    with pytest.raises(TidalError) as info:
        RevisionGraph(revisions)
    assert info.value.message in (
        "revision cycle: b2 -> c3 -> b2",
        "revision cycle: c3 -> b2 -> c3",
    )
