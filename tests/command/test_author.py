"""init, list_templates, revision, merge, edit; and that Alembic reads what Tidal writes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tidal import command
from tidal.config import Config
from tidal.errors import ResolutionError, RevisionError, TidalError, UsageError
from tidal.script.directory import ScriptDirectory

TEMPLATES = ["async", "generic", "multidb", "pyproject", "pyproject_async"]
ALEMBIC = Path(sys.executable).parent / "alembic"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def config_in(root: Path, toml: bool = False) -> Config:
    return Config(
        str(root / "alembic.ini"),
        toml_file=str(root / "pyproject.toml") if toml else None,
        stdout=io.StringIO(),
    )


def output(cfg: Config) -> str:
    assert isinstance(cfg.stdout, io.StringIO)
    return cfg.stdout.getvalue()


@pytest.mark.parametrize("template", TEMPLATES)
def test_init_every_template(tmp_path: Path, template: str) -> None:
    cfg = config_in(tmp_path, toml=template.startswith("pyproject"))
    command.init(cfg, str(tmp_path / "migrations"), template=template)
    mig = tmp_path / "migrations"
    assert sorted(os.listdir(mig)) == ["README", "env.py", "script.py.mako", "versions"]
    env_py = (mig / "env.py").read_text()
    assert "from alembic import context" in env_py
    assert "from alembic import op" in (mig / "script.py.mako").read_text()
    text = output(cfg)
    assert f"Creating directory {mig} ...  done" in text
    assert f"Generating {mig / 'env.py'} ...  done" in text
    assert f"Generating {tmp_path / 'alembic.ini'} ...  done" in text
    if template.startswith("pyproject"):
        toml = (tmp_path / "pyproject.toml").read_text()
        assert 'script_location = "%(here)s/migrations"' in toml
        assert f"Please edit configuration settings in {tmp_path / 'pyproject.toml'}" in text
    else:
        ini = (tmp_path / "alembic.ini").read_text()
        assert "script_location = %(here)s/migrations" in ini
        assert text.endswith(
            f"Please edit configuration/connection/logging settings in "
            f"{tmp_path / 'alembic.ini'} before proceeding.\n"
        )
    compile(env_py, "env.py", "exec")


def test_init_package_and_refusals(tmp_path: Path) -> None:
    cfg = config_in(tmp_path)
    command.init(cfg, str(tmp_path / "mig"), package=True)
    assert (tmp_path / "mig" / "__init__.py").exists()
    assert (tmp_path / "mig" / "versions" / "__init__.py").exists()
    assert f"Adding {tmp_path / 'mig' / '__init__.py'} ...  done" in output(cfg)
    with pytest.raises(UsageError, match="already exists and is not empty"):
        command.init(cfg, str(tmp_path / "mig"))
    with pytest.raises(UsageError, match="No such template 'nope'"):
        command.init(cfg, str(tmp_path / "other"), template="nope")
    cfg2 = config_in(tmp_path)
    command.init(cfg2, str(tmp_path / "second"))
    assert f"File {tmp_path / 'alembic.ini'} already exists, skipping" in output(cfg2)


def test_init_appends_to_existing_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    cfg = config_in(tmp_path, toml=True)
    command.init(cfg, str(tmp_path / "m"), template="pyproject")
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith("[tool.other]") and "[tool.alembic]" in text
    assert f"Appending to existing {tmp_path / 'pyproject.toml'} ...  done" in output(cfg)


def test_list_templates(tmp_path: Path) -> None:
    cfg = config_in(tmp_path)
    command.list_templates(cfg)
    text = output(cfg)
    assert text.startswith("Available templates:\n\n")
    for name in TEMPLATES:
        assert f"\n{name} - " in text
    assert "generic - Generic single-database configuration." in text
    assert text.endswith("\n  tidal init --template generic ./scripts\n")


def make(tmp_path: Path, template: str = "generic") -> Config:
    command.init(config_in(tmp_path, template.startswith("pyproject")), str(tmp_path / "mig"),
                 template=template)
    return config_in(tmp_path, template.startswith("pyproject"))


def test_revision_merge_and_branches(tmp_path: Path) -> None:
    cfg = make(tmp_path)
    first = command.revision(cfg, "first", rev_id="a1")
    assert first is not None and first.revision == "a1"
    command.revision(cfg, "second", rev_id="b2")
    command.revision(cfg, "side", rev_id="c3", head="a1", splice=True, branch_label="side")
    merged = command.merge(cfg, "heads", message="join", rev_id="m1")
    assert merged is not None and merged.down_revision == ("b2", "c3")
    sd = ScriptDirectory.from_config(cfg)
    assert sd.get_heads() == ["m1"]
    assert sd.get_revision("side@head") is not None


def test_merge_unknown_label_lists_labels(tmp_path: Path) -> None:
    cfg = make(tmp_path)
    command.revision(cfg, "a", rev_id="a1", branch_label="alpha")
    with pytest.raises(ResolutionError) as info:
        command.merge(cfg, ["main@head", "a1"], message="x")
    assert "main" in info.value.message
    assert info.value.hint == "branch labels that exist: alpha"


def test_merge_of_non_heads_needs_splice(tmp_path: Path) -> None:
    cfg = make(tmp_path)
    command.revision(cfg, "a", rev_id="a1")
    command.revision(cfg, "b", rev_id="b2")
    with pytest.raises(RevisionError, match="not a head revision"):
        command.merge(cfg, ["a1", "b2"])


def test_revision_sql_not_yet(tmp_path: Path) -> None:
    # --autogenerate itself is tested in tests/autogenerate/test_runner.py.
    cfg = make(tmp_path)
    with pytest.raises(TidalError, match="does not make any sense"):
        command.revision(cfg, "x", autogenerate=True, sql=True)
    with pytest.raises(TidalError, match="arrives with autogenerate"):
        command.revision(cfg, "x", sql=True)


def test_revision_environment_passes_template_args(tmp_path: Path) -> None:
    cfg = make(tmp_path)
    ini = tmp_path / "alembic.ini"
    ini.write_text(
        ini.read_text().replace("# revision_environment = false", "revision_environment = true")
        .replace("driver://user:pass@localhost/dbname", f"sqlite:///{tmp_path / 'db.sqlite'}")
    )
    env = tmp_path / "mig" / "env.py"
    env.write_text(
        env.read_text().replace(
            "context.configure(connection=connection, target_metadata=target_metadata)",
            "context.configure(connection=connection, target_metadata=target_metadata,"
            " template_args={'stamp': 'from env.py'})",
        )
    )
    mako = tmp_path / "mig" / "script.py.mako"
    mako.write_text(mako.read_text() + "\n# ${stamp}\n")
    cfg = config_in(tmp_path)
    script = command.revision(cfg, "x", rev_id="e1")
    assert script is not None
    assert "# from env.py" in Path(script.path).read_text()


def test_edit_uses_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = make(tmp_path)
    command.revision(cfg, "a", rev_id="a1")
    record = tmp_path / "edited.txt"
    editor = tmp_path / "ed.py"
    editor.write_text(
        f"import sys, pathlib\npathlib.Path({str(record)!r}).write_text(sys.argv[1])\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    command.edit(cfg, "a1")
    assert record.read_text().endswith("a1_a.py")
    with pytest.raises(UsageError, match="No revision files indicated by symbol 'base'"):
        command.edit(cfg, "base")
    monkeypatch.setenv("EDITOR", "false")
    with pytest.raises(TidalError, match="error executing editor"):
        command.edit(cfg, "head")


@pytest.mark.parametrize("template", TEMPLATES)
def test_alembic_reads_a_tidal_project(tmp_path: Path, template: str) -> None:
    cfg = make(tmp_path, template)
    command.revision(cfg, "first", rev_id="a1")
    command.revision(cfg, "second", rev_id="b2", branch_label="lbl")
    command.revision(cfg, "dep", rev_id="c3", head="base", depends_on="a1")
    done = subprocess.run(
        [str(ALEMBIC), "heads"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == ["b2 (lbl) (head)", "c3 (head)"]
    done = subprocess.run(
        [str(ALEMBIC), "history"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert "a1 -> b2 (lbl) (head), second" in done.stdout
