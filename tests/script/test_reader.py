"""Static header reading, file selection, sourceless files and the header cache."""

from __future__ import annotations

import os
import py_compile
import sys
from pathlib import Path

import pytest

from tidal.errors import ScriptError
from tidal.script import reader
from tidal.script.reader import (
    HeaderCache,
    find_script_files,
    parse_header,
    read_header,
    read_revisions,
)

GENERATED = '''"""add users

Revision ID: a1
Revises: 
Create Date: 2024-01-01 00:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a1'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cache_root(tmp_path: Path) -> str:
    return str(tmp_path / "cache")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (GENERATED, ("a1", None, (), None)),
        ('revision = "b"\ndown_revision = "a"\n', ("b", "a", (), None)),
        ("revision = 'm'\ndown_revision = ('a', 'b')\n", ("m", ("a", "b"), (), None)),
        ("revision = 'm'\ndown_revision = ['a', 'b']\n", ("m", ("a", "b"), (), None)),
        ("revision = 'x'\nbranch_labels = 'lbl'\n", ("x", None, ("lbl",), None)),
        ("revision = 'x'\nbranch_labels = ('p', 'q')\n", ("x", None, ("p", "q"), None)),
        ("revision = 'x'\ndepends_on = ['p', 'q']\n", ("x", None, (), ("p", "q"))),
        ("revision = 'x'\ndepends_on = 'p'\n", ("x", None, (), "p")),
        # forms the line scan leaves to ast
        (
            "revision = 'x'  # the id\ndown_revision = (\n    'a',\n    'b',\n)\n",
            ("x", ("a", "b"), (), None),
        ),
        ("revision = 'x'\nrevision = 'y'\n", ("y", None, (), None)),
        ('revision: str = "x"\ndown_revision: str | None = None\n', ("x", None, (), None)),
    ],
)
def test_parse_header_forms(source: str, expected: tuple[object, ...]) -> None:
    row = parse_header(source)
    assert row is not None
    assert row[:4] == expected


@pytest.mark.parametrize(
    ("source", "doc"),
    [
        ('"""one\n\ntwo\n"""\nrevision = "a"\n', "one\n\ntwo\n"),
        ("'''single quotes'''\nrevision = 'a'\n", "single quotes"),
        ('# comment\n\n"""after comment"""\nrevision = "a"\n', "after comment"),
        ('"""escaped \\"quote\\" and \\\\n"""\nrevision = "a"\n', 'escaped "quote" and \\n'),
        ('r"""raw \\d"""\nrevision = "a"\n', "raw \\d"),
        ('revision = "a"\n', ""),
        ('from x import y\nrevision = "a"\n', ""),
        ('"""crlf\r\n\r\nmore"""\r\nrevision = "a"\r\n', "crlf\n\nmore"),
    ],
)
def test_docstring_forms(source: str, doc: str) -> None:
    row = parse_header(source)
    assert row is not None and row[4] == doc


def test_no_revision_gives_none_and_read_fails(tmp_path: Path) -> None:
    assert parse_header("x = 1\n") is None
    path = write(tmp_path / "v" / "noheader.py", "x = 1\n")
    with pytest.raises(ScriptError, match="could not determine revision id from filename"):
        read_header(str(path))


def test_revision_inside_a_string_is_not_read() -> None:
    # Only top-level assignments count; the scan defers to ast when unsure.
    row = parse_header('"""doc\nrevision = "fake"\n"""\nrevision = "real"\n')
    assert row is not None and row[0] == "real"


def test_non_literal_header_imports_the_module(tmp_path: Path, cache_root: str) -> None:
    versions = tmp_path / "v"
    write(
        versions / "dyn.py",
        '"""dynamic"""\nBASE = "a"\nrevision = BASE + "1"\ndown_revision = None\n'
        "from alembic import op\n",
    )
    (rev,) = read_revisions([str(versions)], cache_root=cache_root)
    assert rev.revision == "a1"
    assert rev.longdoc == "dynamic"
    # the imported value is cached like any other
    (again,) = read_revisions([str(versions)], cache_root=cache_root)
    assert again == rev


def test_syntax_error_is_a_script_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.py", "revision = (\n")
    with pytest.raises(ScriptError, match="cannot parse"):
        read_header(str(path))


def test_latin1_coding_cookie(tmp_path: Path) -> None:
    path = tmp_path / "enc.py"
    path.write_bytes(b'# -*- coding: latin-1 -*-\n"""caf\xe9"""\nrevision = "e1"\n')
    rev = read_header(str(path))
    assert rev.revision == "e1" and rev.longdoc == "caf\xe9"


def test_file_selection_and_order(tmp_path: Path) -> None:
    v = tmp_path / "versions"
    for name in (
        "zz.py",
        "aa.py",
        "_q.py",
        "__init__.py",
        "__init__x.py",
        ".#lock.py",
        "x.pyw",
        "notes.txt",
        "mm.pyc",
    ):
        write(v / name, "revision = 'r'\n")
    write(v / "sub" / "s1.py", "revision = 's1'\n")
    names = [os.path.basename(f.path) for f in find_script_files(str(v))]
    assert names == ["_q.py", "aa.py", "zz.py"]
    recursive = [os.path.relpath(f.path, v) for f in find_script_files(str(v), recursive=True)]
    assert recursive == ["_q.py", "aa.py", "zz.py", os.path.join("sub", "s1.py")]


def test_recursive_subdirectories_sorted_after_files(tmp_path: Path) -> None:
    v = tmp_path / "versions"
    for rel in ("top.py", "zsub/z.py", "asub/a.py", "asub/deeper/d.py"):
        write(v / rel, "revision = 'r'\n")
    found = [os.path.relpath(f.path, v) for f in find_script_files(str(v), recursive=True)]
    assert found == ["top.py", "asub/a.py", "asub/deeper/d.py", "zsub/z.py"]


def test_missing_directory_has_no_scripts(tmp_path: Path) -> None:
    assert find_script_files(str(tmp_path / "nope")) == []


def test_sourceless(tmp_path: Path, cache_root: str) -> None:
    v = tmp_path / "versions"
    write(v / "aa.py", "revision = 'aa'\ndown_revision = None\n")
    legacy = write(v / "mm.py", '"""legacy"""\nrevision = "mm"\ndown_revision = "aa"\n')
    py_compile.compile(str(legacy), cfile=str(v / "mm.pyc"))
    legacy.unlink()
    pep = write(v / "bb.py", "revision = 'bb'\ndown_revision = 'mm'\n")
    py_compile.compile(str(pep))  # __pycache__/bb.<tag>.pyc
    pep.unlink()
    both = write(v / "cc.py", "revision = 'cc'\ndown_revision = 'aa'\n")
    py_compile.compile(str(both))  # source present: read once, from the source

    plain = read_revisions([str(v)], cache_root=cache_root)
    assert [r.revision for r in plain] == ["aa", "cc"]
    sourceless = read_revisions([str(v)], sourceless=True, cache_root=cache_root)
    assert [r.revision for r in sourceless] == ["aa", "cc", "mm", "bb"]
    assert sourceless[2].longdoc == "legacy"
    assert sourceless[3].path is not None and "__pycache__" in sourceless[3].path
    assert sys.implementation.cache_tag in sourceless[3].path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        (True, True),
        ("True", False),
        ("yes", False),
        ("1", False),
        ("false", False),
        (None, False),
        ("pep3147", False),
    ],
)
def test_sourceless_mode(value: str | bool | None, expected: bool) -> None:
    assert reader.sourceless_mode(value) is expected


class TestCache:
    def test_hit_avoids_reading(
        self, tmp_path: Path, cache_root: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        v = tmp_path / "versions"
        write(v / "a.py", GENERATED)
        first = read_revisions([str(v)], cache_root=cache_root)
        assert os.listdir(cache_root)

        def boom(path: str) -> object:
            raise AssertionError(f"read {path} despite a warm cache")

        monkeypatch.setattr(reader, "_read_row", boom)
        assert read_revisions([str(v)], cache_root=cache_root) == first

    def test_miss_on_changed_stamp(self, tmp_path: Path, cache_root: str) -> None:
        v = tmp_path / "versions"
        path = write(v / "a.py", "revision = 'a1'\n")
        read_revisions([str(v)], cache_root=cache_root)
        path.write_text("revision = 'a2'\ndown_revision = None\n")
        os.utime(path, ns=(1, 2_000_000_000))
        (rev,) = read_revisions([str(v)], cache_root=cache_root)
        assert rev.revision == "a2"

    def test_deleted_files_are_pruned(self, tmp_path: Path, cache_root: str) -> None:
        v = tmp_path / "versions"
        write(v / "a.py", "revision = 'a'\n")
        gone = write(v / "b.py", "revision = 'b'\ndown_revision = 'a'\n")
        read_revisions([str(v)], cache_root=cache_root)
        gone.unlink()
        assert [r.revision for r in read_revisions([str(v)], cache_root=cache_root)] == ["a"]
        cache = HeaderCache(str(v), cache_root)
        cache.load()
        assert list(cache.entries) == ["a.py"]

    @pytest.mark.parametrize("garbage", [b"", b"\x00\x01garbage", b"\xe9" * 100])
    def test_corrupt_cache_is_ignored_and_rebuilt(
        self, tmp_path: Path, cache_root: str, garbage: bytes
    ) -> None:
        v = tmp_path / "versions"
        write(v / "a.py", "revision = 'a'\n")
        cache = HeaderCache(str(v), cache_root)
        os.makedirs(cache_root, exist_ok=True)
        Path(cache.file).write_bytes(garbage)
        (rev,) = read_revisions([str(v)], cache_root=cache_root)
        assert rev.revision == "a"
        rebuilt = HeaderCache(str(v), cache_root)
        rebuilt.load()
        assert "a.py" in rebuilt.entries

    def test_wrong_shape_marshal_is_ignored(self, tmp_path: Path, cache_root: str) -> None:
        import marshal

        v = tmp_path / "versions"
        write(v / "a.py", "revision = 'a'\n")
        cache = HeaderCache(str(v), cache_root)
        os.makedirs(cache_root, exist_ok=True)
        Path(cache.file).write_bytes(marshal.dumps(("tidal-headers-2", str(v), [1], [], [])))
        assert [r.revision for r in read_revisions([str(v)], cache_root=cache_root)] == ["a"]

    def test_cache_lives_outside_the_project(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        v = tmp_path / "proj" / "versions"
        write(v / "a.py", "revision = 'a'\n")
        read_revisions([str(v)])
        assert os.listdir(tmp_path / "xdg" / "tidal" / "headers")
        assert sorted(os.listdir(v)) == ["a.py"]

    def test_unwritable_cache_is_harmless(self, tmp_path: Path) -> None:
        v = tmp_path / "versions"
        write(v / "a.py", "revision = 'a'\n")
        blocker = tmp_path / "file-not-dir"
        blocker.write_text("x")
        revs = read_revisions([str(v)], cache_root=str(blocker / "sub"))
        assert [r.revision for r in revs] == ["a"]

    def test_concurrent_writers_leave_a_valid_file(self, tmp_path: Path, cache_root: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        v = tmp_path / "versions"
        for i in range(30):
            write(v / f"r{i:02d}.py", f"revision = 'r{i}'\n")

        def run(_: int) -> int:
            return len(read_revisions([str(v)], cache_root=cache_root))

        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(run, range(8))) == {30}
        cache = HeaderCache(str(v), cache_root)
        cache.load()
        assert len(cache.entries) == 30
        assert not [n for n in os.listdir(cache_root) if n.startswith(".tmp-")]

    def test_disabled_by_environment(
        self, tmp_path: Path, cache_root: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TIDAL_NO_HEADER_CACHE", "1")
        v = tmp_path / "versions"
        write(v / "a.py", "revision = 'a'\n")
        read_revisions([str(v)], cache_root=cache_root)
        assert not os.path.exists(cache_root)


def test_several_locations_in_order(tmp_path: Path, cache_root: str) -> None:
    write(tmp_path / "one" / "b.py", "revision = 'b'\n")
    write(tmp_path / "two" / "a.py", "revision = 'a'\n")
    revs = read_revisions([str(tmp_path / "one"), str(tmp_path / "two")], cache_root=cache_root)
    assert [r.revision for r in revs] == ["b", "a"]


class TestWarmFastPath:
    """An unchanged directory is answered from the cache's columns, and equals a cold read."""

    def test_unchanged_directory_uses_the_columns(self, tmp_path: Path, cache_root: str) -> None:
        v = tmp_path / "versions"
        for i in range(5):
            labels = "('lbl',)" if i == 2 else "None"
            write(
                v / f"r{i}.py",
                f'"""doc {i}"""\nrevision = "r{i}"\n'
                f"down_revision = {repr(f'r{i - 1}') if i else None}\nbranch_labels = {labels}\n",
            )
        cold = read_revisions([str(v)], use_cache=False)
        read_revisions([str(v)], cache_root=cache_root)
        cache = HeaderCache(str(v), cache_root)
        cache.load()
        files = find_script_files(str(v))
        assert cache.rows_if_unchanged(files) is not None
        warm = read_revisions([str(v)], cache_root=cache_root)
        assert warm == cold
        assert [(r.path, r.longdoc, r.branch_labels) for r in warm] == [
            (r.path, r.longdoc, r.branch_labels) for r in cold
        ]
        assert {hash(r) for r in warm} == {hash(r) for r in cold}
        assert repr(warm[2]) == repr(cold[2])

    def test_a_changed_stamp_or_a_new_file_takes_the_slow_path(
        self, tmp_path: Path, cache_root: str
    ) -> None:
        v = tmp_path / "versions"
        a = write(v / "a.py", "revision = 'a'\n")
        read_revisions([str(v)], cache_root=cache_root)
        os.utime(a, ns=(1, 3_000_000_000))
        cache = HeaderCache(str(v), cache_root)
        cache.load()
        assert cache.rows_if_unchanged(find_script_files(str(v))) is None
        write(v / "b.py", "revision = 'b'\ndown_revision = 'a'\n")
        revs = read_revisions([str(v)], cache_root=cache_root)
        assert [r.revision for r in revs] == ["a", "b"]
        assert [r.revision for r in read_revisions([str(v)], cache_root=cache_root)] == ["a", "b"]

    def test_revision_factory_matches_the_constructor(self) -> None:
        row = ("r1", ("a", "b"), ("x",), "d", "doc")
        made = reader._to_revision(row, "/p/r1.py")
        from tidal.script.revision import Revision

        expected = Revision("r1", ("a", "b"), ("x",), "d", "/p/r1.py", "doc")
        assert made == expected and hash(made) == hash(expected)
        assert vars(made) == vars(expected)


def test_a_file_added_between_others_is_reordered_for_the_fast_path(
    tmp_path: Path, cache_root: str
) -> None:
    v = tmp_path / "versions"
    write(v / "a.py", "revision = 'a'\n")
    write(v / "c.py", "revision = 'c'\ndown_revision = 'a'\n")
    read_revisions([str(v)], cache_root=cache_root)
    write(v / "b.py", "revision = 'b'\ndown_revision = 'a'\n")
    assert [r.revision for r in read_revisions([str(v)], cache_root=cache_root)] == ["a", "b", "c"]
    cache = HeaderCache(str(v), cache_root)
    cache.load()
    assert list(cache.entries) == ["a.py", "b.py", "c.py"]
    cache.load()
    assert cache.rows_if_unchanged(find_script_files(str(v))) is not None
    assert not [n for n in os.listdir(cache_root) if n.startswith(".tmp-")]
