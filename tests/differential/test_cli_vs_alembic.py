"""heads / branches / history / show: Tidal against Alembic on projects Alembic made.

Projects are created with Alembic itself (``alembic init`` + ``alembic revision``
through its Python API). Each command runs through ``alembic.command`` and through
``tidal.command`` (in-process, for speed) and, for a sample, through both CLIs; the
outputs must be identical and both must fail on the same inputs.

Alembic prints a few things in ``set`` order (branch labels, "Branches into", the
children listed by ``branches``), which changes from run to run; :func:`normalize`
sorts exactly those and nothing else.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import revision_graphs

from tidal.script.revision import Revision

pytestmark = pytest.mark.differential

alembic_command = pytest.importorskip("alembic.command")
alembic_config = pytest.importorskip("alembic.config")

VENV_BIN = Path(sys.executable).parent


@dataclass
class Project:
    root: Path
    ids: list[str]
    labels: list[str]
    name: str = ""

    @property
    def alembic_order_is_stable(self) -> bool:
        """False where Alembic walks independent roots in set order (varies per run)."""
        return self.name not in UNSTABLE_ORDER

    @property
    def ini(self) -> str:
        return str(self.root / "alembic.ini")


# (rev_id, message, revision() keyword arguments)
Step = tuple[str, str, dict[str, object]]

SCENARIOS: dict[str, list[Step]] = {
    "linear": [(f"a{i}", f"step {i}", {}) for i in range(1, 6)],
    "branchy_labels": [
        ("a1", "a", {}),
        ("b1", "b", {}),
        ("c1", "c", {"branch_label": "cl"}),
        ("d1", "d", {}),
        ("e1", "e", {"head": "a1", "splice": True}),
        ("f1", "f", {"head": "e1", "branch_label": "fl"}),
        ("g1", "g", {"head": "b1", "splice": True, "branch_label": "gl"}),
        ("h1", "h", {"head": "gl@head"}),
        ("i1", "labelled branch point", {"head": "c1", "splice": True}),
    ],
    "merges": [
        ("r1", "root", {}),
        ("s1", "left", {}),
        ("t1", "right", {"head": "r1", "splice": True}),
        ("u1", "third", {"head": "r1", "splice": True}),
        ("m1", "merge two", {"head": ["s1", "t1"]}),
        ("n1", "after merge", {"head": "m1"}),
        ("m2", "merge all", {"head": ["n1", "u1"]}),
        ("p1", "tip", {"head": "m2"}),
    ],
    "depends_on": [
        ("x1", "x base", {"head": "base", "branch_label": "xb"}),
        ("x2", "x two", {"head": "x1"}),
        ("y1", "y base", {"head": "base", "branch_label": "yb"}),
        ("y2", "y two", {"head": "y1", "depends_on": ["x1"]}),
        ("y3", "y three", {"head": "y2", "depends_on": ["xb"]}),
        ("z1", "z base", {"head": "base", "branch_label": "zb"}),
        ("z2", "z two", {"head": "z1", "depends_on": ["y1", "x2"]}),
        ("x3", "x branch with deps", {"head": "x1", "splice": True, "depends_on": ["z1"]}),
    ],
    "several_bases": [
        ("aa01", "alpha", {"head": "base", "branch_label": "alpha"}),
        ("bb01", "beta", {"head": "base", "branch_label": "beta"}),
        ("cc01", "gamma", {"head": "base"}),
        ("aa02", "alpha 2", {"head": "alpha@head"}),
        ("bb02", "beta 2", {"head": "beta@head"}),
        ("ab01", "join alpha beta", {"head": ["aa02", "bb02"]}),
        ("cc02", "gamma 2", {"head": "cc01"}),
    ],
}


#: Scenarios whose walk order Alembic takes from a set (it changes with PYTHONHASHSEED);
#: there the lines must be the same, their order only where Alembic's is stable.
UNSTABLE_ORDER = {"depends_on", "several_bases"}


def _build(root: Path, steps: list[Step]) -> Project:
    root.mkdir(parents=True)
    cfg = alembic_config.Config(str(root / "alembic.ini"), stdout=io.StringIO())
    alembic_command.init(cfg, str(root / "migrations"))
    cfg = alembic_config.Config(str(root / "alembic.ini"), stdout=io.StringIO())
    labels: list[str] = []
    for rev, message, kw in steps:
        alembic_command.revision(cfg, message=message, rev_id=rev, **kw)
        label = kw.get("branch_label")
        if isinstance(label, str):
            labels.append(label)
    return Project(root, [s[0] for s in steps], labels, root.name)


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    name = str(request.param)
    return _build(tmp_path_factory.mktemp("cli") / name, SCENARIOS[name])


_SET_GROUP = re.compile(r"\(([^()]*,[^()]*)\)")


def normalize(text: str) -> str:
    """Sort what Alembic prints in set order; leave everything else alone."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith(("Branch names: ", "Branches into: ")):
            head, _, items = line.partition(": ")
            line = f"{head}: " + ", ".join(sorted(items.split(", ")))
        # label groups like "(xb, other)"; parents' depends-on groups are sorted too
        line = _SET_GROUP.sub(lambda m: "(" + ", ".join(sorted(m.group(1).split(", "))) + ")", line)
        lines.append(line)
    # `branches` lists children ("   -> x") in set order: sort each run of them
    out: list[str] = []
    run: list[str] = []
    for line in lines:
        if re.match(r"^\s+-> ", line):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        out.append(line)
    out.extend(sorted(run))
    return "\n".join(out)


def run_alembic(project: Project, name: str, *args: object, **kw: object) -> tuple[bool, str]:
    buf = io.StringIO()
    cfg = alembic_config.Config(project.ini, stdout=buf)
    try:
        getattr(alembic_command, name)(cfg, *args, **kw)
    except Exception:  # Alembic raises CommandError and a few raw errors
        return False, buf.getvalue()
    return True, buf.getvalue()


def run_tidal(project: Project, name: str, *args: object, **kw: object) -> tuple[bool, str]:
    from tidal import command
    from tidal.config import Config
    from tidal.errors import TidalError

    buf = io.StringIO()
    cfg = Config(project.ini, stdout=buf)
    try:
        getattr(command, name)(cfg, *args, **kw)
    except TidalError:
        return False, buf.getvalue()
    return True, buf.getvalue()


def same(project: Project, name: str, *args: object, **kw: object) -> None:
    ok_a, out_a = run_alembic(project, name, *args, **kw)
    ok_t, out_t = run_tidal(project, name, *args, **kw)
    assert ok_t == ok_a, f"{name}{args}{kw}: alembic ok={ok_a}, tidal ok={ok_t}\n{out_a}"
    if not ok_a:
        return
    if project.alembic_order_is_stable:
        assert normalize(out_t) == normalize(out_a), f"{name}{args}{kw}"
    else:
        tidal_lines = sorted(normalize(out_t).splitlines())
        assert tidal_lines == sorted(normalize(out_a).splitlines()), f"{name}{args}{kw}"


@pytest.mark.parametrize("verbose", [False, True])
def test_heads(project: Project, verbose: bool) -> None:
    same(project, "heads", verbose=verbose)
    same(project, "heads", verbose=verbose, resolve_dependencies=True)


@pytest.mark.parametrize("verbose", [False, True])
def test_branches(project: Project, verbose: bool) -> None:
    same(project, "branches", verbose=verbose)


@pytest.mark.parametrize("verbose", [False, True])
def test_history_whole(project: Project, verbose: bool) -> None:
    same(project, "history", verbose=verbose)


def _range_words(project: Project) -> list[str]:
    words = ["", "base", "heads", "head"]
    words += project.ids
    words += [f"{label}@head" for label in project.labels]
    words += [rev[:2] for rev in project.ids[:2]]  # partial ids (some ambiguous)
    return list(dict.fromkeys(words))


def test_history_ranges(project: Project) -> None:
    words = _range_words(project)
    for lower in words:
        for upper in words:
            same(project, "history", f"{lower}:{upper}")


def test_history_verbose_ranges(project: Project) -> None:
    for rev in project.ids:
        same(project, "history", f"{rev}:", verbose=True)
        same(project, "history", f":{rev}", verbose=True)


def test_history_bad_range(project: Project) -> None:
    same(project, "history", "nocolon")


def test_show(project: Project) -> None:
    words = [*_range_words(project)[1:], "nope", "heads", "base"]
    words += [f"{label}@base" for label in project.labels]
    for word in words:
        same(project, "show", word)


def _cli(program: list[str], cwd: Path, *args: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [*program, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    return done.returncode, done.stdout


def _cli_pairs() -> Iterator[list[str]]:
    yield ["heads", "-v"]
    yield ["branches"]
    yield ["history", "-v"]
    yield ["history", "-r", "a1:a3"]
    yield ["history", "-r", "a4:a2"]
    yield ["show", "head"]
    yield ["show", "nope"]


@pytest.mark.parametrize("args", list(_cli_pairs()), ids=" ".join)
def test_cli_matches(tmp_path_factory: pytest.TempPathFactory, args: list[str]) -> None:
    root = tmp_path_factory.getbasetemp() / "cli-linear"
    if not root.exists():
        _build(root, SCENARIOS["linear"])
    code_a, out_a = _cli([str(VENV_BIN / "alembic")], root, *args)
    code_t, out_t = _cli([sys.executable, "-m", "tidal"], root, *args)
    assert (code_t == 0) == (code_a == 0), (args, code_a, code_t)
    if code_a == 0:  # Alembic prints FAILED: on stdout, Tidal on stderr
        assert normalize(out_t) == normalize(out_a)


# -- random histories ---------------------------------------------------------------------


def _write_project(root: Path, revisions: list[Revision]) -> Project:
    """Write a project whose file order (sorted names) is the drawn order."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text("")
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    for i, rev in enumerate(revisions):
        (versions / f"{i:04d}_{rev.revision}.py").write_text(
            f'"""message {i}\n\nRevision ID: {rev.revision}\n"""\n'
            f"revision = {rev.revision!r}\ndown_revision = {rev.down_revision!r}\n"
            f"branch_labels = {rev.branch_labels or None!r}\ndepends_on = {rev.depends_on!r}\n"
        )
    labels = [label for rev in revisions for label in rev.branch_labels]
    return Project(root, [r.revision for r in revisions], labels, "random")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(revisions=revision_graphs(max_deps=1, max_size=25), data=st.data())
def test_random_histories(revisions: list[Revision], data: st.DataObject) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
        try:
            project = _write_project(Path(tmp) / "p", revisions)
            for verbose in (False, True):
                same(project, "heads", verbose=verbose)
                same(project, "branches", verbose=verbose)
                same(project, "history", verbose=verbose)
            same(project, "heads", resolve_dependencies=True)
            words = _range_words(project)
            lower = data.draw(st.sampled_from(words), label="lower")
            upper = data.draw(st.sampled_from(words), label="upper")
            same(project, "history", f"{lower}:{upper}")
            same(project, "show", data.draw(st.sampled_from(words[1:]), label="show"))
        finally:
            if old is None:
                del os.environ["XDG_CACHE_HOME"]
            else:
                os.environ["XDG_CACHE_HOME"] = old


# -- new revision files -------------------------------------------------------------------

REVISION_STEPS: list[tuple[str, str | None, dict[str, object]]] = [
    ("aaaa0001", "First: add the users table!", {}),
    ("bbbb0002", None, {}),
    ("cccc0003", "side branch", {"head": "aaaa0001", "splice": True, "branch_label": "side"}),
    ("dddd0004", "depends", {"head": "bbbb0002", "depends_on": ["side", "aaa"]}),
    ("eeee0005", "one dependency", {"head": "dddd0004", "depends_on": ["ccc"]}),
    ("ffff0006", "another base", {"head": "base", "branch_label": ["other", "more"]}),
    ("abab0007", "merge heads", {"head": "heads", "merge": True}),
    ("acac0008", "a very long message that will certainly be truncated somewhere",
     {"head": "abab0007"}),
]


def _make_twins(tmp: Path, extra: str) -> tuple[Path, Path]:
    roots = (tmp / "alembic_made", tmp / "tidal_made")
    for root in roots:
        root.mkdir()
        cfg = alembic_config.Config(str(root / "alembic.ini"), stdout=io.StringIO())
        alembic_command.init(cfg, str(root / "migrations"))
        ini = root / "alembic.ini"
        ini.write_text(ini.read_text().replace("[alembic]\n", f"[alembic]\n{extra}", 1))
    return roots


def _files(root: Path) -> dict[str, str]:
    versions = root / "migrations" / "versions"
    found: dict[str, str] = {}
    for path in sorted(versions.rglob("*.py")):
        text = re.sub(r"Create Date: .*", "Create Date: <masked>", path.read_text())
        found[str(path.relative_to(versions))] = text
    return found


@pytest.mark.parametrize(
    "extra",
    [
        "",
        "truncate_slug_length = 12\n",
        "file_template = %%(year)d_%%(month).2d_%%(day).2d-%%(rev)s_%%(slug)s\n",
        "file_template = %%(year)d/%%(rev)s_%%(slug)s\nrecursive_version_locations = true\n",
    ],
    ids=["default", "truncate", "dated", "subdir"],
)
def test_revision_files_match(
    tmp_path: Path, extra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tidal import command as tidal_command
    from tidal.config import Config as TidalConfig

    a_root, t_root = _make_twins(tmp_path, extra)
    capsys.readouterr()  # drop what `alembic init` printed
    a_out, t_out = io.StringIO(), io.StringIO()
    a_cfg = alembic_config.Config(str(a_root / "alembic.ini"), stdout=a_out)
    t_cfg = TidalConfig(str(t_root / "alembic.ini"), stdout=t_out)
    for rev, message, kw in REVISION_STEPS:
        kw = dict(kw)
        if kw.pop("merge", False):
            alembic_command.merge(a_cfg, kw["head"], message=message, rev_id=rev)
            tidal_command.merge(t_cfg, kw["head"], message=message, rev_id=rev)
            continue
        alembic_command.revision(a_cfg, message=message, rev_id=rev, **kw)  # type: ignore[arg-type]
        tidal_command.revision(t_cfg, message=message, rev_id=rev, **kw)  # type: ignore[arg-type]
    assert _files(t_root) == _files(a_root)
    # Alembic prints its "Generating ..." lines on sys.stdout, not through Config.
    alembic_said = capsys.readouterr().out + a_out.getvalue()
    assert t_out.getvalue().replace(str(t_root), "<root>") == alembic_said.replace(
        str(a_root), "<root>"
    )
