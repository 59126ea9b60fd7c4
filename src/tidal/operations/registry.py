"""The extension API: custom operations and their implementations (Alembic's names).

``@Operations.register_operation("create_sequence")`` on an Op class makes
``op.create_sequence(...)`` call that class's classmethod of the same name (or
``sourcename``); ``@Operations.implementation_for(CreateSequenceOp)`` gives the function
``fn(operations, operation)`` that runs it. Both fill the plain dicts below; nothing is
written into a module or class namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "custom_method",
    "implementation_for",
    "implementation_of",
    "register_operation",
]

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])

#: (operations kind, method name) -> callable(operations, *args, **kw)
_METHODS: dict[tuple[str, str], Callable[..., Any]] = {}
#: Op class -> fn(operations, operation)
_IMPLEMENTATIONS: dict[type, Callable[[Any, Any], Any]] = {}


def register_operation(
    name: str, sourcename: str | None = None, kind: str = "operations"
) -> Callable[[type[_T]], type[_T]]:
    """Return a class decorator making ``op.<name>(...)`` call ``cls.<sourcename>(ops, ...)``."""

    def decorate(op_cls: type[_T]) -> type[_T]:
        method = getattr(op_cls, sourcename or name)

        def call(operations: Any, *args: Any, **kw: Any) -> Any:
            return method(operations, *args, **kw)

        call.__name__ = name
        call.__doc__ = method.__doc__
        _METHODS[(kind, name)] = call
        return op_cls

    return decorate


def custom_method(kind: str, name: str) -> Callable[..., Any] | None:
    """Return the registered method ``name`` for ``kind`` ("operations" or "batch")."""
    return _METHODS.get((kind, name))


def implementation_for(op_cls: type) -> Callable[[_F], _F]:
    """Return a decorator registering ``fn(operations, operation)`` to run ``op_cls``."""

    def decorate(fn: _F) -> _F:
        _IMPLEMENTATIONS[op_cls] = fn
        return fn

    return decorate


def implementation_of(op_cls: type) -> Callable[[Any, Any], Any] | None:
    """Return the registered implementation for ``op_cls`` or one of its bases."""
    for klass in op_cls.__mro__:
        if klass in _IMPLEMENTATIONS:
            return _IMPLEMENTATIONS[klass]
    return None
