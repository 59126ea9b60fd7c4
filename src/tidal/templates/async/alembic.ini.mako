# A single database configuration for an async DBAPI.

[alembic]
# Where the migration environment lives (env.py, script.py.mako, versions/).
# %(here)s is the directory holding this file.
script_location = ${script_location}

# Name of new revision files. Tokens: %%(rev)s %%(slug)s %%(epoch)s %%(year)d
# %%(month)d %%(day)d %%(hour)d %%(minute)d %%(second)d. The default is %%(rev)s_%%(slug)s.
# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s
# Sub-directories work too (set recursive_version_locations = true):
# file_template = %%(year)d/%%(month).2d/%%(day).2d_%%(hour).2d%%(minute).2d_%%(second).2d_%%(rev)s_%%(slug)s

# Paths put in front of sys.path, split by path_separator; "." is the current directory.
prepend_sys_path = .

# Zone (a ZoneInfo name) for the date in new files and their names; empty = local time.
# timezone =

# Longest slug (the message part of a file name).
# truncate_slug_length = 40

# true: run env.py for `revision` even without --autogenerate.
# revision_environment = false

# true: also read revisions from .pyc files that have no .py source.
# sourceless = false

# Directories of revision files, split by path_separator. Default: <script_location>/versions.
# With several, the first revision of a new directory needs --version-path.
# version_locations = %(here)s/bar:%(here)s/bat:%(here)s/migrations/versions

# How version_locations and prepend_sys_path are split: os (os.pathsep), ":", ";",
# space or newline.
path_separator = os

# true: look for revision files in sub-directories of each version location too.
# recursive_version_locations = false

# Encoding of new revision files.
# output_encoding = utf-8

# The database URL; only env.py reads it, so env.py may take it from elsewhere.
sqlalchemy.url = driver://user:pass@localhost/dbname


[post_write_hooks]
# Programs run on each new revision file. REVISION_SCRIPT_FILENAME is its path.

# Format with black, found through its console_scripts entry point:
# hooks = black
# black.type = console_scripts
# black.entrypoint = black
# black.options = -l 79 REVISION_SCRIPT_FILENAME

# Lint and fix with ruff, run as a module:
# hooks = ruff
# ruff.type = module
# ruff.module = ruff
# ruff.options = check --fix REVISION_SCRIPT_FILENAME

# Or any executable on PATH:
# hooks = ruff
# ruff.type = exec
# ruff.executable = ruff
# ruff.options = check --fix REVISION_SCRIPT_FILENAME

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
