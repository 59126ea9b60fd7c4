"""The Revision value: one migration script's header, as read from disk.

A :class:`Revision` is pure data (no module, no graph links). The graph
(:mod:`tidal.script.graph`) derives parents, children, heads and labels from a set
of them; :class:`tidal.script.directory.Script` adds the lazily imported module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Revision", "normalize_ids"]

RawIds = str | tuple[str, ...] | list[str] | None


def normalize_ids(value: object) -> tuple[str, ...]:
    """Return a header value (``None``, a string, a list or a tuple) as a tuple of ids.

    Example:
        >>> normalize_ids(None), normalize_ids("a"), normalize_ids(["a", "b"])
        ((), ('a',), ('a', 'b'))
    """
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(str(v) for v in value)
    return (str(value),)


@dataclass(frozen=True)
class Revision:
    """One revision's header.

    Attributes:
        revision: The id (``revision = "..."``).
        down_revision: ``down_revision`` exactly as written (None, a str or a tuple).
        branch_labels: Labels declared by this revision (``branch_labels``).
        depends_on: ``depends_on`` exactly as written (None, a str or a tuple).
        path: The script's file path, or None for graphs built in memory.
        longdoc: The module docstring, or "".
    """

    revision: str
    down_revision: str | tuple[str, ...] | None = None
    branch_labels: tuple[str, ...] = ()
    depends_on: str | tuple[str, ...] | None = None
    path: str | None = None
    longdoc: str = field(default="", compare=False)

    @property
    def down_revisions(self) -> tuple[str, ...]:
        """The parents named by ``down_revision``, as a tuple."""
        return normalize_ids(self.down_revision)

    @property
    def dependencies(self) -> tuple[str, ...]:
        """The revisions named by ``depends_on``, as written (ids, partial ids or labels)."""
        return normalize_ids(self.depends_on)

    @property
    def doc(self) -> str:
        """The first paragraph of the docstring, as Alembic's ``Script.doc``."""
        return self.longdoc.split("\n\n", 1)[0].strip() if self.longdoc else ""
