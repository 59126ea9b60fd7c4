"""``tidal revision --autogenerate`` at a terminal asks about each rename; ``--rename`` hints."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from tests.autogenerate.project import make_file_project, versions

from tidal.cli.main import main

BASE = """
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("{col}", sa.String(40)))
sa.Table("{table}", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    ini = make_file_project(tmp_path / "p", url, BASE.format(col="name", table="logs"))
    monkeypatch.chdir(ini.parent)
    assert main(["revision", "--autogenerate", "-m", "base"]) == 0
    assert main(["upgrade", "head"]) == 0
    (ini.parent / "models.py").write_text(BASE.format(col="full_name", table="events"))
    return ini


def _at_terminal(monkeypatch: pytest.MonkeyPatch, answers: str) -> Terminal:
    out = Terminal()
    monkeypatch.setattr(sys, "stdin", Terminal(answers))
    monkeypatch.setattr(sys, "stdout", out)
    return out


def test_prompt_answers_yes_and_no(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ini = _project(tmp_path, monkeypatch)
    out = _at_terminal(monkeypatch, "n\n\n")
    assert main(["revision", "--autogenerate", "-m", "r"]) == 0
    printed = out.getvalue()
    assert "Rename table logs to events? [Y/n] " in printed
    assert "Rename column users.name to users.full_name? [Y/n] " in printed
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert "op.drop_table('logs')" in upgrade and "op.create_table('events'" in upgrade
    assert "new_column_name='full_name'" in upgrade


def test_no_prompt_without_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ini = _project(tmp_path, monkeypatch)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", Terminal("n\nn\n"))
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["revision", "--autogenerate", "-m", "r"]) == 0
    assert "[Y/n]" not in out.getvalue()
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert upgrade.count("# detected as rename; check it") == 2


def test_no_renames_asks_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ini = _project(tmp_path, monkeypatch)
    out = _at_terminal(monkeypatch, "")
    assert main(["revision", "--autogenerate", "--no-renames", "-m", "r"]) == 0
    assert "[Y/n]" not in out.getvalue()
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert "op.drop_column('users', 'name')" in upgrade and "rename" not in upgrade


def test_hint_is_not_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ini = _project(tmp_path, monkeypatch)
    out = _at_terminal(monkeypatch, "n\n")
    argv = ["revision", "--autogenerate", "--rename", "users.name:full_name", "-m", "r"]
    assert main(argv) == 0
    assert out.getvalue().count("[Y/n]") == 1  # only the table
    upgrade = versions(ini)[-1].read_text().split("def downgrade", 1)[0]
    assert "new_column_name='full_name'" in upgrade and "op.drop_table('logs')" in upgrade


def test_unknown_hint_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ini = _project(tmp_path, monkeypatch)
    before = versions(ini)
    capsys.readouterr()
    assert main(["revision", "--autogenerate", "--rename", "users.nme:full_name", "-m", "r"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "FAILED: --rename users.nme:full_name: no removed column 'nme' (did you mean 'name'?)",
        "  hint: removed: name; added: full_name",
    ]
    assert versions(ini) == before
