"""Generate a deterministic Alembic project with N revisions (same args -> same bytes).

The history is mostly linear; every 50 revisions a side branch of 5 revisions splits off
and is merged back, so heads/history exercise branch and merge handling.

Usage: python -m benchmarks.workloads.gen_history DIR N [--url URL] [--ddl]
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

INI = """[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = {url}

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = WARNING
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

ENV = """from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
target_metadata = None


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""

MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade() -> None:
    """Upgrade schema."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Downgrade schema."""
    ${downgrades if downgrades else "pass"}
'''

SCRIPT = '''"""{message}

Revision ID: {rev}
Revises: {revises}
Create Date: 2026-01-01 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = {rev!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    {upgrade}


def downgrade() -> None:
    """Downgrade schema."""
    {downgrade}
'''


def rev_id(i: int) -> str:
    """Return the deterministic 12-hex id of revision number ``i``."""
    return hashlib.sha1(f"rev-{i}".encode()).hexdigest()[:12]


def plan(n: int) -> list[tuple[str, str | tuple[str, ...] | None]]:
    """Return ``(rev, down_revision)`` pairs for an n-revision history with merged side branches."""
    out: list[tuple[str, str | tuple[str, ...] | None]] = []
    main: str | None = None
    i = 0
    while i < n:
        if i % 50 == 49 and main is not None and n - i > 7:
            split = main
            side = split
            for _ in range(5):
                rev = rev_id(i)
                out.append((rev, side))
                side = rev
                i += 1
            rev = rev_id(i)
            out.append((rev, split))  # main line continues from the split point
            i += 1
            merge = rev_id(i)
            out.append((merge, (side, rev)))
            main = merge
            i += 1
            continue
        rev = rev_id(i)
        out.append((rev, main))
        main = rev
        i += 1
    return out


def generate(directory: Path, n: int, url: str = "sqlite:///bench.db", ddl: bool = False) -> None:
    """Write the project: alembic.ini, migrations/env.py, script.py.mako and n scripts."""
    versions = directory / "migrations" / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    (directory / "alembic.ini").write_text(INI.format(url=url))
    (directory / "migrations" / "env.py").write_text(ENV)
    (directory / "migrations" / "script.py.mako").write_text(MAKO)
    for index, (rev, down) in enumerate(plan(n)):
        revises = ", ".join(down) if isinstance(down, tuple) else (down or "")
        if ddl:
            up = f'op.create_table("t_{rev}", sa.Column("id", sa.Integer, primary_key=True))'
            dn = f'op.drop_table("t_{rev}")'
        else:
            up = dn = "pass"
        text = SCRIPT.format(
            message=f"step {index}", rev=rev, revises=revises, down=down, upgrade=up, downgrade=dn
        )
        (versions / f"{rev}_step_{index}.py").write_text(text)


def main() -> None:
    """Parse the command line and generate the project."""
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--url", default="sqlite:///bench.db")
    parser.add_argument("--ddl", action="store_true")
    args = parser.parse_args()
    generate(args.directory, args.n, args.url, args.ddl)


if __name__ == "__main__":
    main()
