#!/usr/bin/env bash
# The whole test suite, from a fresh machine: venv, packages, database servers, lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]'

# The database clients the offline-script tests feed --sql output to.
for tool in sqlite3 psql mysql; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq sqlite3 postgresql-client mariadb-client >/dev/null 2>&1 || true
    break
  fi
done

# Start PostgreSQL and MariaDB if they are not running (the machine page's commands).
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! mysqladmin -uroot -h127.0.0.1 status >/dev/null 2>&1; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && mysqladmin -uroot -h127.0.0.1 status >/dev/null 2>&1 && break
  sleep 1
done

echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy --strict"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest --doctest-modules --ignore=src/tidal/templates src/tidal tests "$@"
