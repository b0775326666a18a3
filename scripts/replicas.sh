#!/usr/bin/env bash
# Paid chat on two `switchyard serve` replicas sharing one PostgreSQL, a replica killed with SIGKILL between a
# turn's hold and its settlement, and external data fetched once across both (Tests/replicas). Needs SWITCHYARD_TEST_POSTGRES_URL (scripts/postgres.sh).
# Usage: scripts/replicas.sh [path/to/switchyard]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
: "${SWITCHYARD_TEST_POSTGRES_URL:?start PostgreSQL with: eval \"\$(scripts/postgres.sh)\"}"
BIN="$(switchyard_binary "${1:-}")"
VENV="$(python_venv interop-venv pytest openai pytest)"

LOGDIR="$(mktemp -d)"
UPSTREAM_PORT=18721
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

"$VENV/bin/python" Tests/interop/fake_upstream.py "$UPSTREAM_PORT" >"$LOGDIR/upstream.log" 2>&1 &
pids+=($!)
ASTROLOGY_PORT=18724
"$VENV/bin/python" Tests/support/fake_external_data.py "$ASTROLOGY_PORT" >"$LOGDIR/astrology.log" 2>&1 &
pids+=($!)
export ASTROLOGY_API_USER_ID=astro-user ASTROLOGY_API_KEY=astro-test-key REPLICAS_ASTROLOGY_PORT="$ASTROLOGY_PORT"
export ASTROLOGY_API_BASE_URL="http://127.0.0.1:$ASTROLOGY_PORT" OPEN_METEO_GEOCODING_BASE_URL="http://127.0.0.1:$ASTROLOGY_PORT"
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$ASTROLOGY_PORT/stats" >/dev/null 2>&1 && break; sleep 0.1; done

export DATABASE_URL="$SWITCHYARD_TEST_POSTGRES_URL" INTEROP_UPSTREAM_KEY=upstream-key
export_test_secrets
export SWITCHYARD_BIN="$BIN" REPLICAS_CONFIG="$ROOT/Tests/replicas/config.json" REPLICAS_LOGDIR="$LOGDIR"
export REPLICAS_UPSTREAM_PORT="$UPSTREAM_PORT" REPLICAS_PORTS="18722,18723"
SWITCHYARD_CONFIG="$REPLICAS_CONFIG" "$BIN" migrate >"$LOGDIR/migrate.log" 2>&1 || { cat "$LOGDIR/migrate.log"; exit 1; }
pytest_showing_logs "$VENV" Tests/replicas "$LOGDIR/replica-*.log"
