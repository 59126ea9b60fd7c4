"""The comparison, one module per concern; :func:`compare_tables` runs them all."""

from __future__ import annotations

from tidal.autogenerate.compare.tables import compare_tables

__all__ = ["compare_tables"]
