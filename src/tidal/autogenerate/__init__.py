"""Autogenerate: compare the models with the database; render the differences as a script.

Alembic's ``alembic.autogenerate`` names (``compare_metadata``, ``produce_migrations``,
``render_python_code``) resolve here while the compatibility shim is active.
"""

from __future__ import annotations

from tidal.autogenerate.api import compare_metadata, produce_migrations, render_python_code
from tidal.autogenerate.context import AutogenContext

__all__ = ["AutogenContext", "compare_metadata", "produce_migrations", "render_python_code"]
