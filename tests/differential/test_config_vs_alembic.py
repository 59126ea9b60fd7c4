"""Load the same ini / pyproject files through alembic.config.Config and tidal.config.Config.

Alembic is the oracle: on the grammar both accept, every accessor gives the same value.
Deliberate differences (environment values, inline comments, named-section fallback,
extra separator names) are tested in tests/test_config.py, not here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

alembic_config = pytest.importorskip("alembic.config")

from tidal.config import Config  # noqa: E402

pytestmark = pytest.mark.differential

INI = """\
[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
{separator}
version_locations = %(here)s/versions %(here)s/other
file_template = %%(year)d_%%(month).2d_%%(rev)s_%%(slug)s
timezone = UTC
truncate_slug_length = 40
revision_environment = false
sourceless = false
recursive_version_locations = true
output_encoding = utf-8
sqlalchemy.url = driver://scott:tiger@localhost/test
databases = engine1, engine2

[engine1]
sqlalchemy.url = driver://scott:tiger@localhost/test1

[engine2]
sqlalchemy.url = driver://scott:tiger@localhost/test2
script_location = elsewhere

[post_write_hooks]
hooks = black, ruff, verify
black.type = console_scripts
black.entrypoint = black
black.options = -l 79 REVISION_SCRIPT_FILENAME
ruff.type = module
ruff.module = ruff
ruff.options = check --fix REVISION_SCRIPT_FILENAME
verify.executable = scripts/verify_changes.sh

[loggers]
keys = root,sqlalchemy,alembic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
datefmt = %%H:%%M:%%S
"""

TOML = """\
[tool.alembic]
script_location = "%(here)s/migrations"
version_locations = ["%(here)s/a", "%(here)s/b"]
prepend_sys_path = ["."]
file_template = "%%(rev)s_%%(slug)s"
truncate_slug_length = 30
sourceless = true
recursive_version_locations = false

[[tool.alembic.post_write_hooks]]
name = "black"
type = "console_scripts"
entrypoint = "black"
options = "-l 79 REVISION_SCRIPT_FILENAME"

[[tool.alembic.post_write_hooks]]
name = "ruff"
type = "module"
module = "ruff"
"""

KEYS = [
    "script_location",
    "prepend_sys_path",
    "version_locations",
    "path_separator",
    "file_template",
    "timezone",
    "truncate_slug_length",
    "revision_environment",
    "sourceless",
    "recursive_version_locations",
    "output_encoding",
    "sqlalchemy.url",
    "databases",
    "post_write_hooks",
    "nope",
]

SECTIONS = ["alembic", "engine1", "engine2", "post_write_hooks", "formatter_generic", "nope"]


def outcome(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("ok", fn())
        except Exception:  # noqa: BLE001 - comparing failure vs success
            return ("error",)


def both(tmp_path: Path, ini: str | None, toml: str | None, **kwargs: Any) -> tuple[Any, Any]:
    ini_path = tmp_path / "alembic.ini"
    toml_path = tmp_path / "pyproject.toml"
    if ini is not None:
        ini_path.write_text(ini, encoding="utf-8")
    if toml is not None:
        toml_path.write_text(toml, encoding="utf-8")
    args = {
        "file_": str(ini_path) if ini is not None else None,
        "toml_file": str(toml_path) if toml is not None else None,
        **kwargs,
    }
    return alembic_config.Config(**args), Config(**args)


def accessors(config: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "version_locations": outcome(config.get_version_locations_list),
        "prepend": outcome(config.get_prepend_sys_paths_list),
        "hooks": outcome(config.get_hooks_list),
        "sections": outcome(lambda: sorted(config.file_config.sections())),
        "defaults": outcome(lambda: dict(config.file_config.defaults())),
    }
    for key in KEYS:
        result[f"main:{key}"] = outcome(lambda k=key: config.get_main_option(k))
        result[f"alembic:{key}"] = outcome(lambda k=key: config.get_alembic_option(k))
    for name in SECTIONS:
        result[f"section:{name}"] = outcome(lambda n=name: config.get_section(n))
    for key in ("sourceless", "recursive_version_locations", "revision_environment", "nope"):
        result[f"bool:{key}"] = outcome(lambda k=key: config.get_alembic_boolean_option(k))
    return result


@pytest.mark.parametrize(
    "separator",
    ["", "path_separator = os", "path_separator = space", "version_path_separator = space"],
)
@pytest.mark.parametrize("with_toml", [False, True])
def test_ini_accessors_match(tmp_path: Path, separator: str, with_toml: bool) -> None:
    theirs, ours = both(tmp_path, INI.format(separator=separator), TOML if with_toml else None)
    assert accessors(ours) == accessors(theirs)


def test_toml_only_accessors_match(tmp_path: Path) -> None:
    theirs, ours = both(tmp_path, None, TOML)
    assert accessors(ours) == accessors(theirs)
    assert ours.toml_alembic_config == theirs.toml_alembic_config


def test_no_files_match(tmp_path: Path) -> None:
    theirs, ours = both(tmp_path, None, None)
    assert accessors(ours) == accessors(theirs)


@pytest.mark.parametrize("section", ["engine1", "engine2"])
def test_named_section_that_has_its_keys(tmp_path: Path, section: str) -> None:
    theirs, ours = both(tmp_path, INI.format(separator=""), None, ini_section=section)
    for key in ("sqlalchemy.url", "nope"):
        assert ours.get_main_option(key) == theirs.get_main_option(key)
    assert ours.get_section(section) == theirs.get_section(section)
    if section == "engine2":  # has its own script_location: no fallback involved
        assert ours.get_main_option("script_location") == theirs.get_main_option("script_location")


def test_missing_section_option_fails_in_both(tmp_path: Path) -> None:
    theirs, ours = both(tmp_path, INI.format(separator=""), None, ini_section="db3")
    assert (
        outcome(lambda: ours.get_main_option("x"))
        == outcome(lambda: theirs.get_main_option("x"))
        == ("error",)
    )
    assert ours.get_section("db3") is None and theirs.get_section("db3") is None


def test_set_and_remove_match(tmp_path: Path) -> None:
    theirs, ours = both(tmp_path, INI.format(separator=""), None)
    for config in (theirs, ours):
        config.set_main_option("new_key", "%(here)s/x")
        config.set_section_option("fresh", "k", "v")
        config.remove_main_option("timezone")
    for getter in (
        lambda c: c.get_main_option("new_key"),
        lambda c: c.get_section("fresh"),
        lambda c: c.get_main_option("timezone"),
    ):
        assert getter(ours) == getter(theirs)


def test_config_args_and_attributes_match(tmp_path: Path) -> None:
    ini = "[alembic]\nurl = %(base)s/db\n"
    theirs, ours = both(tmp_path, ini, None, config_args={"base": "B"}, attributes={"a": 1})
    assert ours.get_main_option("url") == theirs.get_main_option("url")
    assert ours.attributes == theirs.attributes
    assert ours.file_config.defaults() == theirs.file_config.defaults()


_PIECE = st.text(alphabet="abcXYZ019_./-", min_size=1, max_size=6)
_JOIN = st.sampled_from([" ", ",", ", ", ":", ";", "  ", "\n  "])


@given(
    pieces=st.lists(st.tuples(_PIECE, _JOIN), min_size=1, max_size=6),
    separator=st.sampled_from(["", "os", "space", "newline", ":", ";"]),
)
def test_path_splitting_matches(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[tuple[str, str]], separator: str
) -> None:
    tmp = tmp_path_factory.mktemp("split")
    value = "".join(p + j for p, j in pieces).rstrip()
    line = f"path_separator = {separator}\n" if separator else ""
    ini = f"[alembic]\n{line}version_locations = {value}\nprepend_sys_path = {value}\n"
    theirs, ours = both(tmp, ini, None)
    assert outcome(ours.get_version_locations_list) == outcome(theirs.get_version_locations_list)
    assert outcome(ours.get_prepend_sys_paths_list) == outcome(theirs.get_prepend_sys_paths_list)


def test_deprecation_warnings_match(tmp_path: Path) -> None:
    ini = (
        "[alembic]\nversion_path_separator = space\n"
        "version_locations = a b\nprepend_sys_path = a b\n"
    )
    theirs, ours = both(tmp_path, ini, None)

    def caught(config: Any) -> list[str]:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            config.get_version_locations_list()
            config.get_prepend_sys_paths_list()
        return [f"{w.category.__name__}: {w.message}" for w in seen]

    assert caught(ours) == caught(theirs)


def test_relative_files_and_here_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "alembic.ini").write_text("[alembic]\nx = %(here)s/x\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.alembic]\ny = "%(here)s/y"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = {"file_": "sub/../alembic.ini", "toml_file": "sub/../pyproject.toml"}
    theirs, ours = alembic_config.Config(**args), Config(**args)
    assert ours.get_main_option("x") == theirs.get_main_option("x")
    assert ours.get_alembic_option("y") == theirs.get_alembic_option("y")
    assert ours._config_file_path == theirs._config_file_path
    assert ours._toml_file_path == theirs._toml_file_path
    assert ours.config_args == theirs.config_args


_VALUE_PART = st.one_of(
    st.text(alphabet="abc XYZ019_./:;,-@=?&", min_size=1, max_size=5),
    st.sampled_from(["%%", "%(here)s", "%(other)s", "%(chain)s", "%%(rev)s"]),
)


@given(parts=st.lists(_VALUE_PART, min_size=1, max_size=8))
def test_interpolation_matches(tmp_path_factory: pytest.TempPathFactory, parts: list[str]) -> None:
    tmp = tmp_path_factory.mktemp("interp")
    value = "".join(parts).strip()
    ini = f"[alembic]\nother = O\nchain = <%(other)s>\nkey = {value}\n"
    theirs, ours = both(tmp, ini, None)
    assert outcome(lambda: ours.get_main_option("key")) == outcome(
        lambda: theirs.get_main_option("key")
    )
    assert outcome(lambda: ours.get_section("alembic")) == outcome(
        lambda: theirs.get_section("alembic")
    )
