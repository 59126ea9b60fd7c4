"""Autogenerate rules for SQLite: types are what was declared, defaults are kept as written."""

from __future__ import annotations

from typing import Any

from tidal.dialects.autogen import AutogenRules

__all__ = ["RULES", "SQLiteAutogenRules"]


class SQLiteAutogenRules(AutogenRules):
    """SQLite keeps declared type names, so the generic comparison is right."""

    rebuilds_for_constraints = True
    reflects_expression_indexes = False

    def index_names(self, connection: Any, schema: str | None, table: str) -> set[str]:
        """Return the table's index names from ``sqlite_master`` (expression ones too)."""
        import sqlalchemy as sa

        master = f"{schema}.sqlite_master" if schema else "sqlite_master"
        query = sa.text(f"SELECT name FROM {master} WHERE type = 'index' AND tbl_name = :t")
        return {str(row[0]) for row in connection.execute(query, {"t": table})}

    def expression_default(self, text: str) -> str:
        """Return the expression in parentheses, which SQLite needs for non-literals.

        Example:
            >>> RULES.expression_default("CURRENT_TIMESTAMP")
            '(CURRENT_TIMESTAMP)'
        """
        text = text.strip()
        return text if text.startswith("(") and text.endswith(")") else f"({text})"


RULES = SQLiteAutogenRules()
