"""Autogenerate rules for PostgreSQL: casts in defaults, serial sequences, type aliases."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Dialect

from tidal.dialects.autogen import AutogenRules, normalize_sql

__all__ = ["RULES", "PostgresqlAutogenRules"]

_ANY = re.compile(r"\s*=\s*any\s*\(\s*array\[(.*?)\]\s*\)", re.IGNORECASE)
_ALL = re.compile(r"\s*<>\s*all\s*\(\s*array\[(.*?)\]\s*\)", re.IGNORECASE)
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

    def primary_key_name(self, table: str) -> str | None:
        """Return ``<table>_pkey``, PostgreSQL's name for an unnamed primary key.

        Example:
            >>> RULES.primary_key_name("users")
            'users_pkey'
        """
        return f"{table}_pkey"[:63]

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

    def normalize_check(self, text: str) -> str:
        """Return the check normalised, PostgreSQL's ``= ANY (ARRAY[...])`` read as ``IN``.

        Example:
            >>> RULES.normalize_check("n = ANY (ARRAY[1, 2])")
            'nin1,2'
            >>> RULES.normalize_check("n <> ALL (ARRAY['a'::text])")
            "nnotin'a'"
        """
        text = _ANY.sub(r" in (\1)", text)
        text = _ALL.sub(r" not in (\1)", text)
        return super().normalize_check(text)

    def reflected_default(self, column: dict[str, Any]) -> str | None:
        """Return the reflected default; a serial column's ``nextval(...)`` is not one."""
        default = column.get("default")
        if default is None:
            return None
        if column.get("autoincrement") and str(default).startswith("nextval("):
            return None
        return str(default)

    named_enums = True

    def is_system_schema(self, name: str) -> bool:
        """Return True for ``information_schema`` and the ``pg_*`` catalogs."""
        return name.startswith("pg_") or super().is_system_schema(name)

    def reflect_enums(self, connection: Any, schema: str | None) -> dict[str, list[str]]:
        """Return the enum types visible in ``schema`` with their labels in order."""
        import sqlalchemy as sa

        found = sa.inspect(connection).get_enums(schema=schema or None)
        return {e["name"]: list(e["labels"]) for e in found if e.get("visible", True)}

    def create_enum_sql(self, dialect: Dialect, name: str, values: list[str]) -> str:
        """Return ``CREATE TYPE name AS ENUM (...)``.

        Example:
            >>> from sqlalchemy.dialects import postgresql as pg
            >>> RULES.create_enum_sql(pg.dialect(), "mood", ["ok", "it's"])
            "CREATE TYPE mood AS ENUM ('ok', 'it''s')"
        """
        labels = ", ".join(_literal(v) for v in values)
        return f"CREATE TYPE {_ident(dialect, name)} AS ENUM ({labels})"

    def drop_enum_sql(self, dialect: Dialect, name: str) -> str:
        """Return ``DROP TYPE name``."""
        return f"DROP TYPE {_ident(dialect, name)}"

    def add_enum_value_sql(self, dialect: Dialect, name: str, value: str) -> str:
        """Return ``ALTER TYPE name ADD VALUE 'v'`` (runs in a transaction from 12 on)."""
        return f"ALTER TYPE {_ident(dialect, name)} ADD VALUE {_literal(value)}"

    def recreate_enum_sql(
        self, dialect: Dialect, name: str, values: list[str], columns: list[tuple[str, str]]
    ) -> list[str]:
        """Return rename-old, create-new, re-type each column, drop-old."""
        old = f"{name}_old"
        out = [
            f"ALTER TYPE {_ident(dialect, name)} RENAME TO {_ident(dialect, old)}",
            self.create_enum_sql(dialect, name, values),
        ]
        for table, column in columns:
            col = _ident(dialect, column)
            out.append(
                f"ALTER TABLE {_ident(dialect, table)} ALTER COLUMN {col} TYPE "
                f"{_ident(dialect, name)} USING {col}::text::{_ident(dialect, name)}"
            )
        out.append(self.drop_enum_sql(dialect, old))
        return out


def _ident(dialect: Dialect, name: str) -> str:
    return str(dialect.identifier_preparer.quote(name))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


RULES = PostgresqlAutogenRules()
