"""AutogenContext: what one comparison needs (connection, models, options, rules)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from tidal.autogenerate.snapshot import SchemaSnapshot, TableSnapshot, to_table
from tidal.dialects.autogen import AutogenRules, rules_for

if TYPE_CHECKING:
    from tidal.autogenerate.compare.renames import RenamePolicy

__all__ = ["AutogenContext"]

#: Prefix of the tables Tidal keeps for itself (applied history, locks).
TIDAL_TABLE_PREFIX = "tidal_"


def _metadatas(target: Any) -> list[sa.MetaData]:
    if target is None:
        return []
    if isinstance(target, sa.MetaData):
        return [target]
    return list(target)


class AutogenContext:
    """The state of one comparison, as Alembic's ``AutogenContext`` holds it.

    Args:
        migration_context: The run's MigrationContext (``opts`` holds configure()'s keywords).
        metadata: ``target_metadata`` (one MetaData or a list); defaults to the opts' one.
        opts: Overrides of the migration context's options.
    """

    def __init__(
        self,
        migration_context: Any,
        metadata: Any = None,
        opts: dict[str, Any] | None = None,
    ) -> None:
        self.migration_context = migration_context
        self.opts: dict[str, Any] = {
            **dict(getattr(migration_context, "opts", {}) or {}),
            **(opts or {}),
        }
        if metadata is None:
            metadata = self.opts.get("target_metadata")
        self.metadata = metadata
        self.metadatas: list[sa.MetaData] = _metadatas(metadata)
        self.connection: Connection | None = getattr(migration_context, "bind", None)
        self.dialect: Dialect = migration_context.dialect
        self.rules: AutogenRules = rules_for(self.dialect.name)
        self.imports: set[str] = set()
        self.snapshot = SchemaSnapshot()
        self.reflected = sa.MetaData()
        self._default_schema: str | None = None
        self._schemas: list[str | None] | None = None
        #: Renames detected so far: old table name -> new; (table, old column) -> new.
        self.table_renames: dict[str, str] = {}
        self.column_renames: dict[tuple[str, str], str] = {}
        #: Set by the comparison: which removed and added objects become renames.
        self.rename_policy: RenamePolicy | None = None

    # --- names ------------------------------------------------------------------------

    @property
    def default_schema(self) -> str | None:
        """Return the database's default schema name (None when unknown)."""
        if self._default_schema is None and self.connection is not None:
            self._default_schema = self.dialect.default_schema_name
        return self._default_schema

    def model_schema(self, schema: str | None) -> str | None:
        """Return ``schema`` with the default schema spelled None."""
        return None if schema == self.default_schema else schema

    def is_own_table(self, schema: str | None, name: str) -> bool:
        """Return True for the version table and Tidal's tables, never compared."""
        version = str(self.opts.get("version_table") or "alembic_version")
        version_schema = self.model_schema(self.opts.get("version_table_schema"))
        if name == version and self.model_schema(schema) == version_schema:
            return True
        return name.startswith(TIDAL_TABLE_PREFIX)

    # --- model side -------------------------------------------------------------------

    def model_tables(self) -> dict[tuple[str | None, str], sa.Table]:
        """Return the models' tables keyed by ``(schema, name)``, own tables left out."""
        out: dict[tuple[str | None, str], sa.Table] = {}
        for md in self.metadatas:
            for table in md.tables.values():
                key = (self.model_schema(table.schema), table.name)
                if not self.is_own_table(*key):
                    out[key] = table
        return out

    def schemas(self) -> list[str | None]:
        """Return the schemas to compare, as Alembic picks them.

        The default one and every schema the models name; with ``include_schemas``
        also every schema the database has (``include_name`` may leave some out).
        """
        if self._schemas is not None:
            return self._schemas
        found: list[str | None] = [None]
        for schema, _ in self.model_tables():
            if schema not in found:
                found.append(schema)
        if self.opts.get("include_schemas") and self.connection is not None:
            for schema in sa.inspect(self.connection).get_schema_names():
                name = self.model_schema(schema)
                if name in found or self.rules.is_system_schema(schema):
                    continue
                if self.include_name(schema, "schema", {}):
                    found.append(name)
        self._schemas = found
        return found

    # --- hooks ------------------------------------------------------------------------

    def include_name(self, name: str | None, type_: str, parents: dict[str, Any]) -> bool:
        """Ask ``include_name`` (True when there is none)."""
        hook = self.opts.get("include_name")
        return True if hook is None else bool(hook(name, type_, parents))

    def include_object(
        self, obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        """Ask ``include_object`` (True when there is none)."""
        hook = self.opts.get("include_object")
        return True if hook is None else bool(hook(obj, name, type_, reflected, compare_to))

    def run_name_filters(self, name: str | None, type_: str, parents: dict[str, Any]) -> bool:
        """Return include_name's answer for an object of a table."""
        return self.include_name(name, type_, parents)

    # --- database side ----------------------------------------------------------------

    def db_table(self, snap: TableSnapshot) -> sa.Table:
        """Return the reflected table as a :class:`sqlalchemy.Table` (built once).

        The tables its foreign keys refer to are built too, so the keys resolve.
        """
        table = to_table(snap, self.reflected, self.rules.reflected_default)
        for fk in snap.foreign_keys:
            key = (self.model_schema(fk.get("referred_schema")), fk["referred_table"])
            referred = self.snapshot.tables.get(key)
            if referred is not None and referred is not snap:
                to_table(referred, self.reflected, self.rules.reflected_default)
        return table

    def sorted_db_tables(self, snaps: Iterable[TableSnapshot]) -> list[sa.Table]:
        """Return the reflected tables, referenced ones first."""
        tables = [self.db_table(s) for s in snaps]
        ordered = sa.schema.sort_tables_and_constraints(tables)  # type: ignore[no-untyped-call]
        return [t for t, _ in ordered if t is not None]
