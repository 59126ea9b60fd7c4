"""Renames: a table or column that went away and another that appeared with the same shape.

Alembic writes these as a drop and an add, which loses the data. When exactly one
removed and one added object share a shape (a table's column names and types; a
column's type and nullability), Tidal offers a rename instead, with a comment asking
the author to check it. ``detect_renames=False`` in ``context.configure()`` (or
``--no-renames``) keeps Alembic's drop and add.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from tidal.autogenerate.context import AutogenContext

__all__ = [
    "RENAME_COMMENT",
    "column_shape",
    "pair_unique",
    "renames_on",
    "table_shape",
    "unpaired",
]

#: The comment rendered above every rename that autogenerate guessed.
RENAME_COMMENT = "detected as rename; check it"

T = TypeVar("T")
U = TypeVar("U")


def renames_on(ctx: AutogenContext) -> bool:
    """Return True when rename detection is asked for (``revision``/``check`` turn it on)."""
    return bool(ctx.opts.get("detect_renames", False))


def column_shape(ctx: AutogenContext, col: sa.Column[Any]) -> Hashable:
    """Return what a renamed column keeps: its type as the database spells it, nullability."""
    return (ctx.rules.type_signature(col.type, ctx.dialect), bool(col.nullable))


def table_shape(ctx: AutogenContext, table: sa.Table) -> Hashable:
    """Return what a renamed table keeps: its columns' names and shapes."""
    return tuple(sorted((c.name, column_shape(ctx, c)) for c in table.columns))


def pair_unique(
    added: Sequence[T], removed: Sequence[U], shape_added: Any, shape_removed: Any
) -> list[tuple[T, U]]:
    """Return the (added, removed) pairs whose shape no other candidate shares.

    Example:
        >>> pair_unique(["b", "cc"], ["a", "dd", "ee"], len, len)
        [('b', 'a')]
    """
    by_shape_added: dict[Hashable, list[T]] = defaultdict(list)
    by_shape_removed: dict[Hashable, list[U]] = defaultdict(list)
    for item in added:
        by_shape_added[shape_added(item)].append(item)
    for other in removed:
        by_shape_removed[shape_removed(other)].append(other)
    pairs: list[tuple[T, U]] = []
    for shape, news in by_shape_added.items():
        olds = by_shape_removed.get(shape, [])
        if len(news) == 1 and len(olds) == 1:
            pairs.append((news[0], olds[0]))
    return pairs


def unpaired(items: Iterable[T], paired: Iterable[T]) -> list[T]:
    """Return ``items`` without the paired ones, in their order."""
    taken = {id(p) for p in paired}
    return [i for i in items if id(i) not in taken]
