"""Write failures for people: one ``FAILED:`` line, one hint line, a traceback on request.

Every line goes through :func:`tidal.config.mask_urls`, so a database password never
reaches the terminal, even from a driver's exception text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from tidal.config import mask_urls
from tidal.errors import TidalError

if TYPE_CHECKING:
    from tidal.autogenerate.compare.renames import RenameCandidate

__all__ = [
    "DEBUG_HINT",
    "ask_rename",
    "failure_lines",
    "rename_prompt",
    "unexpected_lines",
    "write_failure",
    "write_interrupted",
    "write_traceback",
    "write_unexpected",
]

DEBUG_HINT = "run again with --debug for the full traceback"


def _one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return mask_urls(lines[0] if lines else "")


def failure_lines(error: TidalError) -> list[str]:
    """Return the lines that report ``error``: ``FAILED: <message>`` and the hint.

    Example:
        >>> from tidal.errors import ConfigError
        >>> failure_lines(ConfigError("no driver://u:pw@h/db", "fix it"))
        ['FAILED: no driver://u:***@h/db', '  hint: fix it']
    """
    lines = [f"FAILED: {_one_line(error.message) or type(error).__name__}"]
    if error.hint:
        lines.append(f"  hint: {_one_line(error.hint)}")
    return lines


def unexpected_lines(error: BaseException) -> list[str]:
    """Return the lines that report an error Tidal did not expect.

    Example:
        >>> unexpected_lines(ValueError("bad\\nthing"))
        ['FAILED: ValueError: bad', '  hint: run again with --debug for the full traceback']
    """
    detail = _one_line(str(error))
    name = type(error).__name__
    return [f"FAILED: {name}: {detail}" if detail else f"FAILED: {name}", f"  hint: {DEBUG_HINT}"]


def _write(stream: TextIO, lines: list[str]) -> None:
    stream.write("".join(f"{line}\n" for line in lines))
    stream.flush()


def write_failure(stream: TextIO, error: TidalError) -> None:
    """Write :func:`failure_lines` of ``error`` to ``stream``."""
    _write(stream, failure_lines(error))


def write_unexpected(stream: TextIO, error: BaseException) -> None:
    """Write :func:`unexpected_lines` of ``error`` to ``stream``."""
    _write(stream, unexpected_lines(error))


def write_traceback(stream: TextIO, error: BaseException) -> None:
    """Write the traceback of ``error`` (passwords masked) to ``stream``."""
    import traceback  # only with --debug: keep it off every command's start-up

    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    stream.write(mask_urls(text))
    stream.flush()


def write_interrupted(stream: TextIO) -> None:
    """Say that the run was interrupted."""
    _write(
        stream, ["FAILED: interrupted", "  hint: run `tidal current` to see where the database is"]
    )


def ask_rename(candidate: RenameCandidate, stdin: TextIO, stdout: TextIO) -> bool:
    """Ask ``Rename column t.a to t.b? [Y/n]``; return True for yes (the default, and at EOF).

    Example:
        >>> import io
        >>> from tidal.autogenerate.compare.renames import RenameCandidate
        >>> out = io.StringIO()
        >>> ask_rename(RenameCandidate("table", "a", "b"), io.StringIO("x\\nno\\n"), out)
        False
        >>> out.getvalue()
        'Rename table a to b? [Y/n] Please answer y or n.\\nRename table a to b? [Y/n] '
    """
    question = f"Rename {candidate.describe()}? [Y/n] "
    while True:
        stdout.write(question)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return True
        answer = line.strip().lower()
        if answer in ("", "y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        stdout.write("Please answer y or n.\n")


def rename_prompt(stdin: TextIO, stdout: TextIO) -> Callable[[RenameCandidate], bool]:
    """Return the ``rename_decider`` that asks on ``stdin``/``stdout``."""
    return lambda candidate: ask_rename(candidate, stdin, stdout)
