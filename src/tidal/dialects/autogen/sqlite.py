"""Autogenerate rules for SQLite: types are what was declared, defaults are kept as written."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tidal.dialects.autogen import AutogenRules

_CREATE_INDEX = re.compile(
    r'^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"[^"]*"|`[^`]*`|\S+)'
    r'\s+ON\s+(?:"[^"]*"|`[^`]*`|[^\s(]+)\s*\(',
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r'^(?:"([^"]+)"|`([^`]+)`|\[([^\]]+)\]|([A-Za-z_][A-Za-z0-9_$]*))$')

__all__ = ["RULES", "SQLiteAutogenRules"]


class SQLiteAutogenRules(AutogenRules):
    """SQLite keeps declared type names, so the generic comparison is right."""

    rebuilds_for_constraints = True
    #: SQLAlchemy skips expression indexes; :meth:`unreflected_indexes` reads them.
    reflects_expression_indexes = True

    def index_names(self, connection: Any, schema: str | None, table: str) -> set[str]:
        """Return the table's index names from ``sqlite_master`` (expression ones too)."""
        import sqlalchemy as sa

        master = f"{schema}.sqlite_master" if schema else "sqlite_master"
        query = sa.text(f"SELECT name FROM {master} WHERE type = 'index' AND tbl_name = :t")
        return {str(row[0]) for row in connection.execute(query, {"t": table})}

    def unreflected_indexes(
        self, connection: Any, schema: str | None, tables: Iterable[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """Return the expression indexes of ``tables``, parsed from ``sqlite_master``.

        The inspector skips an index with any expression in it; its ``CREATE INDEX``
        text is in ``sqlite_master``, so it is reported in the inspector's form
        (``column_names`` None where an expression stands, ``expressions``, ``unique``,
        ``dialect_options["sqlite_where"]``).
        """
        import sqlalchemy as sa

        wanted = set(tables)
        master = f"{schema}.sqlite_master" if schema else "sqlite_master"
        query = sa.text(
            f"SELECT tbl_name, name, sql FROM {master} WHERE type = 'index' AND sql IS NOT NULL"
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for table, name, sql in connection.execute(query):
            if table not in wanted:
                continue
            parsed = parse_create_index(str(name), str(sql))
            if parsed is not None:
                found.setdefault(str(table), []).append(parsed)
        return found

    def expression_default(self, text: str) -> str:
        """Return the expression in parentheses, which SQLite needs for non-literals.

        Example:
            >>> RULES.expression_default("CURRENT_TIMESTAMP")
            '(CURRENT_TIMESTAMP)'
        """
        text = text.strip()
        return text if text.startswith("(") and text.endswith(")") else f"({text})"


def _parenthesized(text: str, start: int) -> tuple[list[str], int]:
    """Return the comma-separated items up to the parenthesis closing before ``start``.

    Commas and parentheses inside nested parentheses or quotes do not count. Returns
    the items and the index of the closing parenthesis, or ``([], -1)`` when it is missing.

    Example:
        >>> _parenthesized("(a, f(b, ')'), c) tail", 1)
        (['a', "f(b, ')')", 'c'], 16)
    """
    parts: list[str] = []
    depth, quote, item = 0, "", start
    for i in range(start, len(text)):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char == ")":
            return [*parts, text[item:i].strip()], i
        elif char == "," and depth == 0:
            parts.append(text[item:i].strip())
            item = i + 1
    return [], -1


def parse_create_index(name: str, sql: str) -> dict[str, Any] | None:
    """Return an expression index's inspector dictionary from its ``CREATE INDEX`` text.

    None when the text cannot be read, or when the index has no expression (the
    inspector reports those itself).

    Example:
        >>> ix = parse_create_index("ix", "CREATE UNIQUE INDEX ix ON t (a, lower(b)) WHERE a > 0")
        >>> ix["column_names"], ix["expressions"], ix["unique"], ix["dialect_options"]
        (['a', None], ['a', 'lower(b)'], True, {'sqlite_where': 'a > 0'})
        >>> parse_create_index("ix", "CREATE INDEX ix ON t (a, b)") is None
        True
    """
    head = _CREATE_INDEX.match(sql)
    if head is None:
        return None
    items, end = _parenthesized(sql, head.end())
    if end < 0:
        return None
    columns: list[str | None] = []
    expressions: list[str] = []
    for item in items:
        plain = _IDENTIFIER.match(item)
        column = next((g for g in plain.groups() if g), None) if plain else None
        columns.append(column)
        expressions.append(column or item)
    if all(c is not None for c in columns):
        return None
    rest = sql[end + 1 :].strip()
    options: dict[str, Any] = {}
    where = re.match(r"(?is)^WHERE\s+(.*?)\s*;?\s*$", rest)
    if where:
        options["sqlite_where"] = where.group(1)
    return {
        "name": name,
        "column_names": columns,
        "expressions": expressions,
        "unique": bool(head.group(1)),
        "dialect_options": options,
    }


RULES = SQLiteAutogenRules()
