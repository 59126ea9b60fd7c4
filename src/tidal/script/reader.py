"""Find migration scripts on disk and read their headers without importing them.

A header is the module's ``revision``, ``down_revision``, ``branch_labels`` and
``depends_on`` top-level assignments plus its docstring. Reading goes, fastest first:

1. the header cache (one file per version directory in the user's cache directory,
   keyed by absolute path, ``st_mtime_ns`` and ``st_size``);
2. a line scan for the four assignments and a plain leading docstring;
3. :mod:`ast` for anything the scan does not understand (multi-line values,
   comments after values, escaped docstrings, repeated assignments);
4. importing the module, under the Alembic shim, when a value is not a literal.

File selection follows Alembic's: ``*.py`` files (``.pyc`` too with ``sourceless``),
skipping names that start with ``__init__`` or ``.#``, sorted by name per directory,
sub-directories after files when ``recursive_version_locations`` is set.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from tidal.errors import ScriptError
from tidal.script.header_cache import HeaderCache, cache_directory, cache_enabled
from tidal.script.header_cache import Row as _Row
from tidal.script.revision import Revision

__all__ = [
    "HeaderCache",
    "ScriptFile",
    "cache_directory",
    "find_script_files",
    "parse_header",
    "read_header",
    "read_revisions",
    "sourceless_mode",
]

_HEADER_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
_ASSIGN_RE = re.compile(
    r"^(revision|down_revision|branch_labels|depends_on)[ \t]*(?::[^=\n]*)?"
    r"=(?!=)[ \t]*(.*?)[ \t]*$",
    re.MULTILINE,
)
_PYC_TAG_RE = re.compile(r"^(?P<stem>[^.]+)\..+\.pyc$")
_PLAIN_STRING_RE = re.compile(r"'([^'\\\n]*)'|\"([^\"\\\n]*)\"")
_STRING_START_RE = re.compile(r"[rRbBuUfF]{0,2}[\"']")


class ScriptFile(NamedTuple):
    """One candidate script: its path and its stamp.

    Attributes:
        path: Absolute path of the file.
        mtime_ns: ``st_mtime_ns`` from the one stat done on it.
        size: ``st_size`` from the same stat.
    """

    path: str
    mtime_ns: int
    size: int


def sourceless_mode(value: str | bool | None) -> bool:
    """Return whether a ``sourceless`` option value allows ``.pyc`` files without source.

    As observed in Alembic 1.20, only the exact string ``true`` (or a TOML ``true``)
    turns it on: ``True``, ``yes``, ``1`` and ``pep3147`` leave it off. Bytecode is then
    read from legacy ``name.pyc`` files and from ``__pycache__/name.<tag>.pyc``.

    Example:
        >>> sourceless_mode("true"), sourceless_mode("True"), sourceless_mode(None)
        (True, False, False)
    """
    if isinstance(value, bool):
        return value
    return (value or "").strip() == "true"


def _scan_dir(directory: str, sourceless: bool) -> tuple[list[ScriptFile], list[str]]:
    """Return the script files directly in ``directory`` and its sub-directories' paths."""
    files: dict[str, os.DirEntry[str]] = {}
    subdirs: list[str] = []
    pycache: str | None = None
    suffixes = (".py", ".pyc") if sourceless else (".py",)
    with os.scandir(directory) as it:
        for entry in it:
            name = entry.name
            # Alembic's selection: *.py (and *.pyc when sourceless), not __init__* or .#*.
            if name.endswith(suffixes) and not name.startswith(("__init__", ".#")):
                files[name] = entry
            elif entry.is_dir():
                if name == "__pycache__":
                    pycache = entry.path
                else:
                    subdirs.append(entry.path)
    result: list[ScriptFile] = []
    append = result.append
    make = tuple.__new__  # ScriptFile(...) goes through a Python-level __new__
    for name in sorted(files):
        if sourceless and name.endswith(".pyc") and name[:-1] in files:
            continue  # the source wins over its legacy bytecode
        entry = files[name]
        st = entry.stat()
        append(make(ScriptFile, (entry.path, st.st_mtime_ns, st.st_size)))
    if sourceless and pycache is not None:
        result.extend(_scan_pycache(pycache, files))
    subdirs.sort()
    return result, subdirs


def _scan_pycache(pycache: str, siblings: dict[str, os.DirEntry[str]]) -> list[ScriptFile]:
    """Return PEP 3147 bytecode files whose source file is gone."""
    tag = f".{sys.implementation.cache_tag}.pyc"
    found: list[ScriptFile] = []
    with os.scandir(pycache) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        if not entry.name.endswith(tag):
            continue
        stem = entry.name[: -len(tag)]
        if f"{stem}.py" in siblings or f"{stem}.pyc" in siblings or stem.startswith("__init__"):
            continue
        st = entry.stat()
        found.append(ScriptFile(entry.path, st.st_mtime_ns, st.st_size))
    return found


def find_script_files(
    directory: str, *, recursive: bool = False, sourceless: bool = False
) -> list[ScriptFile]:
    """Return the script files of one version directory, in Alembic's reading order.

    A directory that does not exist holds no scripts.
    """
    directory = os.path.abspath(directory)
    if not os.path.isdir(directory):
        return []
    result, subdirs = _scan_dir(directory, sourceless)
    if recursive:
        pending = list(reversed(subdirs))
        while pending:
            sub = pending.pop()
            files, more = _scan_dir(sub, sourceless)
            result.extend(files)
            pending.extend(reversed(more))
    return result


# -- parsing ---------------------------------------------------------------------------


class _NotLiteral(Exception):
    """A header value is not a literal; the module must be imported."""


def _fast_doc(text: str) -> tuple[str, int] | None:
    """Return (docstring, end offset) for a plain leading docstring, or None if unusual."""
    pos = 0
    length = len(text)
    while pos < length:
        nl = text.find("\n", pos)
        line_end = length if nl < 0 else nl
        stripped = text[pos:line_end].strip()
        if stripped and not stripped.startswith("#"):
            break
        pos = line_end + 1
    if pos >= length:
        return "", length
    for quote in ('"""', "'''"):
        if text.startswith(quote, pos):
            end = text.find(quote, pos + 3)
            if end < 0:
                return None
            body = text[pos + 3 : end]
            if "\\" in body:
                return None
            return body, end + 3
    if _STRING_START_RE.match(text, pos):
        return None  # some other string form: let ast decide
    return "", pos


def _literal(raw: str) -> Any:
    """Return the value of a header literal; ``None`` and plain strings without ``ast``.

    ``ast.literal_eval`` compiles its argument: on a cold cache that is most of the
    time spent reading 5,000 headers, and nearly every value is ``None`` or ``'id'``.

    Raises:
        ValueError: Not a literal (from ``ast.literal_eval``).
        SyntaxError: Not an expression (from ``ast.literal_eval``).

    Example:
        >>> _literal("None"), _literal("'a1'"), _literal('"b2"'), _literal("('a', 'b')")
        (None, 'a1', 'b2', ('a', 'b'))
    """
    if raw == "None":
        return None
    plain = _PLAIN_STRING_RE.fullmatch(raw)
    if plain is not None:
        return plain.group(1) if plain.group(1) is not None else plain.group(2)
    import ast  # only for the rarer forms (tuples, escapes, prefixes)

    return ast.literal_eval(raw)


def _assignments(text: str, start: int) -> Iterator[re.Match[str]]:
    """Yield the matches of ``_ASSIGN_RE.finditer(text, start)``, found faster.

    The regex is tried only where a line starts with one of the four names (found with
    ``str.find``), not at every position of the file; each match lies within one line,
    so the matches are the same (in another order, which does not matter here).

    Example:
        >>> [m.group(1) for m in _assignments("x = 1\\nrevision = 'a'\\ndown_revision = None", 0)]
        ['revision', 'down_revision']
    """
    for name in _HEADER_NAMES:
        if start == 0 and text.startswith(name):
            first = _ASSIGN_RE.match(text, 0)
            if first is not None:
                yield first
        needle = "\n" + name
        pos = text.find(needle, max(start - 1, 0))
        while pos >= 0:
            match = _ASSIGN_RE.match(text, pos + 1)
            if match is not None:
                yield match
            pos = text.find(needle, pos + 1)


def _fast_parse(text: str) -> _Row | None:
    """Scan for the header assignments; return None when ``ast`` must decide."""
    doc_and_end = _fast_doc(text)
    if doc_and_end is None:
        return None
    doc, end = doc_and_end
    values: dict[str, Any] = {}
    for match in _assignments(text, end):
        name, raw = match.group(1), match.group(2)
        if name in values:
            return None
        try:
            values[name] = _literal(raw)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    if "revision" not in values:
        return None
    return _row(values, doc)


def _row(values: dict[str, Any], doc: str) -> _Row:
    rev = values.get("revision")
    if not isinstance(rev, str):
        raise _NotLiteral
    down = _ids_value(values.get("down_revision"))
    labels = _ids_value(values.get("branch_labels"))
    labels_t: tuple[str, ...] = (labels,) if isinstance(labels, str) else (labels or ())
    return rev, down, labels_t, _ids_value(values.get("depends_on")), doc


def _ids_value(value: Any) -> Any:
    """Return a header value as None, a str or a tuple of str (lists become tuples)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        if not all(isinstance(v, str) for v in value):
            raise _NotLiteral
        return tuple(value)
    raise _NotLiteral


def _ast_parse(text: str | bytes, path: str) -> _Row | None:
    """Read the header with :mod:`ast`; return None when the module has no ``revision``."""
    import ast

    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise ScriptError(
            f"cannot parse migration script {path}: {exc.msg} (line {exc.lineno})",
            "fix the syntax error in the script",
        ) from exc
    values: dict[str, Any] = {}
    for node in tree.body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in _HEADER_NAMES and value is not None:
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError as exc:
                raise _NotLiteral from exc
    if "revision" not in values:
        return None
    return _row(values, ast.get_docstring(tree, clean=False) or "")


def _import_header(path: str) -> _Row | None:
    """Import the module (under the Alembic shim) and read the header attributes."""
    from tidal.script.loading import load_script_module

    module = load_script_module(path)
    values = {n: getattr(module, n) for n in _HEADER_NAMES if hasattr(module, n)}
    if "revision" not in values:
        return None
    try:
        return _row(values, module.__doc__ or "")
    except _NotLiteral as exc:
        raise ScriptError(
            f"migration script {path} has a header value that is not a string or tuple",
            "revision, down_revision, branch_labels and depends_on must be str, tuple or None",
        ) from exc


def parse_header(text: str, path: str = "<script>") -> _Row | None:
    """Return the header row of a script's source text, or None when it has no ``revision``.

    Raises ``_NotLiteral`` (internal) when a value needs the module to be imported.

    Example:
        >>> parse_header('\"\"\"msg\"\"\"\\nrevision = "a1"\\ndown_revision = None\\n')
        ('a1', None, (), None, 'msg')
    """
    if "\r" in text:  # as Python reads source: universal newlines
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    row = _fast_parse(text)
    if row is not None:
        return row
    return _ast_parse(text, path)


def _missing_revision(path: str) -> ScriptError:
    name = os.path.basename(path)
    return ScriptError(
        f"could not determine revision id from filename {name}",
        "be sure the 'revision' variable is declared inside the script",
    )


def _read_row(path: str) -> _Row:
    if path.endswith(".pyc"):
        row = _import_header(path)
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise ScriptError(f"cannot read migration script {path}: {exc}") from exc
        try:
            try:
                row = parse_header(data.decode("utf-8-sig"), path)
            except UnicodeDecodeError:
                row = _ast_parse(data, path)  # ast honours a coding cookie
        except _NotLiteral:
            row = _import_header(path)
    if row is None:
        raise _missing_revision(path)
    return row


def _to_revision(row: _Row, path: str) -> Revision:
    rev, down, labels, depends, doc = row
    # What Revision.__init__ stores, without the call: `tidal heads` on 5,000 scripts
    # builds 5,000 of these.
    made = _new_object(Revision)
    _set_attr(
        made,
        "__dict__",
        {
            "revision": rev,
            "down_revision": down,
            "branch_labels": labels,
            "depends_on": depends,
            "path": path,
            "longdoc": doc,
        },
    )
    return made


_new_object = object.__new__
_set_attr = object.__setattr__


def read_header(path: str) -> Revision:
    """Return the header of the script at ``path``, reading it without the cache."""
    return _to_revision(_read_row(os.path.abspath(path)), os.path.abspath(path))


# -- cache -----------------------------------------------------------------------------


def read_revisions(
    locations: Sequence[str],
    *,
    recursive: bool = False,
    sourceless: bool = False,
    use_cache: bool = True,
    cache_root: str | None = None,
) -> list[Revision]:
    """Return the headers of every script in ``locations``, in Alembic's reading order.

    Args:
        locations: Version directories, in configuration order.
        recursive: Descend into sub-directories (``recursive_version_locations``).
        sourceless: Accept ``.pyc`` files without source (``sourceless``).
        use_cache: Use the header cache in the user's cache directory
            (also off when ``TIDAL_NO_HEADER_CACHE=1``).
        cache_root: Another directory for the cache files (tests).
    """
    use_cache = use_cache and cache_enabled()
    revisions: list[Revision] = []
    seen_dirs: set[str] = set()
    for location in locations:
        directory = os.path.abspath(location)
        if directory in seen_dirs:
            continue
        seen_dirs.add(directory)
        files = find_script_files(directory, recursive=recursive, sourceless=sourceless)
        cache = HeaderCache(directory, cache_root) if use_cache else None
        if cache is not None:
            cache.load()
        rows = cache.rows_if_unchanged(files) if cache is not None else None
        if rows is not None:
            revisions.extend(map(_to_revision, rows, [f.path for f in files]))
            continue
        for f in files:
            row = cache.get(f) if cache is not None else None
            if row is None:
                row = _read_row(f.path)
                if cache is not None:
                    cache.put(f, row)
            revisions.append(_to_revision(row, f.path))
        if cache is not None:
            cache.prune(files)
            cache.save()
    return revisions
