"""Pure step planning: which scripts run and how each one changes the version table.

The version table holds one row per current head. Each step changes those rows with
the same INSERT/UPDATE/DELETE algebra as Alembic, so a database migrated by one tool
can be continued by the other: a new branch inserts a row, a plain step updates one,
a merge deletes all but one of its parents' rows and updates the last, an unmerge
(downgrading a merge) inserts the parents that no other head implies, and stepping
down to base (or to a revision another head already implies) deletes the row.

Nothing here imports SQLAlchemy or touches the file system; ancestry comes in as a
callable so the module can be tested with in-memory graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Ancestry",
    "Delete",
    "Insert",
    "Step",
    "StepRevision",
    "Update",
    "VersionChange",
    "apply_changes",
    "plan_changes",
    "stamp_steps",
    "step_changes",
]

#: ``ancestry(ids)`` -> the ids and all their ancestors (through down_revision and
#: depends_on), the ids themselves included.
Ancestry = Callable[[Iterable[str]], "frozenset[str] | set[str]"]


@dataclass(frozen=True)
class Insert:
    """Insert a row for ``revision``."""

    revision: str


@dataclass(frozen=True)
class Delete:
    """Delete the row of ``revision``."""

    revision: str


@dataclass(frozen=True)
class Update:
    """Change the row of ``old`` into ``new``."""

    old: str
    new: str


VersionChange = Insert | Delete | Update


@dataclass(frozen=True)
class StepRevision:
    """The facts about one revision that planning needs.

    Attributes:
        revision: Its id.
        down_revisions: Its ``down_revision`` parents (what logs show).
        normalized_down: Parents plus ``depends_on`` targets that no other parent implies.
        doc: First line of its docstring.
    """

    revision: str
    down_revisions: tuple[str, ...] = ()
    normalized_down: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class Step:
    """One step of a run: a script's upgrade or downgrade, or a stamp.

    Attributes:
        kind: ``"upgrade"``, ``"downgrade"`` or ``"stamp"``.
        revision: The script's revision (None for a stamp).
        from_revisions: Revisions the step starts from (for the version table).
        to_revisions: Revisions the step ends at (for the version table).
        log_from: Revisions shown on the left of ``->`` in logs.
        log_to: Revisions shown on the right of ``->`` in logs.
        doc: The script's doc line ("" for stamps).
        branch_move: For stamps: the step creates or removes a whole branch.
    """

    kind: Literal["upgrade", "downgrade", "stamp"]
    revision: str | None
    from_revisions: tuple[str, ...]
    to_revisions: tuple[str, ...]
    log_from: tuple[str, ...] = ()
    log_to: tuple[str, ...] = ()
    doc: str = ""
    branch_move: bool = False
    is_upgrade: bool = field(default=True)

    @classmethod
    def upgrade(cls, rev: StepRevision) -> Step:
        """Return the step running ``rev``'s ``upgrade()``.

        Example:
            >>> Step.upgrade(StepRevision("b", ("a",), ("a",), "add b")).short_log
            'upgrade a -> b'
        """
        return cls(
            "upgrade",
            rev.revision,
            rev.normalized_down,
            (rev.revision,),
            rev.down_revisions,
            (rev.revision,),
            rev.doc,
        )

    @classmethod
    def downgrade(cls, rev: StepRevision) -> Step:
        """Return the step running ``rev``'s ``downgrade()``.

        Example:
            >>> str(Step.downgrade(StepRevision("b", ("a",), ("a",), "add b")))
            'downgrade b -> a, add b'
        """
        return cls(
            "downgrade",
            rev.revision,
            (rev.revision,),
            rev.normalized_down,
            (rev.revision,),
            rev.down_revisions,
            rev.doc,
            is_upgrade=False,
        )

    @property
    def short_log(self) -> str:
        """Return ``"<kind> <from> -> <to>"`` as Alembic's ``--sql`` comments show it."""
        name = "stamp_revision" if self.kind == "stamp" else self.kind
        return f"{name} {', '.join(self.log_from)} -> {', '.join(self.log_to)}"

    def __str__(self) -> str:
        return f"{self.short_log}, {self.doc}" if self.doc else self.short_log


def _others_imply(
    heads: Iterable[str], excluded: Iterable[str], ancestry: Ancestry
) -> frozenset[str]:
    others = set(heads).difference(excluded)
    return frozenset(ancestry(others)) if others else frozenset()


def _revision_changes(
    step: Step, heads: frozenset[str], ancestry: Ancestry
) -> list[VersionChange]:
    assert step.revision is not None
    rev = step.revision
    down = step.to_revisions if not step.is_upgrade else step.from_revisions
    if step.is_upgrade:
        present = [d for d in down if d in heads]
        if not down or not present:
            return [Insert(rev)]  # a base, or a branch whose parents are all implied elsewhere
        if len(down) > 1 and len(present) > 1:
            implied = _others_imply(heads, down, ancestry)
            merged = [d for d in down if d not in implied and d in heads] or list(present)
            changes: list[VersionChange] = [Delete(d) for d in merged[:-1]]
            return [*changes, Update(merged[-1], rev)]
        return [Update(present[0], rev)]
    if rev not in heads:
        return []
    implied = _others_imply(heads, (rev,), ancestry)
    targets = [d for d in down if d not in implied]
    # A parent that is an ancestor of another parent (a redundant depends_on) gets no row.
    targets = [d for d in targets if not any(d in ancestry([o]) for o in targets if o != d)]
    if not targets:
        return [Delete(rev)]
    if len(down) > 1:
        inserts: list[VersionChange] = [Insert(d) for d in targets[:-1]]
        return [*inserts, Update(rev, targets[-1])]
    return [Update(rev, targets[0])]


def _stamp_changes(step: Step, heads: frozenset[str]) -> list[VersionChange]:
    from_, to = step.from_revisions, step.to_revisions
    if not step.is_upgrade and step.branch_move:
        return [Delete(from_[0])]
    if (
        step.is_upgrade
        and (step.branch_move or set(from_).difference(heads))
        and set(to).difference(heads)
    ):
        return [Insert(to[0])]
    if len(from_) > 1:
        return [*(Delete(r) for r in from_[:-1]), Update(from_[-1], to[0])]
    if len(to) > 1:
        return [*(Insert(r) for r in to[:-1]), Update(from_[0], to[-1])]
    return [Update(from_[0], to[0])]


def step_changes(
    step: Step, heads: Iterable[str], ancestry: Ancestry
) -> tuple[VersionChange, ...]:
    """Return the version-table changes ``step`` makes when the table holds ``heads``.

    Example:
        >>> anc = lambda ids: set(ids)
        >>> step_changes(Step.upgrade(StepRevision("a")), [], anc)
        (Insert(revision='a'),)
        >>> step_changes(Step.upgrade(StepRevision("b", ("a",), ("a",))), ["a"], anc)
        (Update(old='a', new='b'),)
    """
    current = frozenset(heads)
    if step.kind == "stamp":
        changes = _stamp_changes(step, current)
    else:
        changes = _revision_changes(step, current, ancestry)
    return tuple(c for c in changes if not (isinstance(c, Update) and c.old == c.new))


def apply_changes(heads: Iterable[str], changes: Iterable[VersionChange]) -> tuple[str, ...]:
    """Return the heads after ``changes``, keeping the table's row order.

    Example:
        >>> apply_changes(["a", "x"], [Delete("x"), Update("a", "m")])
        ('m',)
    """
    rows = list(heads)
    for change in changes:
        if isinstance(change, Insert):
            if change.revision not in rows:
                rows.append(change.revision)
        elif isinstance(change, Delete):
            rows.remove(change.revision)
        else:
            rows[rows.index(change.old)] = change.new
    return tuple(rows)


def plan_changes(
    steps: Sequence[Step], heads: Iterable[str], ancestry: Ancestry
) -> list[tuple[Step, tuple[VersionChange, ...], tuple[str, ...]]]:
    """Return each step with its version changes and the heads after it.

    Example:
        >>> a, b = StepRevision("a"), StepRevision("b", ("a",), ("a",))
        >>> [h for _, _, h in plan_changes([Step.upgrade(a), Step.upgrade(b)], [], set)]
        [('a',), ('b',)]
    """
    out = []
    current = tuple(heads)
    for step in steps:
        changes = step_changes(step, current, ancestry)
        current = apply_changes(current, changes)
        out.append((step, changes, current))
    return out


def stamp_steps(
    destinations: Sequence[str | None],
    lineage_heads: Sequence[str],
    ancestry: Ancestry,
    descendancy: Ancestry,
) -> list[Step]:
    """Return the stamp steps moving ``lineage_heads`` to ``destinations``.

    Args:
        destinations: Resolved target ids; None stands for base.
        lineage_heads: Current heads sharing a lineage with any destination.
        ancestry: Ids -> themselves and their ancestors.
        descendancy: Ids -> themselves and their descendants.

    Example:
        >>> [str(s) for s in stamp_steps(["b"], ["a"], lambda i: set(i) | {"a"}, set)]
        ['stamp_revision a -> b']
    """
    steps: list[Step] = []
    heads = tuple(lineage_heads)
    for dest in destinations:
        if dest is None:
            steps.extend(
                Step("stamp", None, (h,), (), (h,), (), branch_move=True, is_upgrade=False)
                for h in heads
            )
            continue
        if dest in heads:
            continue
        if set(descendancy([dest])).intersection(heads):
            steps.append(Step("stamp", None, heads, (dest,), heads, (dest,), is_upgrade=False))
        elif set(ancestry([dest])).intersection(heads):
            steps.append(Step("stamp", None, heads, (dest,), heads, (dest,)))
        else:
            steps.append(Step("stamp", None, (), (dest,), (), (dest,), branch_move=True))
    return steps
