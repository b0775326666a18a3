#!/usr/bin/env bash
# Runs the official openai Python SDK against a running switchyard and a small OpenAI-compatible upstream.
# Usage: scripts/interop.sh [path/to/switchyard]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${1:-}"
if [ -z "$BIN" ]; then
  swift build --product switchyard >/dev/null
  BIN="$ROOT/.build/debug/switchyard"
fi
VENV="$ROOT/.build/interop-venv"
if [ ! -x "$VENV/bin/pytest" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check openai pytest
fi

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

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$GATEWAY_PORT/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$GATEWAY_PORT/ready" >/dev/null || { cat "$LOGDIR/switchyard.log"; exit 1; }

export SWITCHYARD_URL="http://127.0.0.1:$GATEWAY_PORT"
export SWITCHYARD_TOKEN="$("$BIN" token --service interop --ttl 600)"
status=0
"$VENV/bin/pytest" -q Tests/interop || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- switchyard log"; tail -50 "$LOGDIR/switchyard.log"
fi
exit "$status"
