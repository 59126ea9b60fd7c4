"""tidal.config.Config: ini keys, interpolation, environment values, pyproject, -n sections."""

from __future__ import annotations

import io
import warnings
from argparse import Namespace
from pathlib import Path

import pytest

from tidal.config import Config, find_config_files, mask_url, mask_urls
from tidal.errors import ConfigError, MissingSectionError, MissingVariableError, UsageError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return write(
        tmp_path / "alembic.ini",
        "[alembic]\n"
        "script_location = %(here)s/migrations\n"
        "path_separator = os\n"
        "sqlalchemy.url = driver://u:p@h/db\n"
        "\n[db1]\nsqlalchemy.url = driver://u@h/db1\n"
        "\n[db2]\nscript_location = other\nsqlalchemy.url = driver://u@h/db2\n",
    )


# -- basic API ----------------------------------------------------------------------------


def test_main_options_and_here(ini: Path) -> None:
    cfg = Config(str(ini))
    assert cfg.get_main_option("script_location") == f"{ini.parent}/migrations"
    assert cfg.get_main_option("nope") is None
    assert cfg.get_main_option("nope", "d") == "d"
    assert cfg.file_config.defaults()["here"] == str(ini.parent)
    assert cfg.config_ini_section == "alembic"
    assert cfg.config_file_name == str(ini)


def test_set_and_remove_main_option(ini: Path) -> None:
    cfg = Config(str(ini))
    cfg.set_main_option("sqlalchemy.url", "driver://x/y")
    assert cfg.get_main_option("sqlalchemy.url") == "driver://x/y"
    cfg.remove_main_option("sqlalchemy.url")
    assert cfg.get_main_option("sqlalchemy.url") is None
    cfg.set_section_option("new", "k", "v")
    assert cfg.get_section_option("new", "k") == "v"


def test_get_section_missing_returns_default(ini: Path) -> None:
    cfg = Config(str(ini))
    assert cfg.get_section("db3") is None
    assert cfg.get_section("db3", {"a": "b"}) == {"a": "b"}
    section = cfg.get_section("db1")
    assert section is not None and section["sqlalchemy.url"] == "driver://u@h/db1"
    assert section["here"] == str(ini.parent)


def test_get_section_option_missing_section_is_config_error(ini: Path) -> None:
    with pytest.raises(ConfigError, match=r"no '\[zz\]' section"):
        Config(str(ini)).get_section_option("zz", "a")


def test_no_file_has_empty_main_section() -> None:
    cfg = Config()
    assert cfg.file_config.sections() == ["alembic"]
    assert cfg.get_main_option("script_location") is None


def test_config_args_are_interpolation_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "a.ini", "[alembic]\nurl = %(base)s/x\n")
    assert Config(str(path), config_args={"base": "B"}).get_main_option("url") == "B/x"


def test_attributes_and_cmd_opts() -> None:
    shared: dict[str, object] = {"connection": 1}
    opts = Namespace(quiet=False, x=["a=1"])
    cfg = Config(attributes=shared, cmd_opts=opts)
    assert cfg.attributes is shared
    assert cfg.cmd_opts is opts
    assert Config().attributes == {}


def test_print_stdout_formats_and_respects_quiet() -> None:
    out = io.StringIO()
    Config(stdout=out).print_stdout("a %s %d", "b", 3)
    assert out.getvalue() == "a b 3\n"
    quiet = io.StringIO()
    Config(stdout=quiet, cmd_opts=Namespace(quiet=True)).print_stdout("x")
    assert quiet.getvalue() == ""


def test_template_directory_is_tidals() -> None:
    assert Path(Config().get_template_directory()).name == "templates"
    assert "tidal" in Config().get_template_directory()


def test_unreadable_ini_is_config_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.ini", "no section header\n")
    with pytest.raises(ConfigError, match="cannot read"):
        Config(str(path)).get_main_option("x")


# -- named sections ----------------------------------------------------------------------


def test_named_section_takes_script_location_from_alembic(ini: Path) -> None:
    cfg = Config(str(ini), ini_section="db1")
    assert cfg.get_main_option("script_location") == f"{ini.parent}/migrations"
    assert cfg.get_main_option("sqlalchemy.url") == "driver://u@h/db1"
    assert Config(str(ini), ini_section="db2").get_main_option("script_location") == "other"


def test_named_section_does_not_inherit_url(tmp_path: Path) -> None:
    path = write(tmp_path / "a.ini", "[alembic]\nsqlalchemy.url = a\n[db1]\nx = 1\n")
    assert Config(str(path), ini_section="db1").get_main_option("sqlalchemy.url") is None


def test_ensure_ini_section_lists_sections(ini: Path) -> None:
    Config(str(ini), ini_section="db1").ensure_ini_section()
    with pytest.raises(MissingSectionError) as info:
        Config(str(ini), ini_section="db3").ensure_ini_section()
    assert "db3" in info.value.message
    assert "alembic, db1, db2" in info.value.hint
    assert info.value.exit_code == 3


# -- keys ---------------------------------------------------------------------------------


def test_boolean_and_int_options(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.ini",
        "[alembic]\nsourceless = true\nrecursive_version_locations = off\n"
        "truncate_slug_length = 40\nrevision_environment = maybe\n",
    )
    cfg = Config(str(path))
    assert cfg.get_alembic_boolean_option("sourceless") is True
    assert cfg.get_alembic_boolean_option("recursive_version_locations") is False
    assert cfg.get_alembic_boolean_option("unset") is False
    assert cfg.get_alembic_int_option("truncate_slug_length") == 40
    assert cfg.get_alembic_int_option("unset") is None
    with pytest.raises(ConfigError, match="boolean value expected"):
        cfg.get_alembic_boolean_option("revision_environment")


@pytest.mark.parametrize(
    ("separator", "expected"),
    [
        ("os", ["a b,c", "d;e"]),
        ("space", ["a", "b,c:d;e"]),
        ("newline", ["a b,c:d;e"]),
        (":", ["a b,c", "d;e"]),
        (";", ["a b,c:d", "e"]),
        ("colon", ["a b,c", "d;e"]),
        ("semicolon", ["a b,c:d", "e"]),
        ("comma", ["a b", "c:d;e"]),
    ],
)
def test_path_separator(tmp_path: Path, separator: str, expected: list[str]) -> None:
    path = write(
        tmp_path / "a.ini",
        f"[alembic]\npath_separator = {separator}\nversion_locations = a b,c:d;e\n"
        "prepend_sys_path = a b,c:d;e\n",
    )
    cfg = Config(str(path))
    assert cfg.get_version_locations_list() == expected
    assert cfg.get_prepend_sys_paths_list() == expected


def test_legacy_splitting_warns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.ini", "[alembic]\nversion_locations = a b,c:d\nprepend_sys_path = a b,c:d\n"
    )
    cfg = Config(str(path))
    with pytest.warns(DeprecationWarning, match="legacy splitting"):
        assert cfg.get_version_locations_list() == ["a", "b", "c:d"]
    with pytest.warns(DeprecationWarning, match="legacy splitting"):
        assert cfg.get_prepend_sys_paths_list() == ["a", "b", "c", "d"]


def test_version_path_separator_is_deprecated(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.ini", "[alembic]\nversion_path_separator = ;\nversion_locations = a;b\n"
    )
    with pytest.warns(DeprecationWarning, match="version_path_separator"):
        assert Config(str(path)).get_version_locations_list() == ["a", "b"]


def test_bad_separator_is_config_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.ini", "[alembic]\npath_separator = pipe\nversion_locations = a\n")
    with pytest.raises(ConfigError, match="'pipe' is not a valid value for path_separator"):
        Config(str(path)).get_version_locations_list()


def test_unset_path_lists_are_none(tmp_path: Path) -> None:
    path = write(tmp_path / "a.ini", "[alembic]\nversion_locations =\n")
    cfg = Config(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cfg.get_version_locations_list() is None
        assert cfg.get_prepend_sys_paths_list() is None


def test_hooks_from_ini_seed_003(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.ini",
        "[alembic]\n[post_write_hooks]\n# 自动生成变更校验脚本\nhooks = black, pg_dump_verify\n"
        "black.type = console_scripts\nblack.entrypoint = black\nblack.options = -l 79\n"
        "pg_dump_verify.executable = scripts/verify_changes.sh\n",
    )
    assert Config(str(path)).get_hooks_list() == [
        {
            "type": "console_scripts",
            "entrypoint": "black",
            "options": "-l 79",
            "_hook_name": "black",
        },
        {"executable": "scripts/verify_changes.sh", "_hook_name": "pg_dump_verify"},
    ]
    assert Config().get_hooks_list() == []


# -- environment values (issue 7) --------------------------------------------------------


def test_seed_003_env_url_with_trailing_comment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path / "alembic.ini",
        "[alembic]\nsqlalchemy.url = ${PRODUCTION_DB_URL}  # 通过环境变量注入\n",
    )
    monkeypatch.setenv("PRODUCTION_DB_URL", "driver://app:s3cret@db/prod")
    assert Config(str(path)).get_main_option("sqlalchemy.url") == "driver://app:s3cret@db/prod"


def test_missing_env_var_names_variable_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "alembic.ini", "[alembic]\nsqlalchemy.url = ${PRODUCTION_DB_URL}\n")
    monkeypatch.delenv("PRODUCTION_DB_URL", raising=False)
    with pytest.raises(MissingVariableError) as info:
        Config(str(path)).get_main_option("sqlalchemy.url")
    assert "PRODUCTION_DB_URL" in info.value.message
    assert "sqlalchemy.url" in info.value.message
    assert "\n" not in info.value.message
    assert info.value.exit_code == 3


def test_seed_004_percent_names_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path / "alembic.ini",
        "[alembic]\nsqlalchemy.url = driver://%(DB_USER)s:%(DB_PASSWORD)s@%(DB_HOST)s/%(DB_NAME)s\n"
        "db_name = from_file\n",
    )
    for name, value in {
        "DB_USER": "u",
        "DB_PASSWORD": "pw",
        "DB_HOST": "h",
        "DB_NAME": "env",
    }.items():
        monkeypatch.setenv(name, value)
    # a key of the file wins over the environment, as ConfigParser's interpolation would
    assert Config(str(path)).get_main_option("sqlalchemy.url") == "driver://u:pw@h/from_file"


def test_missing_percent_name_error_never_shows_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path / "a.ini", "[alembic]\nsqlalchemy.url = driver://u:hunter2@%(DB_HOST)s/x\n"
    )
    monkeypatch.delenv("DB_HOST", raising=False)
    with pytest.raises(MissingVariableError) as info:
        Config(str(path)).get_main_option("sqlalchemy.url")
    assert "DB_HOST" in info.value.message and "hunter2" not in str(info.value) + info.value.hint


@pytest.mark.parametrize(
    ("raw", "env", "expected"),
    [
        ("${A:-dflt}", {}, "dflt"),
        ("${A:-dflt}", {"A": ""}, "dflt"),
        ("${A-dflt}", {"A": ""}, ""),
        ("${A}", {"A": "v"}, "v"),
        ("$${A}", {}, "${A}"),
        ("100%%", {}, "100%"),
        ("cost $5", {}, "cost $5"),
        ("${A:-%(here)s/x}", {}, "HERE/x"),
        ("a#b", {}, "a#b"),
    ],
)
def test_env_grammar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: str, env: dict[str, str], expected: str
) -> None:
    monkeypatch.delenv("A", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = write(tmp_path / "a.ini", f"[alembic]\nkey = {raw}\n")
    cfg = Config(str(path), config_args={"here": "HERE"})
    assert cfg.get_main_option("key") == expected


def test_file_template_single_percent_token_is_kept(tmp_path: Path) -> None:
    # seed 003 writes %(month).2d with one '%'; Alembic's ConfigParser refuses it
    path = write(
        tmp_path / "a.ini",
        "[alembic]\nfile_template = "
        "%%(year)d_%(month).2d_%(day).2d_%%(hour).2d%%(minute).2d-%%(slug)s\n",
    )
    assert (
        Config(str(path)).get_main_option("file_template")
        == "%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(slug)s"
    )


def test_self_reference_is_config_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.ini", "[alembic]\na = %(a)s\n")
    with pytest.raises(ConfigError, match="refers to itself"):
        Config(str(path)).get_main_option("a")


def test_mask_url() -> None:
    assert mask_url("driver://scott:tiger@host/db") == "driver://scott:***@host/db"
    assert mask_url("driver://scott@host/db") == "driver://scott@host/db"
    assert mask_url("driver:///file.db") == "driver:///file.db"
    assert (
        mask_urls("x driver://a:b@c/d y driver://e:f@g/h")
        == "x driver://a:***@c/d y driver://e:***@g/h"
    )


# -- pyproject.toml ----------------------------------------------------------------------


def test_pyproject_keys_and_tidal_precedence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIG", "mig")
    toml = write(
        tmp_path / "pyproject.toml",
        '[tool.alembic]\nscript_location = "%(here)s/${MIG}"\nfile_template = "%%(rev)s"\n'
        'version_locations = ["%(here)s/a", "b"]\nprepend_sys_path = ["."]\n'
        "truncate_slug_length = 40\nsourceless = true\n"
        '[[tool.alembic.post_write_hooks]]\nname = "ruff"\ntype = "module"\nmodule = "ruff"\n'
        '[tool.tidal]\nfile_template = "%%(slug)s"\n',
    )
    cfg = Config(toml_file=str(toml))
    assert cfg.get_alembic_option("script_location") == f"{tmp_path}/mig"
    assert cfg.get_alembic_option("file_template") == "%(slug)s"
    assert cfg.get_main_option("script_location") is None  # main options are the ini's only
    assert cfg.get_version_locations_list() == [f"{tmp_path}/a", "b"]
    assert cfg.get_prepend_sys_paths_list() == ["."]
    assert cfg.get_alembic_int_option("truncate_slug_length") == 40
    assert cfg.get_alembic_boolean_option("sourceless") is True
    assert cfg.get_hooks_list() == [{"type": "module", "module": "ruff", "_hook_name": "ruff"}]


def test_ini_wins_over_pyproject(tmp_path: Path) -> None:
    toml = write(tmp_path / "pyproject.toml", '[tool.alembic]\nscript_location = "t"\n')
    ini = write(tmp_path / "alembic.ini", "[alembic]\nscript_location = i\n")
    assert Config(str(ini), str(toml)).get_alembic_option("script_location") == "i"


def test_missing_pyproject_is_empty(tmp_path: Path) -> None:
    assert Config(toml_file=str(tmp_path / "pyproject.toml")).toml_alembic_config == {}


def test_bad_pyproject(tmp_path: Path) -> None:
    toml = write(tmp_path / "pyproject.toml", "[tool.alembic\n")
    with pytest.raises(ConfigError, match="cannot read"):
        Config(toml_file=str(toml)).get_alembic_option("x")
    toml = write(tmp_path / "pyproject.toml", '[tool.alembic]\nsourceless = "yes"\n')
    with pytest.raises(ConfigError, match="boolean value expected"):
        Config(toml_file=str(toml)).get_alembic_boolean_option("sourceless")


# -- discovery ---------------------------------------------------------------------------


def test_find_config_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.ini", "")
    write(tmp_path / "b.ini", "")
    write(tmp_path / "x.toml", "")
    files = find_config_files(None, {"TIDAL_CONFIG": "t.ini", "ALEMBIC_CONFIG": "a.ini"})
    assert (files.ini, files.toml, files.explicit_ini) == ("t.ini", "pyproject.toml", True)
    assert find_config_files(None, {"ALEMBIC_CONFIG": "a.ini"}).ini == "a.ini"
    assert find_config_files(["x.toml"], {}).ini == "alembic.ini"
    assert find_config_files(["x.toml"], {}).toml == "x.toml"
    both = find_config_files(["a.ini", "x.toml"], {"ALEMBIC_CONFIG": "b.ini"})
    assert (both.ini, both.toml) == ("a.ini", "x.toml")
    with pytest.raises(UsageError, match="only one ini file"):
        find_config_files(["a.ini", "b.ini"], {})
    with pytest.raises(ConfigError, match="not found"):
        find_config_files(["nope.ini"], {})
