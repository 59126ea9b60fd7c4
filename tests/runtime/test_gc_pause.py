"""tidal.runtime.gc_pause: the CLI runs env.py without the cyclic collector, migrations with it."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.runtime.projects import make_project, write_script

from tidal.cli.main import main
from tidal.runtime import gc_pause
from tidal.script.revision import Revision

# env.py's top level and a migration's upgrade() each record whether the collector is on.
_PROBE = (
    "import gc, json, os\n"
    "with open(os.environ['TIDAL_GC_PROBE'], 'a') as probe:\n"
    "    probe.write(json.dumps([{where!r}, gc.isenabled()]) + '\\n')\n"
)

_UPGRADE = """def upgrade():
{probe}
    op.execute("CREATE TABLE t_a (id INTEGER)")


def downgrade():
    op.execute("DROP TABLE t_a")
"""


@pytest.fixture
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ini = make_project(tmp_path / "p", f"sqlite:///{tmp_path / 'p.db'}", [])
    versions = ini.parent / "migrations" / "versions"
    versions.mkdir(exist_ok=True)
    probe = "\n".join("    " + line for line in _PROBE.format(where="upgrade").splitlines())
    write_script(versions, Revision("a", None), _UPGRADE.format(probe=probe))
    env = ini.parent / "migrations" / "env.py"
    env.write_text(_PROBE.format(where="env.py") + env.read_text())
    monkeypatch.setenv("TIDAL_GC_PROBE", str(tmp_path / "probe.jsonl"))
    monkeypatch.chdir(ini.parent)
    return tmp_path


def _probes(root: Path) -> list[list[object]]:
    lines = (root / "probe.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_env_runs_paused_and_migrations_with_the_collector(project: Path, restore_gc: None) -> None:
    gc.enable()
    assert main(["upgrade", "head"]) == 0
    assert _probes(project) == [["env.py", False], ["upgrade", True]]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # what the run froze is handed back


def test_tidal_no_gc_pause_keeps_the_collector_on(
    project: Path, restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIDAL_NO_GC_PAUSE", "1")
    gc.enable()
    assert main(["upgrade", "head"]) == 0
    assert _probes(project) == [["env.py", True], ["upgrade", True]]
    assert gc.get_freeze_count() == 0


def test_a_disabled_collector_stays_disabled(project: Path, restore_gc: None) -> None:
    gc.disable()
    assert main(["upgrade", "head"]) == 0
    assert _probes(project) == [["env.py", False], ["upgrade", False]]
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_failing_command_resumes_the_collector(project: Path, restore_gc: None) -> None:
    gc.enable()
    assert main(["upgrade", "nosuchrev"]) != 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_host_s_frozen_objects_stay_frozen(project: Path, restore_gc: None) -> None:
    gc.enable()
    gc.freeze()
    assert main(["upgrade", "head"]) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # not unfrozen by the run


def test_resume_without_pause_changes_nothing(restore_gc: None) -> None:
    gc.disable()
    gc_pause.resume()
    gc_pause.release()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_program_exits_with_main_s_code(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tidal", "upgrade", "head"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _probes(project) == [["env.py", False], ["upgrade", True]]
    again = subprocess.run(
        [sys.executable, "-m", "tidal", "upgrade", "nosuchrev"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 4
    assert "FAILED: no such revision or branch 'nosuchrev'" in again.stderr
