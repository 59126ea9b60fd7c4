"""New revision files: ids, slugs, file names, template variables, branch/splice/depends rules."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest

from tidal.config import Config
from tidal.errors import (
    ConfigError,
    DuplicateBranchLabelError,
    DuplicateRevisionError,
    InvalidRevisionIdError,
    ResolutionError,
    RevisionError,
    ScriptError,
)
from tidal.script.directory import ScriptDirectory
from tidal.script.writer import (
    create_date,
    format_as_comma,
    render_template,
    rev_id,
    revision_filename,
    slugify,
)

WHEN = dt.datetime(2024, 3, 5, 7, 8, 9)

ALL_VARS = """<%page args="**kw"/>up=${up_revision}
down=${repr(down_revision)}
labels=${repr(branch_labels)}
depends=${repr(depends_on)}
date=${create_date}
message=${message}
comma=${down_revision | comma,n}
imports=${imports}|upgrades=${upgrades}|downgrades=${downgrades}
extra=${context.get('extra', 'none')}
config=${config is not None}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}
"""


def test_rev_id_is_twelve_hex() -> None:
    ids = {rev_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"[0-9a-f]{12}", i) for i in ids)


@pytest.mark.parametrize(
    ("message", "length", "slug"),
    [
        ("Add users", 40, "add_users"),
        (
            "This is a very long message, with punctuation! and ÜNICODE chars",
            40,
            "this_is_a_very_long_message_with_",
        ),
        ("with date template here", 10, "with_date_"),
        (None, 40, ""),
        ("", 40, ""),
        ("   ", 40, ""),
        ("ÜNICODE ok", 40, "ünicode_ok"),
        ("exactly", 7, "exactly"),
    ],
)
def test_slugify(message: str | None, length: int, slug: str) -> None:
    assert slugify(message, length) == slug


@pytest.mark.parametrize(
    ("template", "name"),
    [
        (None, "ab12_add_users.py"),
        ("%(rev)s", "ab12.py"),
        ("%(slug)s-%(rev)s", "add_users-ab12.py"),
        (
            "%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s_%(slug)s",
            "2024_03_05_0708-ab12_add_users.py",
        ),
        (
            "%(year)d/%(month).2d/%(day).2d_%(hour).2d%(minute).2d_%(second).2d_%(rev)s_%(slug)s",
            "2024/03/05_0708_09_ab12_add_users.py",
        ),
        ("%(epoch)s_%(rev)s", f"{int(WHEN.timestamp())}_ab12.py"),
    ],
)
def test_revision_filename_tokens(template: str | None, name: str) -> None:
    assert revision_filename(template, "ab12", "Add users", WHEN) == name


def test_revision_filename_bad_token() -> None:
    with pytest.raises(ConfigError, match="invalid file_template"):
        revision_filename("%(nope)s", "a", "m", WHEN)


def test_create_date_timezone() -> None:
    now = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    tokyo = create_date("Asia/Tokyo", now)
    assert tokyo.utcoffset() == dt.timedelta(hours=9) and tokyo.hour == 21
    assert create_date(None).tzinfo is None
    with pytest.raises(ConfigError, match="can't locate timezone"):
        create_date("Not/AZone")


def test_format_as_comma() -> None:
    assert format_as_comma(["a", "b"]) == "a, b"


def test_render_template_errors(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="no template file"):
        render_template(str(tmp_path / "missing.mako"), {})
    bad = tmp_path / "bad.mako"
    bad.write_text("${undefined_name.attr}")
    with pytest.raises(ScriptError, match="template rendering"):
        render_template(str(bad), {})


# -- generate_revision on a project -----------------------------------------------------


def make_project(tmp_path: Path, extra: str = "", template: str = ALL_VARS) -> Config:
    root = tmp_path / "proj"
    (root / "mig" / "versions").mkdir(parents=True)
    (root / "mig" / "script.py.mako").write_text(template)
    ini = root / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = %(here)s/mig\n{extra}\n")
    return Config(str(ini), stdout=io.StringIO())


def out(cfg: Config) -> str:
    stream = cfg.stdout
    assert isinstance(stream, io.StringIO)
    return stream.getvalue()


def gen(cfg: Config, rev: str, message: str | None = "m", **kw: object) -> str:
    sd = ScriptDirectory.from_config(cfg)
    script = sd.generate_revision(rev, message, **kw)  # type: ignore[arg-type]
    assert script is not None
    return script.path


def test_every_template_variable(tmp_path: Path) -> None:
    cfg = make_project(tmp_path)
    first = Path(gen(cfg, "a1", "first one"))
    text = first.read_text()
    assert "up=a1\ndown=None\nlabels=None\ndepends=None\n" in text
    assert "message=first one\ncomma=\n" in text
    assert "imports=|upgrades=|downgrades=\nextra=none\nconfig=True\n" in text
    assert re.search(r"date=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\n", text)
    sd = ScriptDirectory.from_config(cfg)
    second = sd.generate_revision("b2", None, branch_labels="lbl", extra="from template_args")
    assert second is not None
    text = Path(second.path).read_text()
    assert "down='a1'" in text and "labels=('lbl',)" in text
    assert "message=empty message" in text and "extra=from template_args" in text
    assert os.path.basename(second.path) == "b2_.py"
    assert f"Generating {second.path} ...  done" in out(cfg)


def test_merge_down_revision_tuple_and_comma(tmp_path: Path) -> None:
    cfg = make_project(tmp_path)
    gen(cfg, "a1")
    gen(cfg, "b2", head="base")
    text = Path(gen(cfg, "m1", head=["a1", "b2"])).read_text()
    assert "down=('a1', 'b2')" in text and "comma=a1, b2" in text


def test_depends_on_ids_partial_ids_and_labels(tmp_path: Path) -> None:
    cfg = make_project(tmp_path)
    gen(cfg, "aaaa1111")
    gen(cfg, "cccc3333", head="base", branch_labels=["lb"])
    one = Path(gen(cfg, "dddd4444", head="aaaa1111", depends_on=["aaa"])).read_text()
    assert "depends='aaaa1111'" in one
    many = Path(gen(cfg, "eeee5555", head="dddd4444", depends_on=["lb", "aaaa"])).read_text()
    assert "depends=['lb', 'aaaa1111']" in many
    with pytest.raises(ResolutionError):
        gen(cfg, "ffff6666", head="eeee5555", depends_on=["nope"])


def test_splice_rule(tmp_path: Path) -> None:
    cfg = make_project(tmp_path)
    gen(cfg, "a1")
    gen(cfg, "b2")
    with pytest.raises(RevisionError, match="a1 is not a head revision; please specify --splice"):
        gen(cfg, "c3", head="a1")
    assert not list((tmp_path / "proj" / "mig" / "versions").glob("c3*"))
    assert "c3" in Path(gen(cfg, "c3", head="a1", splice=True)).name


def test_multiple_heads_need_a_head(tmp_path: Path) -> None:
    cfg = make_project(tmp_path)
    gen(cfg, "a1")
    gen(cfg, "b2", head="base")
    with pytest.raises(RevisionError, match="multiple heads are present"):
        gen(cfg, "c3")
    text = Path(gen(cfg, "c3", head="heads")).read_text()
    assert "down=('a1', 'b2')" in text


def test_nothing_written_on_graph_errors(tmp_path: Path) -> None:
    cfg = make_project(tmp_path)
    gen(cfg, "a1", branch_labels="lb")
    versions = tmp_path / "proj" / "mig" / "versions"
    before = sorted(os.listdir(versions))
    with pytest.raises(DuplicateRevisionError):
        gen(cfg, "a1", head="base")
    with pytest.raises(DuplicateBranchLabelError):
        gen(cfg, "b2", head="base", branch_labels="lb")
    with pytest.raises(InvalidRevisionIdError):
        gen(cfg, "a-b", head="base")
    with pytest.raises(RevisionError, match="duplicate head"):
        gen(cfg, "c3", head=["a1", "a1"])
    assert sorted(os.listdir(versions)) == before


def test_file_template_subdirectories_and_timezone(tmp_path: Path) -> None:
    cfg = make_project(
        tmp_path,
        "file_template = %%(year)d/%%(month).2d/%%(rev)s_%%(slug)s\n"
        "timezone = Asia/Tokyo\ntruncate_slug_length = 5\nrecursive_version_locations = true\n",
    )
    path = Path(gen(cfg, "a1", "long message"))
    assert re.fullmatch(r"\d{4}/\d\d/a1_long_\.py", str(path.relative_to(path.parents[2])))
    assert "+09:00" in path.read_text()
    assert f"Creating directory {path.parent} ...  done" in out(cfg)
    sd = ScriptDirectory.from_config(cfg)
    assert sd.get_heads() == ["a1"]


def test_version_path_rules(tmp_path: Path) -> None:
    cfg = make_project(
        tmp_path,
        "version_locations = %(here)s/mig/versions %(here)s/other\npath_separator = space\n",
    )
    with pytest.raises(ConfigError, match="multiple version locations present"):
        gen(cfg, "a1")
    with pytest.raises(ConfigError, match="not represented in current version locations"):
        gen(cfg, "a1", version_path=str(tmp_path / "elsewhere"))
    other = tmp_path / "proj" / "other"
    path = gen(cfg, "a1", version_path=str(other))
    assert os.path.dirname(path) == str(other)
    assert f"Creating directory {other} ...  done" in out(cfg)
    # a child goes where its parent lives
    assert os.path.dirname(gen(cfg, "b2")) == str(other)


def test_output_encoding(tmp_path: Path) -> None:
    cfg = make_project(
        tmp_path,
        "output_encoding = latin-1\n",
        template="# ${message}\nrevision = ${repr(up_revision)}\ndown_revision = None\n",
    )
    path = Path(gen(cfg, "a1", "café"))
    assert path.read_bytes().startswith("# café".encode("latin-1"))


def test_post_write_hook_runs_on_the_new_file(tmp_path: Path) -> None:
    marker = tmp_path / "hooked.txt"
    script = tmp_path / "hook.py"
    script.write_text(
        f"import sys, pathlib\npathlib.Path({str(marker)!r}).write_text(sys.argv[1])\n"
    )
    import sys

    cfg = make_project(
        tmp_path,
        "\n[post_write_hooks]\nhooks = mark\nmark.type = exec\n"
        f"mark.executable = {sys.executable}\n"
        f"mark.options = {script} REVISION_SCRIPT_FILENAME\n",
    )
    path = gen(cfg, "a1")
    assert marker.read_text() == path
    assert "Running post write hook 'mark' ...  done" in out(cfg)
