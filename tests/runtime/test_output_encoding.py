"""``context.configure(output_encoding=...)``: ``--sql`` text reaches a binary buffer encoded.

Differential: the same project, env.py and buffer given to Alembic and to Tidal must
give the same bytes (byte order mark included) or both fail.
"""

from __future__ import annotations

import gc
import io
from pathlib import Path
from typing import Any

import pytest
from tests.runtime.projects import alembic_command, make_project, tidal_command, write_script

from tidal.errors import EnvironmentError_, OperationError
from tidal.script.revision import Revision

ENV = '''import sqlalchemy as sa
from alembic import context

config = context.config
url = config.get_main_option("sqlalchemy.url")
kw = {{}}
if {encoding!r}:
    kw["output_encoding"] = {encoding!r}
if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, **kw)
    with context.begin_transaction():
        context.run_migrations()
else:
    with sa.create_engine(url).connect() as connection:
        context.configure(connection=connection, **kw)
        with context.begin_transaction():
            context.run_migrations()
'''

BODY = '''def upgrade():
    op.execute("SELECT '{text}'")


def downgrade():
    op.execute("SELECT 'bye'")
'''


def _project(tmp_path: Path, encoding: str, text: str) -> Path:
    ini = make_project(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", [])
    (ini.parent / "migrations" / "env.py").write_text(ENV.format(encoding=encoding))
    versions = ini.parent / "migrations" / "versions"
    write_script(versions, Revision("a1", None), BODY.format(text=text))
    write_script(versions, Revision("b2", "a1"))
    return ini


def _upgrade_sql(tool: Any, ini: Path, buffer: Any) -> None:
    if tool is alembic_command:
        from alembic import command as acommand
        from alembic.config import Config as AConfig

        acommand.upgrade(AConfig(str(ini), output_buffer=buffer), "head", sql=True)
    else:
        _tidal_upgrade_sql(ini, buffer)


def _tidal_upgrade_sql(ini: Path, buffer: Any) -> None:
    from tidal import command
    from tidal.config import Config

    command.upgrade(Config(str(ini), output_buffer=buffer), "head", sql=True)


def _run(tool: Any, ini: Path, buffer: Any) -> tuple[str, bytes | str | None]:
    """Return (outcome, what the buffer holds) of ``upgrade head --sql`` into ``buffer``."""
    try:
        _upgrade_sql(tool, ini, buffer)
        result = "ok"
    except Exception as exc:  # noqa: BLE001 - each tool fails with its own type
        result = f"fails: {type(exc).__name__}"
    return result, None if buffer.closed else buffer.getvalue()


CASES = [
    ("utf-8", "héllo € ✓", b""),
    ("utf-16", "héllo € ✓", b""),
    ("utf-16", "héllo", b"-- header\n"),  # not at the start: no byte order mark
    ("utf-8-sig", "héllo", b""),
    ("latin-1", "héllo", b""),
    ("cp1252", "prix €", b""),
]


@pytest.mark.differential
@pytest.mark.parametrize(("encoding", "text", "prefix"), CASES)
def test_encoded_bytes_match_alembic(
    tmp_path: Path, encoding: str, text: str, prefix: bytes
) -> None:
    ini = _project(tmp_path, encoding, text)
    alembic_out = _run(alembic_command, ini, io.BytesIO(prefix))
    tidal_out = _run(tidal_command, ini, io.BytesIO(prefix))
    assert alembic_out[0] == tidal_out[0] == "ok"
    assert tidal_out[1] == alembic_out[1]
    assert isinstance(tidal_out[1], bytes)
    body = tidal_out[1][len(prefix) :].decode(encoding)
    assert f"SELECT '{text}';" in body
    assert "UPDATE alembic_version SET version_num='b2'" in body


def _plain_text(tmp_path: Path) -> str:
    ini = _project(tmp_path / "plain", "", "héllo € ✓")
    out = io.StringIO()
    outcome, _ = _run(tidal_command, ini, out)
    assert outcome == "ok"
    return out.getvalue()


def test_encoded_output_is_the_plain_script_encoded(tmp_path: Path) -> None:
    ini = _project(tmp_path / "enc", "utf-16-le", "héllo € ✓")
    buffer = io.BytesIO()
    assert _run(tidal_command, ini, buffer)[0] == "ok"
    assert buffer.getvalue().decode("utf-16-le") == _plain_text(tmp_path)


def test_without_output_encoding_a_binary_buffer_fails_as_in_alembic(tmp_path: Path) -> None:
    ini = _project(tmp_path, "", "héllo")
    assert _run(alembic_command, ini, io.BytesIO())[0].startswith("fails")
    assert _run(tidal_command, ini, io.BytesIO())[0].startswith("fails")


@pytest.mark.differential
@pytest.mark.parametrize("buffer_cls", [io.StringIO])
def test_a_text_buffer_with_output_encoding_fails_as_in_alembic(
    tmp_path: Path, buffer_cls: type[io.StringIO]
) -> None:
    ini = _project(tmp_path, "utf-8", "héllo")
    assert _run(alembic_command, ini, buffer_cls())[0].startswith("fails")
    with pytest.raises(EnvironmentError_, match="needs a binary output_buffer") as info:
        _tidal_upgrade_sql(ini, buffer_cls())
    assert "sys.stdout.buffer" in info.value.hint


@pytest.mark.differential
def test_a_character_the_codec_lacks_fails_as_in_alembic(tmp_path: Path) -> None:
    ini = _project(tmp_path, "latin-1", "prix €")
    alembic_buffer, tidal_buffer = io.BytesIO(), io.BytesIO()
    assert _run(alembic_command, ini, alembic_buffer)[0].startswith("fails")
    with pytest.raises(OperationError, match="latin-1 .*'€'"):
        _tidal_upgrade_sql(ini, tidal_buffer)
    # What came before the failing statement was written by both, alike.
    assert tidal_buffer.getvalue() == alembic_buffer.getvalue()
    assert b"CREATE TABLE alembic_version" in tidal_buffer.getvalue()


def test_the_caller_buffer_stays_open(tmp_path: Path) -> None:
    ini = _project(tmp_path, "utf-8", "héllo")
    buffer = io.BytesIO()
    assert _run(tidal_command, ini, buffer)[0] == "ok"
    gc.collect()  # the encoding wrapper is garbage now: it must not close the buffer
    assert not buffer.closed
    assert "héllo".encode() in buffer.getvalue()


def test_online_runs_ignore_output_encoding(tmp_path: Path) -> None:
    ini = _project(tmp_path, "utf-8", "héllo")
    tidal_command(ini, "upgrade", "head")  # stdout is a text stream: unused online
    from tests.runtime.projects import version_rows

    assert version_rows(f"sqlite:///{tmp_path / 'x.db'}") == ["b2"]
