"""Autogenerate rules for PostgreSQL: casts in defaults, serial sequences, type aliases."""

from __future__ import annotations

import re
from typing import Any

from tidal.dialects.autogen import AutogenRules, normalize_sql

__all__ = ["RULES", "PostgresqlAutogenRules"]

_CAST = re.compile(r"::[a-z_][a-z0-9_ ]*(\[\])?(\([0-9, ]*\))?", re.IGNORECASE)


class PostgresqlAutogenRules(AutogenRules):
    """PostgreSQL writes defaults back with casts and spells some types its own way."""

    type_aliases = {
        **AutogenRules.type_aliases,
        "FLOAT": "DOUBLE PRECISION",
        "DOUBLE": "DOUBLE PRECISION",
        "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
        "TIME WITHOUT TIME ZONE": "TIME",
        "CHARACTER VARYING": "VARCHAR",
        "DECIMAL": "NUMERIC",
    }

    def normalize_default(self, text: str | None) -> str | None:
        """Return the default without ``::type`` casts.

        Example:
            >>> RULES.normalize_default("'x'::character varying")
            "'x'"
            >>> RULES.normalize_default("now()")
            'now()'
        """
        if text is None:
            return None
        return normalize_sql(_CAST.sub("", normalize_sql(text)))

    def reflected_default(self, column: dict[str, Any]) -> str | None:
        """Return the reflected default; a serial column's ``nextval(...)`` is not one."""
        default = column.get("default")
        if default is None:
            return None
        if column.get("autoincrement") and str(default).startswith("nextval("):
            return None
        return str(default)


RULES = PostgresqlAutogenRules()
