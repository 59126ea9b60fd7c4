"""A deploy project: a baseline already applied (with rows), five pending migrations.

``r0`` (applied before the deploy) creates ``customers`` with rows; ``r1`` .. ``r5`` add
``orders`` (FK to customers) with rows, a column, a table, an index and another table.
Any of them can be replaced by a failing or a slow body. ``snapshot`` reads the whole
database (tables, columns, indexes, foreign keys, every row, the version table) so a
test can compare the state before and after a deploy.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from tests.runtime.projects import write_script

from tidal import command
from tidal.config import Config
from tidal.script.revision import Revision

#: Each body follows tests/runtime/projects.py's script header (``from alembic import op``).
_SA = "import sqlalchemy as sa\n\n"

BODIES: dict[str, str] = {
    "r0": _SA
    + """
def upgrade():
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
    )
    op.bulk_insert(
        sa.table("customers", sa.column("id", sa.Integer), sa.column("name", sa.String)),
        [{"id": 1, "name": "ada"}, {"id": 2, "name": "grace"}],
    )


def downgrade():
    op.drop_table("customers")
""",
    "r1": _SA
    + """
def upgrade():
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
    )
    op.execute("INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 10), (2, 2, 20)")


def downgrade():
    op.drop_table("orders")
""",
    "r2": _SA
    + """
def upgrade():
    op.add_column("customers", sa.Column("email", sa.String(100)))
    op.execute("UPDATE customers SET name = 'changed'")


def downgrade():
    op.drop_column("customers", "email")
""",
    "r3": _SA
    + """
def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("notes")
""",
    "r4": _SA
    + """
def upgrade():
    op.create_index("ix_orders_total", "orders", ["total"])


def downgrade():
    op.drop_index("ix_orders_total", table_name="orders")
""",
    "r5": _SA
    + """
def upgrade():
    op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("audit")
""",
}

#: r3 that fails after creating a table (on MariaDB the table stays: DDL commits).
FAILING_R3 = (
    _SA
    + """
def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO no_such_table VALUES (1)")


def downgrade():
    op.drop_table("notes")
"""
)

SLEEP_SQL = {
    "postgresql": "SELECT pg_sleep(60)",
    "mysql": "SELECT SLEEP(60)",
    "sqlite": (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    ),
}


def sleeping_r3(backend: str) -> str:
    """r3 that runs a statement of about a minute (the timeout tests)."""
    return (
        _SA
        + f"""
def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))
    op.execute({SLEEP_SQL[backend]!r})


def downgrade():
    op.drop_table("notes")
"""
    )


def quiet_config(ini: Path, out: io.StringIO | None = None) -> Config:
    """A Config whose printed lines and offline SQL both go to ``out``."""
    stream = out if out is not None else io.StringIO()
    return Config(str(ini), stdout=stream, output_buffer=stream)


def make_project(
    root: Path,
    url: str,
    bodies: dict[str, str] | None = None,
    per_migration: bool = False,
    metadata: bool = False,
    template: str = "generic",
) -> Path:
    """Write the project, upgrade it to r0 (the pre-deploy state); return alembic.ini."""
    root.mkdir(parents=True, exist_ok=True)
    ini = root / "alembic.ini"
    command.init(quiet_config(ini), str(root / "migrations"), template=template)
    text = re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", ini.read_text())
    ini.write_text(text.replace("%", "%%") if "%" in url else text)
    env = root / "migrations" / "env.py"
    env_text = env.read_text().replace("    fileConfig(config.config_file_name)", "    pass")
    if per_migration:
        env_text = env_text.replace(
            "connection=connection, target_metadata=target_metadata",
            "connection=connection, target_metadata=target_metadata,"
            " transaction_per_migration=True",
        )
    if metadata:
        env_text = env_text.replace(
            "target_metadata = None",
            "import os, sys\n"
            "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
            "from tidal_deploy_models import metadata as target_metadata",
        )
        (root / "migrations" / "tidal_deploy_models.py").write_text(MODELS)
    env.write_text(env_text)
    chosen = {**BODIES, **(bodies or {})}
    down: str | None = None
    for rev in ("r0", "r1", "r2", "r3", "r4", "r5"):
        write_script(root / "migrations" / "versions", Revision(rev, down), chosen[rev])
        down = rev
    command.upgrade(quiet_config(ini), "r0")
    sys.modules.pop("tidal_deploy_models", None)  # each test edits its own copy
    return ini


#: The models after r5 (for the verify-with-check tests).
MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "customers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("email", sa.String(100)),
)
sa.Table(
    "orders", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("total", sa.Integer, nullable=False, index=True),
)
sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("audit", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


def snapshot(url: str) -> dict[str, Any]:
    """Everything a deploy may change: tables, columns, indexes, FKs, rows, versions."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            state: dict[str, Any] = {}
            for table in sorted(inspector.get_table_names()):
                columns = [
                    (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
                ]
                indexes = sorted(
                    (i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                )
                fks = sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in inspector.get_foreign_keys(table)
                )
                rows = sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table}"))
                state[table] = {"columns": columns, "indexes": indexes, "fks": fks, "rows": rows}
            return state
    finally:
        engine.dispose()
