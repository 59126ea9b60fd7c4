"""Autogenerate rules for SQLite: types are what was declared, defaults are kept as written."""

from __future__ import annotations

from tidal.dialects.autogen import AutogenRules

__all__ = ["RULES", "SQLiteAutogenRules"]


class SQLiteAutogenRules(AutogenRules):
    """SQLite keeps declared type names, so the generic comparison is right."""

    rebuilds_for_constraints = True

    def expression_default(self, text: str) -> str:
        """Return the expression in parentheses, which SQLite needs for non-literals.

        Example:
            >>> RULES.expression_default("CURRENT_TIMESTAMP")
            '(CURRENT_TIMESTAMP)'
        """
        text = text.strip()
        return text if text.startswith("(") and text.endswith(")") else f"({text})"


RULES = SQLiteAutogenRules()
