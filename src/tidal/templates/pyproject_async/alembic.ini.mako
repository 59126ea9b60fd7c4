# Database URL and logging; the other settings are in pyproject.toml.

[alembic]

# The database URL; only env.py reads it, so env.py may take it from elsewhere.
sqlalchemy.url = driver://user:pass@localhost/dbname

# Logging, read by env.py through logging.config.fileConfig().
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
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
