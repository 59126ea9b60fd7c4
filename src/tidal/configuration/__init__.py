"""The pieces behind :mod:`tidal.config`: value expansion, path lists, TOML, file discovery.

``tidal.config`` is the public module; these are private and may change.
"""

from __future__ import annotations

__all__: list[str] = []
