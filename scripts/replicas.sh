#!/usr/bin/env bash
# Paid chat on two `switchyard serve` replicas sharing one PostgreSQL, and a replica killed with SIGKILL between a
# turn's hold and its settlement (Tests/replicas). Needs SWITCHYARD_TEST_POSTGRES_URL (scripts/postgres.sh).
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

random_hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export DATABASE_URL="$SWITCHYARD_TEST_POSTGRES_URL"
export SWITCHYARD_JWT_SECRET="$(random_hex)" SWITCHYARD_ADMIN_KEY="$(random_hex)"
export SWITCHYARD_USER_JWT_SECRET="$(random_hex)" INTEROP_UPSTREAM_KEY=upstream-key
export SWITCHYARD_BIN="$BIN" REPLICAS_CONFIG="$ROOT/Tests/replicas/config.json" REPLICAS_LOGDIR="$LOGDIR"
export REPLICAS_UPSTREAM_PORT="$UPSTREAM_PORT" REPLICAS_PORTS="18722,18723"
SWITCHYARD_CONFIG="$REPLICAS_CONFIG" "$BIN" migrate >"$LOGDIR/migrate.log" 2>&1 || { cat "$LOGDIR/migrate.log"; exit 1; }
status=0
"$VENV/bin/pytest" -q Tests/replicas || status=$?
if [ "$status" -ne 0 ]; then
  for log in "$LOGDIR"/replica-*.log; do echo "--- $log"; tail -40 "$log"; done
fi
exit "$status"
