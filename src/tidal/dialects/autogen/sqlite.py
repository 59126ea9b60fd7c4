"""Autogenerate rules for SQLite: types are what was declared, defaults are kept as written."""

from __future__ import annotations

from tidal.dialects.autogen import AutogenRules

__all__ = ["RULES", "SQLiteAutogenRules"]


class SQLiteAutogenRules(AutogenRules):
    """SQLite keeps declared type names, so the generic comparison is right."""


RULES = SQLiteAutogenRules()
