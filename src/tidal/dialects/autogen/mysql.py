"""Autogenerate rules for MySQL and MariaDB: display widths, BOOL, JSON and RESTRICT."""

from __future__ import annotations

import re

from tidal.dialects.autogen import AutogenRules, normalize_sql

__all__ = ["RULES", "MySQLAutogenRules"]

_INT_WIDTH = re.compile(r"^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)\(\d+\)")
_CHARSET = re.compile(r" (CHARACTER SET|COLLATE) \w+")


class MySQLAutogenRules(AutogenRules):
    """MySQL reflects integer display widths and BOOL as TINYINT; MariaDB JSON as LONGTEXT."""

    fk_creates_index = True

    system_schemas = frozenset({"information_schema", "mysql", "performance_schema", "sys"})

    type_aliases = {
        **AutogenRules.type_aliases,
        "BOOLEAN": "TINYINT",
        "BOOL": "TINYINT",
        "NUMERIC": "DECIMAL",
        "JSON": "LONGTEXT",
    }

    names_primary_keys = False

    def primary_key_name(self, table: str) -> str | None:
        """Return ``PRIMARY``: every MySQL primary key has that name."""
        return "PRIMARY"

    def foreign_key_name(self, table: str, columns: list[str], taken: set[str]) -> str | None:
        """Return ``<table>_ibfk_<n>``: InnoDB numbers on from the highest ``n`` the table has.

        Example:
            >>> RULES.foreign_key_name("t", ["a"], {"t_ibfk_1", "t_ibfk_3", "fk_other"})
            't_ibfk_4'
        """
        prefix = f"{table}_ibfk_"
        numbers = [
            int(n[len(prefix) :])
            for n in taken
            if n.startswith(prefix) and n[len(prefix) :].isdigit()
        ]
        return f"{prefix}{max(numbers, default=0) + 1}"

    def normalize_type_text(self, text: str) -> str:
        """Return the type without display width, character set or collation.

        Example:
            >>> RULES.normalize_type_text("INTEGER(11)")
            'INTEGER'
            >>> RULES.normalize_type_text("bool")
            'TINYINT'
        """
        text = _CHARSET.sub("", text.upper())
        text = _INT_WIDTH.sub(r"\1", text.strip())
        text = re.sub(r" (UNSIGNED|ZEROFILL)$", r" \1", text)
        return super().normalize_type_text(text)

    def normalize_default(self, text: str | None) -> str | None:
        """Return the default with ``now()`` and ``current_timestamp()`` spelled one way.

        Example:
            >>> RULES.normalize_default("current_timestamp()")
            'current_timestamp'
        """
        if text is None:
            return None
        value = normalize_sql(text)
        if value in ("now()", "current_timestamp()", "localtimestamp()", "localtimestamp"):
            return "current_timestamp"
        return value

    def normalize_check(self, text: str) -> str:
        """Return the expression normalised; MariaDB writes ``length()`` as ``octet_length()``.

        Example:
            >>> RULES.normalize_check("(octet_length(`s`))")
            'lengths'
        """
        return super().normalize_check(re.sub(r"\boctet_length\(", "length(", text, flags=re.I))

    def normalize_fk_action(self, action: str | None) -> str | None:
        """Return None for RESTRICT and NO ACTION, which InnoDB treats alike."""
        if action is None or action.upper() in ("RESTRICT", "NO ACTION"):
            return None
        return action.upper()


RULES = MySQLAutogenRules()
