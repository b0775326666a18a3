#!/usr/bin/env bash
# Operations on real processes (Tests/operations): a PostgreSQL outage (503, recovery without a restart), startup
# that waits for the database, SIGKILL and SIGTERM under a chat load on SQLite and PostgreSQL. Starts a PostgreSQL
# cluster of its own on port 55433 (stopping it disturbs no other test) and stops it at the end.
# Usage: scripts/operations.sh [path/to/switchyard [pytest arguments]]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
BIN="$(switchyard_binary "${1:-}")"
shift || true
VENV="$(python_venv interop-venv pytest openai pytest)"

export SWITCHYARD_PG_PORT="${OPS_PG_PORT:-55433}" SWITCHYARD_PG_DATA="${OPS_PG_DATA:-/tmp/switchyard-ops-pg}"
"$ROOT/scripts/postgres.sh" stop >/dev/null 2>&1 || true
"$ROOT/scripts/postgres.sh" >/dev/null 2>"${TMPDIR:-/tmp}/switchyard-ops-pg-setup.log" \
  || { cat "${TMPDIR:-/tmp}/switchyard-ops-pg-setup.log"; exit 1; }
trap '"$ROOT/scripts/postgres.sh" stop >/dev/null 2>&1' EXIT

export OPS_ROOT="$ROOT" OPS_PG_PORT="$SWITCHYARD_PG_PORT" OPS_PG_DATA="$SWITCHYARD_PG_DATA"
export OPS_PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
# Trust authentication ignores the password; it is there to prove that no log line carries it.
export OPS_PG_PASSWORD="pw-$(random_hex | head -c 16)"
export OPS_PG_URL="postgres://postgres:$OPS_PG_PASSWORD@127.0.0.1:$OPS_PG_PORT/switchyard_test?sslmode=disable"
export SWITCHYARD_BIN="$BIN" OPS_LOGDIR="$(mktemp -d)"
export_test_secrets
pytest_showing_logs "$VENV" Tests/operations "$OPS_LOGDIR/*.log" "$@"
