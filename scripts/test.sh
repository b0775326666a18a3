#!/usr/bin/env bash
# The whole test suite: Swift unit and end-to-end tests (the repository suite on SQLite and on a throwaway local
# PostgreSQL, which scripts/postgres.sh installs and starts), then the openai SDK interoperability tests.
# SWITCHYARD_SKIP_POSTGRES=1 runs the repository suite on SQLite only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ "${SWITCHYARD_SKIP_POSTGRES:-0}" != 1 ]; then
  eval "$("$ROOT/scripts/postgres.sh")"
  export SWITCHYARD_REQUIRE_POSTGRES=1
  trap '"$ROOT/scripts/postgres.sh" stop' EXIT
fi
# Every target may import only what Package.swift declares for it.
swift test --explicit-target-dependency-import-check error
"$ROOT/scripts/interop.sh"
