#!/usr/bin/env bash
# Chat turns per second: the release binary, both roles, the mock provider at zero latency, 32 users.
# Usage: scripts/bench/chat-turns.sh [sqlite|postgres] [new|continue]   (wrk and, for postgres, scripts/postgres.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DB="${1:-sqlite}"; MODE="${2:-new}"; PORT="${PORT:-18600}"; DURATION="${DURATION:-15}"
BIN="$ROOT/.build/release/switchyard"
WORK="$(mktemp -d)"
export SWITCHYARD_USER_JWT_SECRET="bench-user-secret-0123456789abcdef0123"
export SWITCHYARD_ADMIN_KEY="bench-admin-key"
export SWITCHYARD_JWT_SECRET="bench-gateway-secret-0123456789abcdef01"
export LOG_LEVEL=error
if [ "$DB" = postgres ]; then
  eval "$("$ROOT/scripts/postgres.sh")"
  export DATABASE_URL="$SWITCHYARD_TEST_POSTGRES_URL"
  "$BIN" migrate >/dev/null && "$BIN" seed >/dev/null
else
  export SWITCHYARD_SQLITE_PATH="$WORK/bench.sqlite"
fi
cd "$WORK"
"$BIN" serve --port "$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
TOKENS=""
for i in $(seq 1 32); do
  TOKENS="$TOKENS $(python3 - "$SWITCHYARD_USER_JWT_SECRET" "bench-user-$i" <<'PY'
import base64, hashlib, hmac, json, sys, time
def b64(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"sub": sys.argv[2], "exp": int(time.time()) + 3600}).encode())
sig = b64(hmac.new(sys.argv[1].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
print(f"{head}.{body}.{sig}")
PY
)"
done
export USER_TOKENS="$TOKENS"
SESSIONS=""
if [ "$MODE" = continue ]; then
  for token in $TOKENS; do
    SESSIONS="$SESSIONS $(curl -s "http://127.0.0.1:$PORT/v1/bots/mira/chat" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d '{"message":"hello"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["session_id"])')"
  done
fi
export SESSIONS
wrk -t2 -c32 -d2s -s "$ROOT/scripts/bench/chat-turn.lua" "http://127.0.0.1:$PORT" >/dev/null
OUT=$(wrk -t${THREADS:-2} -c${CONNS:-32} -d"${DURATION}s" -s "$ROOT/scripts/bench/chat-turn.lua" "http://127.0.0.1:$PORT" | grep TURNS)
echo "$DB $MODE: $OUT" | awk '{ split($0, a, " "); print }'
python3 - "$OUT" "$DB" "$MODE" <<'PY'
import re, sys
f = dict(re.findall(r"(\w+)=(\d+)", sys.argv[1]))
print(f"{sys.argv[2]:8} {sys.argv[3]:8} turns/s {int(f['requests'])*1e6/int(f['duration_us']):8.0f}  p50 {int(f['p50_us'])/1000:6.2f} ms  p99 {int(f['p99_us'])/1000:6.2f} ms  non2xx {f['non2xx']}")
PY
