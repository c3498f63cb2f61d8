#!/usr/bin/env bash
# The SIEM lab: osmem-server (PyPI; speaks the OpenSearch/Elasticsearch
# `_search` API) on 127.0.0.1:9200, seeded at start-up with the lab company's
# four weeks of proxy, firewall and endpoint events (`drawbridge-lab siem`).
#
#   tests/lab/siem.sh up [BASE] [EVENTS.ndjson]
#   tests/lab/siem.sh down [BASE]
set -euo pipefail
ACTION=${1:-up}
R=${2:-/tmp/drawbridge-siem-lab}
EVENTS=${3:-}
PORT=9200

osmem() {
  python3 -c "import osmem_server, os; print(os.path.join(os.path.dirname(osmem_server.__file__), 'bin', 'osmem-server'))" 2>/dev/null
}

up() {
  local bin; bin=$(osmem) || true
  [ -n "$bin" ] && [ -x "$bin" ] || { echo "siem.sh: osmem-server is missing; run 'make deps' (pip install osmem-server)" >&2; exit 1; }
  down >/dev/null 2>&1 || true
  if (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then
    echo "siem.sh: port $PORT is already in use (another SIEM lab? stop it with: $0 down ITS_BASE)" >&2; exit 1
  fi
  rm -rf "$R"; mkdir -p "$R"
  local seed=()
  [ -n "$EVENTS" ] && seed=(-seed "$EVENTS")
  "$bin" -addr 127.0.0.1:$PORT -no-stdin-watch -no-ja "${seed[@]}" > "$R/osmem.log" 2>&1 &
  echo $! > "$R/osmem.pid"
  # Seeding happens before the port opens: ~100,000 events take about half a minute.
  for _ in $(seq 1 1200); do
    (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
    kill -0 "$(cat "$R/osmem.pid")" 2>/dev/null || { echo "siem.sh: osmem-server exited:" >&2; tail -5 "$R/osmem.log" >&2; exit 1; }
    sleep 0.1
  done
  (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null || { echo "siem.sh: osmem-server did not open port $PORT" >&2; exit 1; }
  echo "SIEM lab up in $R (http://127.0.0.1:$PORT)"
}

down() {
  if [ -f "$R/osmem.pid" ]; then
    pid=$(cat "$R/osmem.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$R/osmem.pid"
  fi
  echo "SIEM lab stopped"
}

case "$ACTION" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down [BASE] [EVENTS.ndjson]" >&2; exit 2 ;;
esac
