"""The ``tidal`` command line: a thin layer over :mod:`tidal.command`."""

from __future__ import annotations

from tidal.cli.main import main

__all__ = ["main"]
