#!/usr/bin/env bash
# Runs the official openai Python SDK against a running switchyard and a small OpenAI-compatible upstream.
# Usage: scripts/interop.sh [path/to/switchyard]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
BIN="$(switchyard_binary "${1:-}")"
VENV="$(python_venv interop-venv pytest openai pytest)"

GATEWAY_PORT="${INTEROP_GATEWAY_PORT:-18710}"
LOGDIR="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

"$VENV/bin/python" Tests/interop/fake_upstream.py 18711 >"$LOGDIR/upstream.log" 2>&1 &
pids+=($!)

export SWITCHYARD_JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export INTEROP_UPSTREAM_KEY=upstream-key
SWITCHYARD_CONFIG="$ROOT/Tests/interop/config.json" "$BIN" serve --role gateway --port "$GATEWAY_PORT" \
  >"$LOGDIR/switchyard.log" 2>&1 &
pids+=($!)

wait_until_ready "$GATEWAY_PORT" "$LOGDIR/switchyard.log"

export SWITCHYARD_URL="http://127.0.0.1:$GATEWAY_PORT"
export SWITCHYARD_TOKEN="$("$BIN" token --service interop --ttl 600)"
status=0
"$VENV/bin/pytest" -q Tests/interop || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- switchyard log"; tail -50 "$LOGDIR/switchyard.log"
fi
exit "$status"
