"""Everything that differs per database: impls, DDL constructs, the registry."""

from __future__ import annotations

from tidal.dialects.impl import DefaultImpl
from tidal.dialects.registry import impl_for, lookup_impl, register_impl

__all__ = ["DefaultImpl", "impl_for", "lookup_impl", "register_impl"]
