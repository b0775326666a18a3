#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the repository suite and prints the URL to export as
# SWITCHYARD_TEST_POSTGRES_URL. Installs the server from Debian's packages if it is missing.
# Usage: eval "$(scripts/postgres.sh)"     Stop: scripts/postgres.sh stop     Start again, keeping the data:
# scripts/postgres.sh start. SWITCHYARD_PG_PORT and SWITCHYARD_PG_DATA choose another cluster.
set -euo pipefail
PORT="${SWITCHYARD_PG_PORT:-55432}"
DATA="${SWITCHYARD_PG_DATA:-/tmp/switchyard-pg}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
start() { as_pg "$BIN/pg_ctl -D $DATA -l $DATA/server.log -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1' -w start" >&2; }
if [ "${1:-}" = stop ]; then
  as_pg "$BIN/pg_ctl -D $DATA -m fast stop" >&2 || true
  exit 0
fi
# Starts the cluster made before, with its data (after `stop`).
if [ "${1:-}" = start ]; then
  start
  exit 0
fi
if ! as_pg "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
  rm -rf "$DATA"; mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  as_pg "$BIN/initdb -D $DATA -A trust -U postgres" >&2
  start
  as_pg "$BIN/createdb -h 127.0.0.1 -p $PORT -U postgres switchyard_test" >&2
fi
echo "export SWITCHYARD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PORT/switchyard_test?sslmode=disable"
