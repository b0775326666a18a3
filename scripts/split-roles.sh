#!/usr/bin/env bash
# The split roles as real processes (Tests/split): a backend and a separate gateway exporting traces over OTLP/HTTP to
# a local receiver that decodes the protobuf with the official opentelemetry-proto classes (one run with a receiver
# that answers as Langfuse does), and both roles serving TLS with certificates from a throwaway CA made by openssl.
# SQLite only: no database server is needed.
# Usage: scripts/tracing.sh [path/to/switchyard [pytest arguments]]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
BIN="$(switchyard_binary "${1:-}")"
shift || true
VENV="$(python_venv split-venv pytest pytest opentelemetry-proto)"
export SWITCHYARD_BIN="$BIN" SPLIT_LOGDIR="$(mktemp -d)"
export_test_secrets
pytest_showing_logs "$VENV" Tests/split "$SPLIT_LOGDIR/*.log" "$@"
