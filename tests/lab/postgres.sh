#!/usr/bin/env bash
# The inventory lab: a throwaway PostgreSQL 15 cluster on 127.0.0.1:54329
# (database `inventory`, user `drawbridge`, password `inventory-pw`), loaded
# with the lab company's asset inventory (`drawbridge-lab assets-sql`).
#
#   tests/lab/postgres.sh up [BASE] [ASSETS.sql]
#   tests/lab/postgres.sh down [BASE]
set -euo pipefail
ACTION=${1:-up}
R=${2:-/tmp/drawbridge-postgres-lab}
SQL=${3:-}
PORT=54329
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

up() {
  [ -n "$BIN" ] && [ -x "$BIN/initdb" ] || { echo "postgres.sh: PostgreSQL server binaries are missing; run 'make deps'" >&2; exit 1; }
  down >/dev/null 2>&1 || true
  if (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then
    echo "postgres.sh: port $PORT is already in use (another inventory lab? stop it with: $0 down ITS_BASE)" >&2; exit 1
  fi
  rm -rf "$R"; mkdir -p "$R"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$R"
  as_postgres "$BIN/initdb" -D "$R/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions > "$R/initdb.log" 2>&1
  # Password authentication for TCP, as a real inventory would require.
  echo "host all all 127.0.0.1/32 scram-sha-256" > "$R/data/pg_hba.conf"
  echo "local all postgres trust" >> "$R/data/pg_hba.conf"
  as_postgres "$BIN/pg_ctl" -D "$R/data" -l "$R/pg.log" -w \
    -o "-F -c listen_addresses=127.0.0.1 -p $PORT -k $R -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  as_postgres psql -q -h "$R" -p $PORT -U postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE drawbridge LOGIN PASSWORD 'inventory-pw'" -c "CREATE DATABASE inventory OWNER drawbridge" >/dev/null
  if [ -n "$SQL" ]; then
    PGPASSWORD=inventory-pw psql -q -h 127.0.0.1 -p $PORT -U drawbridge -d inventory -v ON_ERROR_STOP=1 -f "$SQL" >/dev/null
  fi
  echo "inventory lab up in $R (postgres://drawbridge@127.0.0.1:$PORT/inventory)"
}

down() {
  [ -d "$R/data" ] && as_postgres "$BIN/pg_ctl" -D "$R/data" -m immediate stop >/dev/null 2>&1 || true
  echo "inventory lab stopped"
}

case "$ACTION" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down [BASE] [ASSETS.sql]" >&2; exit 2 ;;
esac
