"""The database side of a comparison: every table's parts, reflected in bulk.

One call per kind of object (SQLAlchemy 2's ``Inspector.get_multi_*``) for all the
tables of a schema, instead of one round trip per table. The result is plain data:
:class:`TableSnapshot` holds the inspector's dictionaries as they came;
:func:`to_table` turns one into a :class:`sqlalchemy.Table` when an operation needs it
(dropping a table, or the reverse of a dropped column).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.sql.elements import conv

from tidal.dialects.autogen import rules_for

__all__ = ["SchemaSnapshot", "TableSnapshot", "computed_sql", "reflect", "to_table"]

#: ``include_name(name, type_, parent_names) -> bool``
NameFilter = Callable[[str | None, str, dict[str, Any]], bool]


@dataclass
class TableSnapshot:
    """One reflected table: the inspector's dictionaries, unchanged."""

    name: str
    schema: str | None
    columns: list[dict[str, Any]] = field(default_factory=list)
    pk: dict[str, Any] = field(default_factory=dict)
    indexes: list[dict[str, Any]] = field(default_factory=list)
    uniques: list[dict[str, Any]] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    comment: str | None = None

    def column(self, name: str) -> dict[str, Any] | None:
        """Return the reflected column called ``name``, or None."""
        for col in self.columns:
            if col["name"] == name:
                return col
        return None


@dataclass
class SchemaSnapshot:
    """The reflected tables, keyed by ``(schema, name)``."""

    tables: dict[tuple[str | None, str], TableSnapshot] = field(default_factory=dict)


def _multi(call: Callable[..., Any], **kw: Any) -> dict[tuple[str | None, str], Any]:
    try:
        return dict(call(**kw))
    except NotImplementedError:
        return {}


def reflect(
    connection: Connection,
    schemas: Iterable[str | None],
    *,
    skip: Callable[[str | None, str], bool],
    include_name: NameFilter | None = None,
    checks: bool = True,
    comments: bool = True,
) -> SchemaSnapshot:
    """Reflect the tables of ``schemas`` (None: the default one) in bulk.

    Args:
        connection: An open connection.
        schemas: The schemas to read.
        skip: ``(schema, table) -> True`` for tables never compared (version tables).
        include_name: Alembic's ``include_name`` hook, asked for each table name.
        checks: Reflect check constraints (only compared when asked for).
        comments: Reflect table comments (not where the database keeps none).
    """
    inspector: Inspector = sa.inspect(connection)
    snapshot = SchemaSnapshot()
    for schema in schemas:
        names = [
            n
            for n in inspector.get_table_names(schema=schema)
            if not skip(schema, n)
            and (
                include_name is None
                or include_name(
                    n,
                    "table",
                    {"schema_name": schema, "schema_qualified_table_name": _qual(schema, n)},
                )
            )
        ]
        if names:
            _reflect_schema(inspector, schema, names, snapshot, (checks, comments))
    return snapshot


def _qual(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _reflect_schema(
    inspector: Inspector,
    schema: str | None,
    names: list[str],
    snapshot: SchemaSnapshot,
    wanted: tuple[bool, bool],
) -> None:
    kw: dict[str, Any] = {"schema": schema, "filter_names": names}
    columns = _multi(inspector.get_multi_columns, **kw)
    pks = _multi(inspector.get_multi_pk_constraint, **kw)
    with warnings.catch_warnings():
        # Indexes the inspector skips come from the dialect's rules below instead.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        indexes = _multi(inspector.get_multi_indexes, **kw)
        uniques = _multi(inspector.get_multi_unique_constraints, **kw)
    extra = rules_for(inspector.dialect.name).unreflected_indexes(inspector.bind, schema, names)
    for table, found in extra.items():
        indexes[(schema, table)] = [*indexes.get((schema, table), []), *found]
    fks = _multi(inspector.get_multi_foreign_keys, **kw)
    comments = _multi(inspector.get_multi_table_comment, **kw) if wanted[1] else {}
    checks = _multi(inspector.get_multi_check_constraints, **kw) if wanted[0] else {}
    for name in names:
        key = (schema, name)
        snapshot.tables[key] = TableSnapshot(
            name=name,
            schema=schema,
            columns=list(columns.get(key, [])),
            pk=dict(pks.get(key) or {}),
            indexes=list(indexes.get(key, [])),
            uniques=list(uniques.get(key, [])),
            foreign_keys=list(fks.get(key, [])),
            checks=list(checks.get(key, [])),
            comment=(comments.get(key) or {}).get("text"),
        )


def _conv(name: str | None) -> conv | None:
    """Return a reflected name as final (``op.f()`` when rendered, as Alembic does)."""
    return None if name is None else conv(name)


def computed_sql(computed: dict[str, Any]) -> str:
    """Return a reflected computed column's expression, cut where its parentheses close.

    One of SQLAlchemy's reflections runs on past the expression when the database wrote
    the next column (one added by ``ALTER TABLE ... ADD COLUMN``) on the same line.

    Example:
        >>> computed_sql({"sqltext": "n * 2), h INTEGER GENERATED ALWAYS AS (n - 1"})
        'n * 2'
        >>> computed_sql({"sqltext": "(a + 1) * 2"})
        '(a + 1) * 2'
    """
    text = str(computed.get("sqltext", ""))
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return text[:i].strip()
    return text


def reflected_column(col: dict[str, Any], default: str | None) -> sa.Column[Any]:
    """Return a Column made from an inspector column dictionary."""
    kw: dict[str, Any] = {"nullable": bool(col.get("nullable", True))}
    if default is not None:
        kw["server_default"] = sa.text(default)
    if col.get("comment"):
        kw["comment"] = col["comment"]
    auto = col.get("autoincrement")
    if isinstance(auto, bool):
        kw["autoincrement"] = auto
    if col.get("computed"):
        computed = col["computed"]
        kw["server_default"] = None
        return sa.Column(
            col["name"],
            col["type"],
            sa.Computed(computed_sql(computed), persisted=computed.get("persisted")),
            **kw,
        )
    return sa.Column(col["name"], col["type"], **kw)


def to_table(
    snap: TableSnapshot,
    metadata: sa.MetaData,
    default_of: Callable[[dict[str, Any]], str | None],
) -> sa.Table:
    """Return ``snap`` as a Table in ``metadata`` (columns, keys, indexes, comment)."""
    existing = metadata.tables.get(_qual(snap.schema, snap.name))
    if existing is not None:
        return existing
    items: list[Any] = [reflected_column(c, default_of(c)) for c in snap.columns]
    pk_cols = snap.pk.get("constrained_columns") or []
    if pk_cols:
        items.append(sa.PrimaryKeyConstraint(*pk_cols, name=snap.pk.get("name")))
    for fk in snap.foreign_keys:
        ref = _qual(fk.get("referred_schema"), fk["referred_table"])
        opts = fk.get("options") or {}
        items.append(
            sa.ForeignKeyConstraint(
                fk["constrained_columns"],
                [f"{ref}.{c}" for c in fk["referred_columns"]],
                name=_conv(fk.get("name")),
                ondelete=opts.get("ondelete"),
                onupdate=opts.get("onupdate"),
                deferrable=opts.get("deferrable"),
                initially=opts.get("initially"),
            )
        )
    for uq in snap.uniques:
        if not uq.get("duplicates_index"):
            items.append(sa.UniqueConstraint(*uq["column_names"], name=_conv(uq.get("name"))))
    table = sa.Table(snap.name, metadata, *items, schema=snap.schema, comment=snap.comment)
    for ix in snap.indexes:
        if ix.get("duplicates_constraint"):
            continue
        exprs = index_expressions(ix)
        options = ix.get("dialect_options") or {}
        where: dict[str, Any] = {
            k: sa.text(str(v)) for k, v in options.items() if k.endswith("_where") and v is not None
        }
        sa.Index(
            _conv(ix["name"]),
            *[table.c[e] if e in table.c else sa.text(e) for e in exprs],
            unique=bool(ix.get("unique")),
            _table=table,
            **where,
        )
    return table


def index_expressions(ix: dict[str, Any]) -> list[str]:
    """Return an index's columns, with expressions where a column name is None.

    Example:
        >>> index_expressions({"column_names": ["a", None], "expressions": ["a", "lower(b)"]})
        ['a', 'lower(b)']
    """
    names = list(ix.get("column_names") or [])
    exprs = list(ix.get("expressions") or [])
    return [
        n if n is not None else (exprs[i] if i < len(exprs) else "") for i, n in enumerate(names)
    ]
