"""Turn a script directory and a target into the steps a run executes.

:class:`StepSource` is the seam between the revision graph (which revisions, in what
order) and the pure planner (:mod:`tidal.runtime.plan`, how each step changes the
version table). Scripts' modules are imported only when a step runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tidal.errors import AmbiguousDowngradeError, RevisionError
from tidal.runtime import plan
from tidal.runtime.info import MigrationInfo

__all__ = ["RunStep", "StepSource", "ids_of"]


def ids_of(items: Iterable[Any]) -> tuple[str, ...]:
    """Return revision ids for graph answers given as ids or revision objects.

    Example:
        >>> ids_of(["a", None, "b"])
        ('a', 'b')
    """
    out: list[str] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, str):
            if item != "base":
                out.append(item)
            continue
        rev = getattr(item, "revision", None)
        if isinstance(rev, str):
            out.append(rev)
    return tuple(out)


def _noop(**kw: Any) -> None:
    return None


@dataclass(frozen=True)
class RunStep:
    """A planned step plus what running it needs.

    Attributes:
        step: The plan's step (kind, revisions, log text).
        migration_fn: Called with ``run_migrations``' keywords.
        path: The script's file (for checksums), or None.
        info: What ``on_version_apply`` callbacks receive.
        ancestry: Ids -> themselves and their ancestors, for the version-row algebra.
    """

    step: plan.Step
    migration_fn: Callable[..., Any]
    path: str | None
    info: MigrationInfo
    ancestry: plan.Ancestry = set

    def __str__(self) -> str:
        return str(self.step)


def graph_of(script_directory: Any) -> Any:
    """Return the revision graph a ScriptDirectory holds."""
    for name in ("graph", "revision_map"):
        graph = getattr(script_directory, name, None)
        if graph is not None:
            return graph
    return script_directory


class StepSource:
    """Plans upgrade, downgrade and stamp steps over one script directory.

    Args:
        script_directory: A :class:`tidal.script.ScriptDirectory` (or anything with a
            ``graph``/``revision_map`` and ``get_revision(id).module``).
    """

    def __init__(self, script_directory: Any) -> None:
        self.script_directory = script_directory
        self.graph = graph_of(script_directory)

    def ancestry(self, ids: Iterable[str]) -> set[str]:
        """Return ``ids`` and their ancestors (through depends_on too)."""
        ids = list(ids)
        return set(ids) | set(ids_of(self.graph.ancestors(ids))) if ids else set()

    def descendancy(self, ids: Iterable[str]) -> set[str]:
        """Return ``ids`` and their descendants (through depends_on too)."""
        ids = list(ids)
        return set(ids) | set(ids_of(self.graph.descendants(ids))) if ids else set()

    def normalized_down(self, revision: Any) -> tuple[str, ...]:
        """Return ``down_revision`` plus the depends_on targets no parent implies."""
        index = getattr(self.graph, "index", None)
        norm = getattr(index, "norm_down", None)
        if isinstance(norm, dict) and revision.revision in norm:
            return tuple(norm[revision.revision])
        down = tuple(revision.down_revisions)
        deps = ids_of(self.graph.get_revisions(list(revision.dependencies)))
        implied = self.ancestry(down) if down else set()
        extra = []
        for dep in deps:
            others = [d for d in deps if d != dep]
            if dep in implied or dep in down:
                continue
            if others and dep in self.ancestry(others) - set(others):
                continue
            extra.append(dep)
        return tuple(dict.fromkeys([*down, *extra]))

    def step_revision(self, rev_id: str) -> tuple[plan.StepRevision, Any]:
        """Return the planner's view of a revision and the graph's revision object."""
        revision = self.graph.get_revision(rev_id)
        doc = str(getattr(revision, "doc", "") or "")
        facts = plan.StepRevision(
            revision.revision, tuple(revision.down_revisions), self.normalized_down(revision), doc
        )
        return facts, revision

    def _script_fn(self, rev_id: str, name: str) -> Callable[..., Any]:
        script = self.script_directory.get_revision(rev_id)
        return getattr(script.module, name)  # type: ignore[no-any-return]

    def _steps(self, rev_ids: Sequence[str], upgrade: bool) -> list[RunStep]:
        out = []
        for rev_id in rev_ids:
            facts, revision = self.step_revision(rev_id)
            if upgrade:
                step = plan.Step.upgrade(facts)
                info = MigrationInfo(self.graph, [rev_id], facts.normalized_down, True, False)
            else:
                step = plan.Step.downgrade(facts)
                info = MigrationInfo(self.graph, [rev_id], facts.normalized_down, False, False)
            fn = _LazyFn(self, rev_id, "upgrade" if upgrade else "downgrade")
            out.append(RunStep(step, fn, getattr(revision, "path", None), info, self.ancestry))
        return out

    def upgrade(self, destination: str, heads: Sequence[str]) -> list[RunStep]:
        """Return the upgrade steps from ``heads`` to ``destination``, in running order."""
        revs = ids_of(self.graph.upgrade_revisions(destination, tuple(heads)))
        return self._steps(revs, upgrade=True)

    def downgrade(self, destination: str, heads: Sequence[str]) -> list[RunStep]:
        """Return the downgrade steps from ``heads`` to ``destination``, in running order.

        Where Alembic's ``-N`` fails with "ambiguous walk" (a merge on the way down from
        the one current head), the steps undo one head at a time instead: a deliberate
        difference from Alembic (seed 004 runs ``downgrade -1`` after its own merge).
        """
        try:
            revs = ids_of(self.graph.downgrade_revisions(destination, tuple(heads)))
        except RevisionError:
            steps = self._stepwise_down(destination, tuple(heads))
            if steps is None:
                raise
            return steps
        return self._steps(revs, upgrade=False)

    def _stepwise_down(self, destination: str, heads: tuple[str, ...]) -> list[RunStep] | None:
        """Undo ``-N`` heads one by one while there is exactly one; None if not ``-N``."""
        from tidal.script.targets import RELATIVE

        match = RELATIVE.fullmatch(destination)
        if match is None or match.group(1) or match.group(2) or int(match.group(3)) >= 0:
            return None
        if len(heads) != 1 or heads[0] not in self.graph:
            return None
        out: list[RunStep] = []
        current: tuple[str, ...] = heads
        for _ in range(-int(match.group(3))):
            if not current:
                return None  # ran out: Alembic's "didn't produce N migrations" stands
            if len(current) > 1:
                raise AmbiguousDowngradeError(
                    destination, len(out), current, self._targets(current)
                )
            step = self._steps([current[0]], upgrade=False)[0]
            current = plan.apply_changes(
                current, plan.step_changes(step.step, current, self.ancestry)
            )
            out.append(step)
        return out

    def _targets(self, heads: Sequence[str]) -> list[str]:
        """Return explicit downgrade targets that undo one of ``heads``."""
        targets: list[str] = []
        for head in heads:
            labels = sorted(self.graph.branch_labels_of(head) or ())
            targets.extend(f"{label}@-1" for label in labels)
            targets.extend(self.graph.get_revision(head).down_revisions or ("base",))
        return list(dict.fromkeys(targets))

    def _lineage_heads(self, revisions: Sequence[str], heads: Sequence[str]) -> list[str]:
        chosen: list[str] = []
        for rev in revisions:
            # The graph resolves (and rejects) identifiers exactly as Alembic's stamp does.
            chosen.extend(self.graph.filter_for_lineage(tuple(heads), rev, True))
        return list(dict.fromkeys(chosen))

    def _destinations(self, revisions: Sequence[str]) -> list[str | None]:
        dests: list[str | None] = []
        index = getattr(self.graph, "index", None)
        for rev in revisions:
            if index is None:
                found: Sequence[Any] = self.graph.get_revisions(rev)
            else:
                from tidal.script.targets import get_revisions

                found = get_revisions(index, rev)
            # A relative target landing exactly on base is an error for Alembic's stamp
            # (walking further past base means base, as for upgrade).
            if any(f is not None and not isinstance(f, str) for f in found):
                raise RevisionError(
                    f"relative revision {rev!r} lands on base, which stamp cannot target",
                    "stamp an explicit revision id, or 'base'",
                )
            dests.extend(ids_of(found))
        return dests or [None]

    def stamp(
        self, revision: str | Iterable[str], heads: Sequence[str], context: Any = None
    ) -> list[RunStep]:
        """Return the stamp steps moving the version table from ``heads`` to ``revision``."""
        revisions = [revision] if isinstance(revision, str) else list(revision) or ["base"]
        lineage = self._lineage_heads(revisions, heads)
        dests = self._destinations(revisions)
        steps = plan.stamp_steps(dests, lineage, self.ancestry, self.descendancy)
        out = []
        for step in steps:
            up, down = (step.to_revisions, step.from_revisions)
            if not step.is_upgrade:
                up, down = down, up
            info = MigrationInfo(self.graph, up, down, step.is_upgrade, True)
            out.append(RunStep(step, _noop, None, info, self.ancestry))
        return out


class _LazyFn:
    """Import the script only when its step runs."""

    def __init__(self, source: StepSource, rev_id: str, name: str) -> None:
        self.source, self.rev_id, self.name = source, rev_id, name

    def __call__(self, **kw: Any) -> Any:
        return self.source._script_fn(self.rev_id, self.name)(**kw)
