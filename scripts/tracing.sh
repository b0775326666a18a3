#!/usr/bin/env bash
# Traces over OTLP/HTTP from real processes (Tests/tracing): a backend and a separate gateway export to a local
# receiver that decodes the protobuf with the official opentelemetry-proto classes; one run with a receiver that
# answers as Langfuse does. SQLite only: no database server is needed.
# Usage: scripts/tracing.sh [path/to/switchyard [pytest arguments]]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
BIN="$(switchyard_binary "${1:-}")"
shift || true
VENV="$(python_venv tracing-venv pytest pytest opentelemetry-proto)"
random_hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export SWITCHYARD_BIN="$BIN" TRACE_LOGDIR="$(mktemp -d)"
export SWITCHYARD_JWT_SECRET="$(random_hex)" SWITCHYARD_ADMIN_KEY="$(random_hex)" SWITCHYARD_USER_JWT_SECRET="$(random_hex)"
status=0
"$VENV/bin/pytest" -q Tests/tracing "$@" || status=$?
if [ "$status" -ne 0 ]; then
  for log in "$TRACE_LOGDIR"/*.log; do echo "--- $log"; tail -30 "$log"; done
fi
exit "$status"
