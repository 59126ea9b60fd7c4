"""The Revision value: one migration script's header, as read from disk.

A :class:`Revision` is pure data (no module, no graph links). The graph
(:mod:`tidal.script.graph`) derives parents, children, heads and labels from a set
of them; :class:`tidal.script.directory.Script` adds the lazily imported module.
"""

from __future__ import annotations

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


class Revision:
    """One revision's header: an immutable value, equal by everything but ``longdoc``.

    Attributes:
        revision: The id (``revision = "..."``).
        down_revision: ``down_revision`` exactly as written (None, a str or a tuple).
        branch_labels: Labels declared by this revision (``branch_labels``).
        depends_on: ``depends_on`` exactly as written (None, a str or a tuple).
        path: The script's file path, or None for graphs built in memory.
        longdoc: The module docstring, or "".
    """

    # A plain class rather than a frozen dataclass: importing ``dataclasses`` (it pulls in
    # ``inspect``, ``ast``, ``dis``) cost every read-only command 7 ms of start-up.
    revision: str
    down_revision: str | tuple[str, ...] | None
    branch_labels: tuple[str, ...]
    depends_on: str | tuple[str, ...] | None
    path: str | None
    longdoc: str

    def __init__(
        self,
        revision: str,
        down_revision: str | tuple[str, ...] | None = None,
        branch_labels: tuple[str, ...] = (),
        depends_on: str | tuple[str, ...] | None = None,
        path: str | None = None,
        longdoc: str = "",
    ) -> None:
        self.__dict__.update(
            revision=revision,
            down_revision=down_revision,
            branch_labels=branch_labels,
            depends_on=depends_on,
            path=path,
            longdoc=longdoc,
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Revision is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Revision is immutable")

    def _key(self) -> tuple[object, ...]:
        d = self.__dict__
        return (d["revision"], d["down_revision"], d["branch_labels"], d["depends_on"], d["path"])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Revision)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        d = self.__dict__
        return (
            f"Revision(revision={d['revision']!r}, down_revision={d['down_revision']!r}, "
            f"branch_labels={d['branch_labels']!r}, depends_on={d['depends_on']!r}, "
            f"path={d['path']!r}, longdoc={d['longdoc']!r})"
        )

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
