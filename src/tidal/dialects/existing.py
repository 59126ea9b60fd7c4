"""Fill a column change's missing ``existing_*`` values from the live database.

MySQL's ``CHANGE`` / ``MODIFY`` restate the whole column. When a migration leaves out
``existing_type=`` (or nullability, default, comment), a live run reads the column
from the database, on the migration's own connection, so the restated column keeps
what it has.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import NoSuchTableError

from tidal.errors import OperationError, did_you_mean

__all__ = ["fill_existing", "needs_reflection", "reflect_column"]

#: ``existing_*`` keyword -> key of SQLAlchemy's reflected column.
_REFLECTED = {
    "existing_type": "type",
    "existing_nullable": "nullable",
    "existing_server_default": "default",
    "existing_comment": "comment",
    "existing_autoincrement": "autoincrement",
}


def needs_reflection(kw: dict[str, Any]) -> bool:
    """Return True when some ``existing_*`` keyword is missing (None).

    Example:
        >>> needs_reflection({"existing_type": 1, "existing_nullable": False,
        ...     "existing_server_default": "x", "existing_comment": "c"})
        False
        >>> needs_reflection({"existing_type": 1})
        True
    """
    return any(kw.get(key) is None for key in _REFLECTED if key != "existing_autoincrement")


def reflect_column(
    connection: Connection, table_name: str, column_name: str, schema: str | None
) -> dict[str, Any]:
    """Return SQLAlchemy's reflected column, or raise a "did you mean" OperationError."""
    inspector = inspect(connection)
    where = f"{schema}.{table_name}" if schema else table_name
    try:
        columns = inspector.get_columns(table_name, schema=schema)
    except NoSuchTableError:
        near = did_you_mean(table_name, inspector.get_table_names(schema=schema))
        raise OperationError(
            f"alter_column({table_name!r}, {column_name!r}): no table {where!r}"
            + (f"; {near}" if near else ""),
            "check the table name (and schema=)",
        ) from None
    for column in columns:
        if column["name"] == column_name:
            return dict(column)
    near = did_you_mean(column_name, [str(c["name"]) for c in columns])
    raise OperationError(
        f"alter_column({table_name!r}, {column_name!r}): table {where!r} has no column "
        f"{column_name!r}" + (f"; {near}" if near else ""),
        "check the column name; a column added in the same batch needs existing_type=",
    )


def fill_existing(kw: dict[str, Any], reflected: dict[str, Any]) -> dict[str, Any]:
    """Return ``kw`` with each missing ``existing_*`` value taken from ``reflected``.

    Example:
        >>> out = fill_existing({"name": "b", "existing_nullable": True},
        ...     {"type": "INT", "nullable": False, "default": "0", "comment": None})
        >>> out["existing_type"], out["existing_nullable"], str(out["existing_server_default"])
        ('INT', True, '0')
    """
    out = dict(kw)
    for key, source in _REFLECTED.items():
        if out.get(key) is not None or reflected.get(source) is None:
            continue
        value = reflected[source]
        if key == "existing_autoincrement" and value is not True:
            continue  # only a real AUTO_INCREMENT needs restating
        out[key] = text(value) if key == "existing_server_default" else value
    return out
