"""Migration environment: Tidal (or Alembic) runs this file for every command.

`from alembic import context` works under both tools: Tidal makes the name resolve
to its own module while it runs this file.
"""
from logging.config import fileConfig

from sqlalchemy import engine_from_config
from sqlalchemy import pool

from alembic import context

# The Config object of this run: values of the [alembic] section and the rest of
# the configuration file.
config = context.config

# Set up Python logging from the configuration file, when there is one.
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# Point this at your models' MetaData to use autogenerate, e.g.:
#     from myapp.models import Base
#     target_metadata = Base.metadata
target_metadata = None

# Other options of the configuration file are available as well:
#     my_option = config.get_main_option("my_option")


def run_migrations_offline() -> None:
    """Emit the migrations as SQL text (`--sql`): no Engine, no DBAPI needed."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Connect to the database and run the migrations on that connection."""
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
