"""The dialect registry: lazy lookup, fallback, did-you-mean."""

from __future__ import annotations

import pytest

from tidal.dialects import DefaultImpl, impl_for, lookup_impl, register_impl
from tidal.errors import OperationError


@pytest.mark.parametrize(
    ("name", "cls_name", "transactional"),
    [
        ("sqlite", "SQLiteImpl", False),
        ("postgresql", "PostgresqlImpl", True),
        ("mysql", "MySQLImpl", False),
        ("mariadb", "MySQLImpl", False),
    ],
)
def test_builtin_impls(name: str, cls_name: str, transactional: bool) -> None:
    impl = impl_for(name)
    assert impl.__name__ == cls_name
    assert impl.transactional_ddl is transactional
    assert impl.command_terminator == ";"


def test_unknown_dialect_falls_back_and_strict_lookup_suggests() -> None:
    assert impl_for("oracle") is DefaultImpl
    with pytest.raises(OperationError) as err:
        lookup_impl("postgres")
    assert "postgresql" in err.value.hint


def test_register_impl() -> None:
    class CustomImpl(DefaultImpl):
        name = "custom"

    register_impl("custom", CustomImpl)
    assert impl_for("custom") is CustomImpl


def test_alembic_style_dunder_dialect_registers() -> None:
    class ThirdPartyImpl(DefaultImpl):
        __dialect__ = "thirdparty"

    assert impl_for("thirdparty") is ThirdPartyImpl
