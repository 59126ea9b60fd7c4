"""What autogenerate must know per database: type and default normalisation, noise to ignore.

:func:`rules_for` returns the :class:`AutogenRules` of a SQLAlchemy dialect name; the
comparison in :mod:`tidal.autogenerate` asks these rules instead of naming a database.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

__all__ = ["AutogenRules", "normalize_sql", "rules_for"]

_SPACES = re.compile(r"\s+")
_CHECK_CAST = re.compile(r"::(character varying|double precision|[a-z_][a-z0-9_]*)(\[\])?")


def normalize_sql(text: str) -> str:
    """Return SQL text lower-cased, with single spaces and without outer parentheses.

    Example:
        >>> normalize_sql("  (CURRENT_TIMESTAMP) ")
        'current_timestamp'
        >>> normalize_sql("'A  b'")
        "'A  b'"
    """
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    if text.startswith("'") and text.endswith("'"):
        return text
    return _SPACES.sub(" ", text).lower()


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


class AutogenRules:
    """The generic rules; dialect modules override what their database does differently."""

    #: Compiled type name -> the name it is compared as.
    type_aliases: dict[str, str] = {"INT": "INTEGER", "DEC": "DECIMAL", "BOOL": "BOOLEAN"}

    #: The database adds an index of its own for each foreign key without one.
    fk_creates_index = False

    #: Constraints change by rebuilding the table (no ALTER ... CONSTRAINT).
    rebuilds_for_constraints = False

    #: ``ADD CONSTRAINT <name> PRIMARY KEY`` keeps the name.
    names_primary_keys = True

    def primary_key_name(self, table: str) -> str | None:
        """Return the name the database gives an unnamed primary key (None: unknown)."""
        return None

    def foreign_key_name(self, table: str, columns: list[str], taken: set[str]) -> str | None:
        """Return the name the database gives an unnamed foreign key (None: unknown).

        ``taken``: the names the table's foreign keys have when this one is added.
        """
        return None

    def type_signature(self, type_: TypeEngine[Any], dialect: Dialect) -> str:
        """Return the comparable text of ``type_`` as ``dialect`` would write it."""
        try:
            text = type_.compile(dialect=dialect)
        except Exception:  # noqa: BLE001 - a type the dialect cannot render: compare by class
            return type(type_).__name__.upper()
        # Big schemas repeat a few type spellings thousands of times: normalise each once.
        cache: dict[str, str] = self.__dict__.setdefault("_signatures", {})
        found = cache.get(text)
        if found is None:
            found = cache[text] = self.normalize_type_text(text)
        return found

    def normalize_type_text(self, text: str) -> str:
        """Return compiled type text in canonical form (upper case, aliases resolved)."""
        text = _SPACES.sub(" ", text.strip().upper())
        text = re.sub(r"\s*,\s*", ", ", text).replace("( ", "(").replace(" )", ")")
        head, _, rest = text.partition("(")
        head = self.type_aliases.get(head.strip(), head.strip())
        return f"{head}({rest}" if rest else head

    def types_differ(
        self, model_type: TypeEngine[Any], db_type: TypeEngine[Any], dialect: Dialect
    ) -> bool:
        """Return True when the model's type and the reflected one differ on this database."""
        return self.type_signature(model_type, dialect) != self.type_signature(db_type, dialect)

    def normalize_default(self, text: str | None) -> str | None:
        """Return a server default's SQL text in a form where equal defaults compare equal."""
        if text is None:
            return None
        return normalize_sql(text)

    def expression_default(self, text: str) -> str:
        """Return an expression server default as the script should spell it."""
        return text

    def reflected_default(self, column: dict[str, Any]) -> str | None:
        """Return the reflected default worth comparing (None for generated ones)."""
        default = column.get("default")
        return None if default is None else str(default)

    #: Schemas the database keeps for itself, never compared.
    system_schemas: frozenset[str] = frozenset({"information_schema"})

    def is_system_schema(self, name: str) -> bool:
        """Return True for a schema of the database's own catalog.

        Example:
            >>> AutogenRules().is_system_schema("information_schema")
            True
        """
        return name.lower() in self.system_schemas

    #: Enum types are schema objects of their own (CREATE TYPE), made and dropped apart.
    named_enums = False

    def reflect_enums(self, connection: Any, schema: str | None) -> dict[str, list[str]]:
        """Return the database's named enum types and their values (none by default)."""
        return {}

    def create_enum_sql(
        self, dialect: Dialect, name: str, values: list[str], schema: str | None = None
    ) -> str:
        """Return the statement creating a named enum type."""
        raise NotImplementedError

    def drop_enum_sql(self, dialect: Dialect, name: str, schema: str | None = None) -> str:
        """Return the statement dropping a named enum type."""
        raise NotImplementedError

    def add_enum_value_sql(
        self, dialect: Dialect, name: str, value: str, schema: str | None = None
    ) -> str:
        """Return the statement adding one value to a named enum type."""
        raise NotImplementedError

    def recreate_enum_sql(
        self,
        dialect: Dialect,
        name: str,
        values: list[str],
        columns: list[tuple[str | None, str, str, str | None]],
        schema: str | None = None,
    ) -> list[str]:
        """Return the statements giving a named enum type exactly ``values``.

        ``columns``: (table schema, table, column, server default SQL or None) of each user.
        """
        raise NotImplementedError

    def normalize_check(self, text: str) -> str:
        """Return a check's expression with quotes, casts, parentheses and spaces left out.

        Example:
            >>> AutogenRules().normalize_check('("id" > 0)')
            'id>0'
            >>> AutogenRules().normalize_check("(`n` in (0,1))")
            'nin0,1'
            >>> AutogenRules().normalize_check("((name)::character varying)::text <> 'a b'")
            "name<>'ab'"
        """
        text = _CHECK_CAST.sub("", text.lower())
        return re.sub(r"[\s()\"`\[\]]", "", text)

    #: The inspector reports indexes on expressions (SQLAlchemy skips them on SQLite).
    reflects_expression_indexes = True

    def index_names(self, connection: Any, schema: str | None, table: str) -> set[str]:
        """Return the names of every index of ``table``, those not reflected included."""
        return set()

    def unreflected_indexes(
        self, connection: Any, schema: str | None, tables: Iterable[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """Return, per table, the indexes the inspector skips, in its dictionary form."""
        return {}

    #: Generated columns may be VIRTUAL as well as STORED.
    virtual_columns = True

    #: Identity options are reflected and can be changed with ALTER.
    alters_identity = False

    def identity_sql(  # noqa: PLR0913 - the column and both sides of it
        self,
        dialect: Dialect,
        schema: str | None,
        table: str,
        column: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> list[str]:
        """Return the statements turning identity ``old`` into ``new`` (None: no identity)."""
        raise NotImplementedError

    def normalize_fk_action(self, action: str | None) -> str | None:
        """Return ON DELETE/UPDATE actions with the database's default as None.

        Example:
            >>> AutogenRules().normalize_fk_action("no action") is None
            True
        """
        if action is None:
            return None
        action = action.upper()
        return None if action == "NO ACTION" else action


#: dialect name -> module defining ``RULES``.
_MODULES: dict[str, str] = {
    "sqlite": "tidal.dialects.autogen.sqlite",
    "postgresql": "tidal.dialects.autogen.postgresql",
    "mysql": "tidal.dialects.autogen.mysql",
    "mariadb": "tidal.dialects.autogen.mysql",
}

_GENERIC = AutogenRules()


def rules_for(dialect_name: str) -> AutogenRules:
    """Return the autogenerate rules of a SQLAlchemy dialect (generic ones for others).

    Example:
        >>> type(rules_for("oracle")).__name__
        'AutogenRules'
    """
    module = _MODULES.get(dialect_name)
    if module is None:
        return _GENERIC
    rules: AutogenRules = importlib.import_module(module).RULES
    return rules
