#!/usr/bin/env bash
# Two `switchyard serve` replicas on one PostgreSQL behind nginx, restarted one at a time under a chat load: 32 users
# (each a session, every turn with an idempotency key) for DURATION seconds through nginx, replica A restarted
# (SIGTERM, then started again) at a third of the run and replica B at two thirds. Reports turns sent, answered 200,
# failed, stored twice and lost (acknowledged but not stored), and exits non-zero unless the last three are 0.
#
# nginx retries a request that a replica refused, reset or answered 502/503 on the other replica
# (`proxy_next_upstream error timeout http_502 http_503 non_idempotent`): safe for chat turns because every turn
# carries an idempotency key, so a retried turn is stored and charged once.
#
# Usage: scripts/bench/rolling-restart.sh [path/to/switchyard]   (default: the debug build)
# DURATION (60), USERS (32), LATENCY_MS (mock provider latency, 50). PostgreSQL and nginx come from Debian's packages;
# the script starts a PostgreSQL cluster of its own on port 55434 unless DATABASE_URL is set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
BIN="$(switchyard_binary "${1:-}")"
DURATION="${DURATION:-60}" USERS="${USERS:-32}" LATENCY_MS="${LATENCY_MS:-50}"
NGINX_PORT=18750 PORTS="18751,18752"
command -v nginx >/dev/null || ls /usr/sbin/nginx >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light || \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx
} >&2
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
WORK="$(mktemp -d)"
chmod 755 "$WORK"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  if [ -n "${OWN_PG:-}" ]; then "$ROOT/scripts/postgres.sh" stop >/dev/null 2>&1 || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  export SWITCHYARD_PG_PORT=55434 SWITCHYARD_PG_DATA=/tmp/switchyard-rolling-pg OWN_PG=1
  "$ROOT/scripts/postgres.sh" stop >/dev/null 2>&1 || true
  eval "$("$ROOT/scripts/postgres.sh" 2>"$WORK/postgres-setup.log")"
  export DATABASE_URL="$SWITCHYARD_TEST_POSTGRES_URL"
fi
export_test_secrets
cat >"$WORK/config.json" <<JSON
{
  "server": { "host": "127.0.0.1" },
  "gateway": { "default_retries": 0 },
  "routing": { "routes": [] },
  "providers": { "mock": { "latency_ms": $LATENCY_MS } }
}
JSON
SWITCHYARD_CONFIG="$WORK/config.json" "$BIN" migrate >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log"; exit 1; }

mkdir -p "$WORK/nginx-temp"
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-temp/body;
  proxy_temp_path $WORK/nginx-temp/proxy;
  fastcgi_temp_path $WORK/nginx-temp/fastcgi;
  uwsgi_temp_path $WORK/nginx-temp/uwsgi;
  scgi_temp_path $WORK/nginx-temp/scgi;
  upstream switchyard {
    server 127.0.0.1:${PORTS%,*} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:${PORTS#*,} max_fails=1 fail_timeout=2s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://switchyard;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 6;
      proxy_next_upstream_timeout 30s;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
    }
  }
}
NGINX
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' &
pids+=($!)

VENV="$(python_venv interop-venv pytest openai pytest)"
status=0
SWITCHYARD_CONFIG="$WORK/config.json" "$VENV/bin/python" "$ROOT/scripts/bench/rolling_restart.py" \
  --binary "$BIN" --ports "$PORTS" --balancer "$NGINX_PORT" --duration "$DURATION" --users "$USERS" --logdir "$WORK" \
  || status=$?
# What nginx retried on the other replica: refused connections and replicas that closed without answering.
echo "nginx: $(grep -c 'connect() failed' "$WORK/nginx-error.log" || true) connections refused," \
  "$(grep -c 'prematurely closed' "$WORK/nginx-error.log" || true) closed without an answer, each retried"
exit "$status"
