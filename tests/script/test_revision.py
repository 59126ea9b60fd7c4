"""tidal.script.revision.Revision: an immutable value, equal by everything but its docstring."""

from __future__ import annotations

import copy
import pickle

import pytest

from tidal.script.revision import Revision


def test_defaults_and_keywords() -> None:
    rev = Revision("b", down_revision="a")
    assert (rev.revision, rev.down_revision, rev.branch_labels) == ("b", "a", ())
    assert (rev.depends_on, rev.path, rev.longdoc) == (None, None, "")
    assert Revision("b", "a", (), None, None, "") == rev


def test_equal_and_hashed_by_all_but_the_docstring() -> None:
    one = Revision("b", "a", ("x",), "c", "/p/b.py", "first")
    two = Revision("b", "a", ("x",), "c", "/p/b.py", "second")
    assert one == two and hash(one) == hash(two)
    assert len({one, two}) == 1
    assert one != Revision("b", "a", ("x",), "c", "/q/b.py", "first")
    assert one != Revision("b", None, ("x",), "c", "/p/b.py", "first")
    assert one != ("b", "a", ("x",), "c", "/p/b.py")


@pytest.mark.parametrize("field", ["revision", "longdoc", "other"])
def test_immutable(field: str) -> None:
    rev = Revision("a")
    with pytest.raises(AttributeError, match="immutable"):
        setattr(rev, field, "x")
    with pytest.raises(AttributeError, match="immutable"):
        delattr(rev, "revision")
    assert rev.revision == "a"


def test_repr_names_every_field() -> None:
    assert repr(Revision("b", ("a", "c"), path="/p")) == (
        "Revision(revision='b', down_revision=('a', 'c'), branch_labels=(), "
        "depends_on=None, path='/p', longdoc='')"
    )


def test_copies_and_pickles() -> None:
    rev = Revision("b", "a", ("x",), None, "/p/b.py", "doc")
    for clone in (copy.copy(rev), copy.deepcopy(rev), pickle.loads(pickle.dumps(rev))):
        assert clone == rev and clone.longdoc == "doc"


def test_derived_properties() -> None:
    rev = Revision("m", ("a", "b"), depends_on="c", longdoc="Title\n\nbody")
    assert rev.down_revisions == ("a", "b")
    assert rev.dependencies == ("c",)
    assert rev.doc == "Title"
