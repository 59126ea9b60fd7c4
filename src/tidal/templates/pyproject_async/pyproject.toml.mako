[tool.alembic]

# Where the migration environment lives (env.py, script.py.mako, versions/).
# %(here)s is the directory holding this file.
script_location = "${script_location}"

# Name of new revision files. Tokens: %%(rev)s %%(slug)s %%(epoch)s %%(year)d
# %%(month)d %%(day)d %%(hour)d %%(minute)d %%(second)d. The default is %%(rev)s_%%(slug)s.
# file_template = "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s"

# Paths put in front of sys.path; "." is the current directory.
prepend_sys_path = [
    "."
]

# Zone (a ZoneInfo name) for the date in new files and their names; empty = local time.
# timezone =

# Longest slug (the message part of a file name).
# truncate_slug_length = 40

# true: run env.py for `revision` even without --autogenerate.
# revision_environment = false

# true: also read revisions from .pyc files that have no .py source.
# sourceless = false

# Directories of revision files. Default: <script_location>/versions.
# version_locations = [
#    "%(here)s/migrations/versions",
#    "%(here)s/other/versions"
# ]

# true: look for revision files in sub-directories of each version location too.
# recursive_version_locations = false

# Encoding of new revision files.
# output_encoding = "utf-8"

# Programs run on each new revision file. REVISION_SCRIPT_FILENAME is its path.
# [[tool.alembic.post_write_hooks]]
# name = "ruff"
# type = "module"
# module = "ruff"
# options = "check --fix REVISION_SCRIPT_FILENAME"
