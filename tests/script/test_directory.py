"""ScriptDirectory and Script: Alembic's attributes over the graph, lazy modules, env.py."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tidal.config import Config
from tidal.errors import (
    ConfigError,
    EnvironmentError_,
    MultipleHeadsError,
    RevisionError,
    ScriptError,
)
from tidal.script.directory import ScriptDirectory, load_script_module


def rev_file(versions: Path, rev: str, down: object = None, doc: str = "msg",
             labels: object = None, deps: object = None, body: str = "") -> None:
    versions.mkdir(parents=True, exist_ok=True)
    (versions / f"{rev}_x.py").write_text(
        f'"""{doc}\n\nRevision ID: {rev}\n"""\nfrom alembic import op\n\n'
        f"revision = {rev!r}\ndown_revision = {down!r}\nbranch_labels = {labels!r}\n"
        f"depends_on = {deps!r}\n{body}"
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    v = tmp_path / "mig" / "versions"
    rev_file(v, "a1", doc="first one", body="def upgrade():\n    return op\n")
    rev_file(v, "b2", "a1", doc="second")
    rev_file(v, "c3", "a1", doc="side", labels=("xb",))
    rev_file(v, "d4", "b2", deps="c3")
    rev_file(v, "m5", ("d4", "c3"), doc="merge")
    rev_file(v, "z9", None, doc="other base", labels="zz")
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = %(here)s/mig\nprepend_sys_path = %(here)s/lib\n"
        "path_separator = os\n"
    )
    return tmp_path


def sd_of(project: Path) -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(str(project / "alembic.ini"), stdout=io.StringIO()))


def test_from_config_and_locations(project: Path) -> None:
    sd = sd_of(project)
    assert sd.dir == str(project / "mig")
    assert sd.versions == str(project / "mig" / "versions")
    assert sd.env_py_location == str(project / "mig" / "env.py")
    assert str(project / "lib") in sys.path
    sys.path.remove(str(project / "lib"))


def test_from_config_errors(tmp_path: Path) -> None:
    (tmp_path / "a.ini").write_text("[alembic]\n")
    with pytest.raises(ConfigError, match="no 'script_location'"):
        ScriptDirectory.from_config(Config(str(tmp_path / "a.ini")))
    (tmp_path / "b.ini").write_text("[alembic]\nscript_location = %(here)s/nope\n")
    with pytest.raises(ConfigError, match="path doesn't exist"):
        ScriptDirectory.from_config(Config(str(tmp_path / "b.ini")))


def test_graph_queries(project: Path) -> None:
    sd = sd_of(project)
    assert sd.get_heads() == ["m5", "z9"]
    assert sd.get_bases() == ["a1", "z9"]
    with pytest.raises(RevisionError, match="multiple bases"):
        sd.get_base()
    with pytest.raises(MultipleHeadsError):
        sd.get_current_head()
    walked = [s.revision for s in sd.walk_revisions()]
    assert sorted(walked) == ["a1", "b2", "c3", "d4", "m5", "z9"]
    assert [s.revision for s in sd.walk_revisions("a1", "b2")] == ["b2", "a1"]
    upper_to_b2 = [s.revision for s in sd.iterate_revisions("m5", "b2")]
    assert upper_to_b2[0] == "m5" and "b2" not in upper_to_b2
    assert sd.get_revision("xb@head") is not None
    assert [s.revision for s in sd.get_revisions("heads")] == ["m5", "z9"]
    assert sd.as_revision_number("m5") == "m5"
    assert sd.as_revision_number("base") is None
    assert sd.revision_map is sd.graph


def test_script_attributes(project: Path) -> None:
    sd = sd_of(project)
    a1 = sd.get_revision("a1")
    m5 = sd.get_revision("m5")
    d4 = sd.get_revision("d4")
    c3 = sd.get_revision("c3")
    assert a1 is not None and m5 is not None and d4 is not None and c3 is not None
    assert a1.doc == "first one" and a1.longdoc == "first one\n\nRevision ID: a1"
    assert a1.is_base and a1.is_branch_point and not a1.is_head
    assert a1.nextrev == frozenset({"b2", "c3"})
    assert m5.is_merge_point and m5.is_head and m5.down_revision == ("d4", "c3")
    assert m5.branch_labels == frozenset({"xb"})
    assert d4.dependencies == "c3" and d4._resolved_dependencies == ("c3",)
    assert c3._all_nextrev == frozenset({"d4", "m5"})
    assert a1.path.endswith("a1_x.py")
    assert repr(a1).startswith("Script(revision='a1'")


def test_cmd_format(project: Path) -> None:
    sd = sd_of(project)
    m5 = sd.get_revision("m5")
    d4 = sd.get_revision("d4")
    assert m5 is not None and d4 is not None
    assert m5.cmd_format(False) == "m5 (head) (mergepoint)"
    assert m5.cmd_format(False, include_branches=True, tree_indicators=False) == "m5 (xb) (head)"
    assert d4.cmd_format(False, include_parents=True, include_doc=True) == "b2 (c3) -> d4, msg"
    assert m5.cmd_format(False, head_indicators=False, tree_indicators=False) == "m5"
    assert m5.cmd_format(False, currents=["m5"]) == "m5 (head) (current) (mergepoint)"
    assert m5.cmd_format(True) == m5.log_entry
    assert m5.log_entry.startswith("Rev: m5 (head) (mergepoint)\nMerges: d4, c3\n")


def test_module_is_imported_lazily_under_the_shim(project: Path) -> None:
    sd = sd_of(project)
    a1 = sd.get_revision("a1")
    assert a1 is not None
    module = a1.module
    assert module is a1.module
    import tidal.op

    assert module.upgrade() is tidal.op
    assert "alembic" not in sys.modules or sys.modules["alembic"].__name__ != "tidal.op"


def test_load_script_module_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(RuntimeError, match="boom"):
        load_script_module(str(bad))
    with pytest.raises(ScriptError):
        load_script_module(str(tmp_path / "not-python.txt"))


def test_a_syntax_error_names_the_file_that_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_models_mod.py").write_text("x = (\n")
    env = tmp_path / "env.py"
    env.write_text("import broken_models_mod\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ScriptError) as caught:
        load_script_module(str(env))
    assert caught.value.hint == f"fix {tmp_path / 'broken_models_mod.py'}, which it imports"
    env.write_text("x = (\n")
    with pytest.raises(ScriptError) as own:
        load_script_module(str(env))
    assert own.value.hint == "fix or restore the file"


def test_run_env(project: Path) -> None:
    sd = sd_of(project)
    with pytest.raises(EnvironmentError_, match="no env.py"):
        sd.run_env()
    marker = project / "ran.txt"
    (project / "mig" / "env.py").write_text(
        "from alembic import context\nimport pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text(context.__name__)\n"
    )
    sd.run_env()
    assert marker.read_text() == "tidal.context"


def test_package_resource_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    pkg = tmp_path / "src" / "mypkg_tidal_test"
    rev_file(pkg / "migrations" / "versions", "p1")
    (pkg / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = mypkg_tidal_test:migrations\n"
    )
    sd = ScriptDirectory.from_config(Config(str(tmp_path / "alembic.ini")))
    assert sd.get_heads() == ["p1"]


def test_recursive_and_several_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    rev_file(tmp_path / "mig" / "versions" / "2024", "r1")
    rev_file(tmp_path / "other", "o1", "r1")
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = %(here)s/mig\npath_separator = space\n"
        "version_locations = %(here)s/mig/versions %(here)s/other\n"
        "recursive_version_locations = true\n"
    )
    sd = ScriptDirectory.from_config(Config(str(tmp_path / "alembic.ini")))
    assert sd.get_heads() == ["o1"]
    assert sd.get_bases() == ["r1"]
    assert sd.get_base() == "r1"
