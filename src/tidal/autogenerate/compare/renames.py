"""Renames: a table or column that went away and another that appeared with the same shape.

Alembic writes these as a drop and an add, which loses the data. When exactly one
removed and one added object share a shape (a table's column names and types; a
column's type and nullability), Tidal offers a rename instead, with a comment asking
the author to check it. ``detect_renames=False`` in ``context.configure()`` (or
``--no-renames``) keeps Alembic's drop and add.

Two more options steer it (``revision --autogenerate`` passes them):

* ``rename_hints``: :class:`RenameHint` values (``--rename old:new``) that pair a removed
  and an added object whatever their shapes; a name that is not removed or added is an
  error naming the candidates.
* ``rename_decider``: a ``(RenameCandidate) -> bool`` asked about each rename found by
  shape (the CLI's prompt); False keeps the drop and the add.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from tidal.errors import UsageError, did_you_mean

if TYPE_CHECKING:
    from tidal.autogenerate.context import AutogenContext

__all__ = [
    "RENAME_COMMENT",
    "RenameCandidate",
    "RenameDecider",
    "RenameHint",
    "RenamePolicy",
    "check_rename_state",
    "column_shape",
    "new_rename_state",
    "pair_unique",
    "parse_rename_hint",
    "renames_on",
    "table_shape",
    "unpaired",
]

#: The comment rendered above every rename that autogenerate guessed.
RENAME_COMMENT = "detected as rename; check it"

T = TypeVar("T")
U = TypeVar("U")

_GRAMMAR = "write --rename OLD:NEW for a table, --rename TABLE.OLD:NEW for a column"


@dataclass(frozen=True)
class RenameCandidate:
    """A rename autogenerate found by shape, to be confirmed or turned down.

    Attributes:
        kind: ``"table"`` or ``"column"``.
        old: The name in the database.
        new: The name in the models.
        table: For a column, its table as the models name it; None for a table.
        schema: The schema, None for the default one.
    """

    kind: str
    old: str
    new: str
    table: str | None = None
    schema: str | None = None

    def describe(self) -> str:
        """Return the rename in words.

        Example:
            >>> RenameCandidate("column", "name", "full_name", "users").describe()
            'column users.name to users.full_name'
            >>> RenameCandidate("table", "users", "people", schema="app").describe()
            'table app.users to app.people'
        """
        prefix = f"{self.schema}." if self.schema else ""
        if self.kind == "table":
            return f"table {prefix}{self.old} to {prefix}{self.new}"
        return f"column {prefix}{self.table}.{self.old} to {prefix}{self.table}.{self.new}"


#: ``(candidate) -> True`` to rename, False for a drop and an add.
RenameDecider = Callable[[RenameCandidate], bool]


@dataclass(frozen=True)
class RenameHint:
    """One ``--rename``: ``table`` is None for a table rename, else the column's table."""

    old: str
    new: str
    table: str | None = None
    text: str = ""


def parse_rename_hint(text: str) -> RenameHint:
    """Return the hint ``text`` means: ``OLD:NEW`` (a table) or ``TABLE.OLD:NEW`` (a column).

    ``TABLE.OLD:TABLE.NEW`` is accepted too; ``TABLE`` is the table's name in the
    models or in the database.

    Raises:
        UsageError: ``text`` is not one of these forms.

    Example:
        >>> parse_rename_hint("users.name:users.full_name")
        RenameHint(old='name', new='full_name', table='users', text='users.name:users.full_name')
        >>> parse_rename_hint("users:people").table is None
        True
    """
    old, sep, new = text.strip().partition(":")
    parts_old, parts_new = old.split("."), new.split(".")
    bad = (
        not sep
        or ":" in new
        or len(parts_old) > 2
        or len(parts_new) > 2
        or not all(parts_old + parts_new)
        or (len(parts_new) == 2 and len(parts_old) == 1)
        or (len(parts_new) == 2 and parts_new[0] != parts_old[0])
    )
    if bad:
        raise UsageError(f"--rename {text}: not a rename", _GRAMMAR)
    if len(parts_old) == 1:
        return RenameHint(old, new, None, text)
    return RenameHint(parts_old[1], parts_new[-1], parts_old[0], text)


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


def _names(items: Iterable[str]) -> str:
    return ", ".join(sorted(items)) or "none"


def _unknown(hint: RenameHint, what: str, name: str, gone: list[str], new: list[str]) -> UsageError:
    close = did_you_mean(name, gone if what == "removed" else new)
    return UsageError(
        f"--rename {hint.text}: no {what} {'column' if hint.table else 'table'} {name!r}"
        + (f" ({close})" if close else ""),
        f"removed: {_names(gone)}; added: {_names(new)}",
    )


class RenamePolicy:
    """Which removed and added objects of one comparison become renames.

    Hints pair first, then shapes (when detection is on), then the decider may say no.
    """

    def __init__(self, ctx: AutogenContext) -> None:
        self.ctx = ctx
        self.detect = renames_on(ctx)
        self.hints: tuple[RenameHint, ...] = tuple(ctx.opts.get("rename_hints") or ())
        self.decider: RenameDecider | None = ctx.opts.get("rename_decider")
        self._used: set[RenameHint] = set()
        self._column_changes: dict[str, tuple[list[str], list[str]]] = {}
        #: Shared by the comparisons of one run (one per engine of a multi-database
        #: env.py): ``used`` hint texts, and ``foreign`` hints no comparison knew yet.
        self.state: dict[str, Any] | None = ctx.opts.get("rename_state")
        self.known: set[str] | None = None

    def set_known(self, names: Iterable[str]) -> None:
        """Name every table of this comparison (models and database), for foreign hints."""
        self.known = set(names)

    def _applies(self, hint: RenameHint) -> bool:
        """Return False for a hint about tables this comparison does not have at all."""
        if self.state is None or self.known is None:
            return True
        if hint.table is not None:
            return hint.table in self.known
        return hint.old in self.known or hint.new in self.known

    def _foreign(self, hint: RenameHint, error: UsageError) -> None:
        assert self.state is not None
        self.state["foreign"].setdefault(hint.text, error)

    def _use(self, hint: RenameHint) -> None:
        self._used.add(hint)
        if self.state is not None:
            self.state["used"].add(hint.text)

    def _column_hints(self, names: tuple[str, ...]) -> list[RenameHint]:
        return [h for h in self.hints if h.table is not None and h.table in names]

    def wants_columns(self, *table_names: str) -> bool:
        """Return True when the columns of this table may be renamed."""
        return self.detect or bool(self._column_hints(table_names))

    def _pairs(
        self,
        hints: list[RenameHint],
        added: Sequence[T],
        removed: Sequence[U],
        name_of: tuple[Callable[[T], str], Callable[[U], str]],
        shapes: tuple[Callable[[T], Hashable], Callable[[U], Hashable]],
    ) -> tuple[list[tuple[T, U]], list[tuple[T, U]]]:
        """Return ``(forced, guessed)`` pairs: the hints' ones and the shapes' ones."""
        new_by = {name_of[0](a): a for a in added}
        old_by = {name_of[1](r): r for r in removed}
        forced: list[tuple[T, U]] = []
        for hint in hints:
            if hint.old not in old_by:
                raise _unknown(hint, "removed", hint.old, list(old_by), list(new_by))
            if hint.new not in new_by:
                raise _unknown(hint, "added", hint.new, list(old_by), list(new_by))
            forced.append((new_by.pop(hint.new), old_by.pop(hint.old)))
            self._use(hint)
        if not self.detect:
            return forced, []
        guessed = pair_unique(list(new_by.values()), list(old_by.values()), *shapes)
        return forced, guessed

    def _confirmed(self, candidate: RenameCandidate) -> bool:
        return self.decider is None or bool(self.decider(candidate))

    def tables(self, new: list[sa.Table], gone: list[sa.Table]) -> list[tuple[sa.Table, sa.Table]]:
        """Return the (model table, database table) pairs to rename."""
        hints = [h for h in self.hints if h.table is None and self._applies(h)]
        for hint in self.hints:
            if hint.table is None and hint not in hints:
                gone_names, new_names = [t.name for t in gone], [t.name for t in new]
                self._foreign(hint, _unknown(hint, "removed", hint.old, gone_names, new_names))
        if not hints and not self.detect:
            return []
        shape = (lambda t: table_shape(self.ctx, t), lambda t: table_shape(self.ctx, t))
        forced, guessed = self._pairs(hints, new, gone, (_name, _name), shape)
        kept = [
            (m, d)
            for m, d in guessed
            if self._confirmed(RenameCandidate("table", d.name, m.name, schema=m.schema))
        ]
        return [*forced, *kept]

    def columns(
        self,
        model: sa.Table,
        db_name: str,
        added: list[sa.Column[Any]],
        removed: list[sa.Column[Any]],
    ) -> list[tuple[sa.Column[Any], sa.Column[Any]]]:
        """Return the (model column, database column) pairs of one table to rename."""
        self._column_changes[model.name] = ([c.name for c in removed], [c.name for c in added])
        hints = self._column_hints((model.name, db_name))
        shape = (lambda c: column_shape(self.ctx, c), lambda c: column_shape(self.ctx, c))
        forced, guessed = self._pairs(hints, added, removed, (_name, _name), shape)
        kept = [
            (m, d)
            for m, d in guessed
            if self._confirmed(
                RenameCandidate("column", d.name, m.name, table=model.name, schema=model.schema)
            )
        ]
        return [*forced, *kept]

    def check_all_used(self) -> None:
        """Raise for a hint that matched nothing (its table was not compared, or unknown).

        Raises:
            UsageError: naming the hint, with the tables whose columns change.
        """
        changed = {t for t, (gone, new) in self._column_changes.items() if gone or new}
        for hint in self.hints:
            if hint in self._used or hint.table is None:
                continue
            close = did_you_mean(str(hint.table), changed)
            error = UsageError(
                f"--rename {hint.text}: table {hint.table!r} has no removed or added column"
                + (f" ({close})" if close else ""),
                f"tables whose columns change: {_names(changed)}",
            )
            if not self._applies(hint):
                self._foreign(hint, error)
                continue
            raise error


def check_rename_state(state: dict[str, Any]) -> None:
    """Raise for a hint that no comparison of the run could use.

    Raises:
        UsageError: the first such hint's error, with the candidates of its comparison.
    """
    for text, error in state["foreign"].items():
        if text not in state["used"]:
            raise error


def new_rename_state() -> dict[str, Any]:
    """Return the state the comparisons of one run share about ``--rename`` hints."""
    return {"used": set(), "foreign": {}}


def _name(item: Any) -> str:
    return str(item.name)
