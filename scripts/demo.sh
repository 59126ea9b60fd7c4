#!/usr/bin/env bash
# The demo: a support-desk project created with `tidal init`, authored with `tidal revision`
# (a branch and a merge), then upgraded on SQLite, stepped down and up, and printed as SQL.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ ! -x .venv/bin/tidal ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q -e .
fi
TIDAL="$ROOT/.venv/bin/tidal"
rm -rf demo-project && mkdir demo-project && cd demo-project

step() { printf '\n\033[1m$ tidal %s\033[0m\n' "$*"; "$TIDAL" "$@"; }

step init migrations
sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///support_desk.db|' alembic.ini
cp "$ROOT"/demo/versions/*.py migrations/versions/

step revision -m "reporting views" --head 0003 --splice --branch-label reporting --rev-id r001
step revision -m "reporting indexes" --head reporting@head --rev-id r002
step heads
step merge heads -m "merge reporting" --rev-id 0006
step revision -m "audit placeholder" --rev-id 0007
step heads
step branches
step history
step upgrade head
step current
step history --indicate-current
step downgrade -1
step status
step upgrade +1
step current -v
step downgrade -2
step deploy --dry-run
step deploy --backup-dir backups
step status
step upgrade head --sql
