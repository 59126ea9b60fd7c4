"""Migration environment for several databases, one engine per name in `databases`.

Each name in the `databases` option of the [alembic] section has its own section
holding `sqlalchemy.url`. Every revision has `upgrade_<name>()` and
`downgrade_<name>()` functions; each database keeps its own version table.
"""
import logging
from logging.config import fileConfig
import re

from sqlalchemy import engine_from_config
from sqlalchemy import pool

from alembic import context

USE_TWOPHASE = False

# The Config object of this run.
config = context.config

# Set up Python logging from the configuration file, when there is one.
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

# The names listed in `databases`, e.g. "engine1, engine2".
db_names = config.get_main_option("databases", "")

# MetaData per database name, for autogenerate, e.g.:
#     from myapp.models import Base1, Base2
#     target_metadata = {"engine1": Base1.metadata, "engine2": Base2.metadata}
target_metadata = {}


def run_migrations_offline() -> None:
    """Write one SQL file per database (`--sql`): no Engine, no DBAPI needed."""
    engines = {}
    for name in re.split(r",\s*", db_names):
        engines[name] = rec = {}
        rec["url"] = context.config.get_section_option(name, "sqlalchemy.url")

    for name, rec in engines.items():
        logger.info("Migrating database %s", name)
        file_ = "%s.sql" % name
        logger.info("Writing output to %s", file_)
        with open(file_, "w") as buffer:
            context.configure(
                url=rec["url"],
                output_buffer=buffer,
                target_metadata=target_metadata.get(name),
                literal_binds=True,
                dialect_opts={"paramstyle": "named"},
            )
            with context.begin_transaction():
                context.run_migrations(engine_name=name)


def run_migrations_online() -> None:
    """Connect to every database and run the migrations in one transaction each."""
    engines = {}
    for name in re.split(r",\s*", db_names):
        engines[name] = rec = {}
        rec["engine"] = engine_from_config(
            context.config.get_section(name, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )

    for name, rec in engines.items():
        engine = rec["engine"]
        rec["connection"] = conn = engine.connect()
        if USE_TWOPHASE:
            rec["transaction"] = conn.begin_twophase()
        else:
            rec["transaction"] = conn.begin()

    try:
        for name, rec in engines.items():
            logger.info("Migrating database %s", name)
            context.configure(
                connection=rec["connection"],
                upgrade_token="%s_upgrades" % name,
                downgrade_token="%s_downgrades" % name,
                target_metadata=target_metadata.get(name),
            )
            context.run_migrations(engine_name=name)

        if USE_TWOPHASE:
            for rec in engines.values():
                rec["transaction"].prepare()

        for rec in engines.values():
            rec["transaction"].commit()
    except:  # noqa: E722 - roll every database back, then re-raise
        for rec in engines.values():
            rec["transaction"].rollback()
        raise
    finally:
        for rec in engines.values():
            rec["connection"].close()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
