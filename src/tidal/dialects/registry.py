"""Map a SQLAlchemy dialect name to its :class:`~tidal.dialects.impl.DefaultImpl`.

Dialect modules are imported on first use, so start-up never pays for a database the
run does not touch. Databases without a module of their own get :class:`DefaultImpl`
(SQLAlchemy's compiler renders the rest); :func:`register_impl` adds third-party ones.
"""

from __future__ import annotations

import importlib

from tidal.dialects.impl import DECLARED_IMPLS, DefaultImpl
from tidal.errors import OperationError, did_you_mean

__all__ = ["impl_for", "known_dialects", "lookup_impl", "register_impl"]

#: dialect name -> (module, class name), imported lazily.
_BUILTIN: dict[str, tuple[str, str]] = {
    "sqlite": ("tidal.dialects.sqlite", "SQLiteImpl"),
    "postgresql": ("tidal.dialects.postgresql", "PostgresqlImpl"),
    "mysql": ("tidal.dialects.mysql", "MySQLImpl"),
    "mariadb": ("tidal.dialects.mysql", "MySQLImpl"),
}

_REGISTERED: dict[str, type[DefaultImpl]] = {}


def register_impl(dialect_name: str, impl_cls: type[DefaultImpl]) -> None:
    """Use ``impl_cls`` for databases whose SQLAlchemy dialect is ``dialect_name``."""
    _REGISTERED[dialect_name] = impl_cls


def known_dialects() -> list[str]:
    """Return the names with an impl of their own.

    Example:
        >>> "sqlite" in known_dialects()
        True
    """
    return sorted(set(_BUILTIN) | set(_REGISTERED) | set(DECLARED_IMPLS))


def lookup_impl(dialect_name: str) -> type[DefaultImpl]:
    """Return the impl registered for ``dialect_name``; raise if there is none."""
    if dialect_name in _REGISTERED:
        return _REGISTERED[dialect_name]
    if dialect_name in DECLARED_IMPLS:
        return DECLARED_IMPLS[dialect_name]
    if dialect_name in _BUILTIN:
        module_name, cls_name = _BUILTIN[dialect_name]
        impl: type[DefaultImpl] = getattr(importlib.import_module(module_name), cls_name)
        return impl
    raise OperationError(
        f"no dialect implementation named {dialect_name!r}",
        did_you_mean(dialect_name, known_dialects()) or f"known: {', '.join(known_dialects())}",
    )


def impl_for(dialect_name: str) -> type[DefaultImpl]:
    """Return the impl for ``dialect_name``; :class:`DefaultImpl` for other databases.

    Example:
        >>> impl_for("sqlite").name
        'sqlite'
        >>> impl_for("oracle").name
        'default'
    """
    try:
        return lookup_impl(dialect_name)
    except OperationError:
        return DefaultImpl
