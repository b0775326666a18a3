#!/usr/bin/env bash
# The whole test suite: Swift unit and end-to-end tests (the repository suite on SQLite and on a throwaway local
# PostgreSQL, which scripts/postgres.sh installs and starts), then the openai SDK interoperability tests, then the
# split-role tests (OTLP traces, TLS), then the console in a real browser, then the paid-chat replica tests (two real processes on PostgreSQL, one killed mid-turn), then the operations tests.
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
# The split roles as two processes: traces decoded by a local OTLP receiver, and TLS (SQLite; no database server).
"$ROOT/scripts/split-roles.sh"
# The operator console in a real browser: Chromium through its WebDriver (Selenium), screenshots to
# .build/console-screenshots/.
"$ROOT/scripts/console-browser.sh"
# Paid chat on two real replicas sharing PostgreSQL, and one killed between hold and settle; then operations on real
# processes: a PostgreSQL outage, startup without a database, SIGKILL and SIGTERM under load (its own cluster).
if [ "${SWITCHYARD_SKIP_POSTGRES:-0}" != 1 ]; then
  "$ROOT/scripts/replicas.sh"
  "$ROOT/scripts/operations.sh"
fi
