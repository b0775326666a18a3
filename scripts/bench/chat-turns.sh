#!/usr/bin/env bash
# Chat turns per second: the release binary, both roles, the mock provider at zero latency, 32 users. Each run measures
# the free demo bot (mira) and then a paid copy of it (mira-paid: 1 INR minor unit per message plus per-token prices, so
# every turn holds, settles and releases), in the same server, one after the other.
# Usage: scripts/bench/chat-turns.sh [sqlite|postgres] [new|continue]   (wrk and, for postgres, scripts/postgres.sh)
# BOTS="mira" measures the free bot only. BOTS="mira mira-data" compares Mira without data sources to a copy that needs
# both (astrology and weather, from Tests/support/fake_external_data.py) on a warm cache: the external-data warm path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DB="${1:-sqlite}"; MODE="${2:-new}"; PORT="${PORT:-18600}"; DURATION="${DURATION:-15}"
BIN="$ROOT/.build/release/switchyard"
WORK="$(mktemp -d)"
export SWITCHYARD_USER_JWT_SECRET="bench-user-secret-0123456789abcdef0123"
export SWITCHYARD_ADMIN_KEY="bench-admin-key"
export SWITCHYARD_JWT_SECRET="bench-gateway-secret-0123456789abcdef01"
export LOG_LEVEL=error
BOTS="${BOTS:-mira mira-paid}"
if [[ " $BOTS " == *" mira-data "* ]]; then
  FAKE_PORT="${FAKE_PORT:-18690}"
  python3 "$ROOT/Tests/support/fake_external_data.py" "$FAKE_PORT" >"$WORK/fake.log" 2>&1 &
  FAKE_PID=$!
  export ASTROLOGY_API_USER_ID=astro-user ASTROLOGY_API_KEY=astro-test-key
  export ASTROLOGY_API_BASE_URL="http://127.0.0.1:$FAKE_PORT" OPEN_METEO_BASE_URL="http://127.0.0.1:$FAKE_PORT"
  export OPEN_METEO_GEOCODING_BASE_URL="http://127.0.0.1:$FAKE_PORT"
  python3 - "$ROOT/Sources/SwitchyardServer/Resources/default-config.json" "$WORK/config.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["external_data"] = {"sources": {"astrology": {}, "weather": {}}}
json.dump(config, open(sys.argv[2], "w"))
PY
  export SWITCHYARD_CONFIG="$WORK/config.json"
fi
if [ "$DB" = postgres ]; then
  eval "$("$ROOT/scripts/postgres.sh")"
  export DATABASE_URL="$SWITCHYARD_TEST_POSTGRES_URL"
  "$BIN" migrate >/dev/null && "$BIN" seed >/dev/null
else
  export SWITCHYARD_SQLITE_PATH="$WORK/bench.sqlite"
fi
cd "$WORK"
"$BIN" serve --port "$PORT" >"${SERVER_LOG:-$WORK/server.log}" 2>&1 &
PID=$!
trap 'kill $PID ${FAKE_PID:-} 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
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
admin() {
  local data=()
  [ -n "${3:-}" ] && data=(-d "$3")
  curl -fs "http://127.0.0.1:$PORT$2" -X "$1" -H "Authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
    -H 'Content-Type: application/json' "${data[@]}"
}
# A copy of Mira with other metadata: the same active config (template and model).
copy_mira() {
  admin GET "/admin/v1/bots/$1" >/dev/null 2>&1 && return 0
  admin POST /admin/v1/bots "{\"name\":\"$2\",\"status\":\"launched\",\"metadata\":$3}" >/dev/null
  admin GET /admin/v1/bots/mira/llm-configs | python3 -c '
import json, sys
config = next(c for c in json.load(sys.stdin) if c.get("is_active"))
for key in ("id", "bot_id"): config.pop(key, None)
print(json.dumps(config))' >"$WORK/mira-config.json"
  admin POST "/admin/v1/bots/$1/llm-configs" "$(cat "$WORK/mira-config.json")" >/dev/null
}
if [[ " $BOTS " == *" mira-paid "* ]]; then
  # Prices in integer minor units.
  copy_mira mira-paid "Mira Paid" '{"pricing":{"currency":"INR","per_message":1,"per_1k_input_tokens":1,"per_1k_output_tokens":2}}'
fi
if [[ " $BOTS " == *" mira-data "* ]]; then
  # The same prompt; Mira herself lists no source, so her chart and weather sections stay out.
  copy_mira mira-data "Mira Data" '{"app":"demo","response_length":"medium","required_fields":["birth_date","birth_time","birth_place"],"data_sources":["astrology","weather"]}'
  admin PATCH /admin/v1/bots/mira '{"metadata":{"app":"demo","response_length":"medium","required_fields":["birth_date","birth_time","birth_place"],"data_sources":[]}}' >/dev/null
fi
for i in $(seq 1 32); do
  admin POST "/admin/v1/users/bench-user-$i/wallet/topups" \
    "{\"amount\":1000000000000,\"currency\":\"INR\",\"idempotency_key\":\"bench-$RANDOM-$i-$(date +%s%N)\"}" >/dev/null
done
# Mira reads charts: her users need birth details (metadata.required_fields) before she answers.
for token in $TOKENS; do
  curl -s -X PATCH "http://127.0.0.1:$PORT/v1/me" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"birth_date":"1994-03-02","birth_time":"06:15","birth_place":"Pune","location":"Pune"}' >/dev/null
done
# Each bot answers once before it is measured; then the bots take turns, ROUNDS times (the database grows as it runs,
# so alternating is fairer than one long run each), and each bot's figure is over all its rounds.
for BOT in $BOTS; do
  first="$(curl -s "http://127.0.0.1:$PORT/v1/bots/$BOT/chat" -H "Authorization: Bearer $(echo $TOKENS | cut -d' ' -f1)" \
    -H 'Content-Type: application/json' -d '{"message":"hello"}')"
  case "$first" in *'"session_id"'*) ;; *) echo "$BOT does not answer: $first" >&2; exit 1 ;; esac
done
RESULTS="$WORK/results"
: >"$RESULTS"
for round in $(seq 1 "${ROUNDS:-3}"); do
  for BOT in $BOTS; do
    export BOT
    SESSIONS=""
    if [ "$MODE" = continue ]; then
      for token in $TOKENS; do
        SESSIONS="$SESSIONS $(curl -s "http://127.0.0.1:$PORT/v1/bots/$BOT/chat" -H "Authorization: Bearer $token" \
          -H 'Content-Type: application/json' -d '{"message":"hello"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["session_id"])')"
      done
    fi
    export SESSIONS
    [ "$round" = 1 ] && wrk -t2 -c32 -d2s -s "$ROOT/scripts/bench/chat-turn.lua" "http://127.0.0.1:$PORT" >/dev/null
    # The server's CPU time (user + system, in clock ticks) around the run: CPU per turn is steadier than turns/s when
    # wrk shares the cores.
    before=$(awk '{print $14 + $15}' "/proc/$PID/stat")
    OUT=$(wrk -t${THREADS:-2} -c${CONNS:-32} -d"${DURATION}s" -s "$ROOT/scripts/bench/chat-turn.lua" "http://127.0.0.1:$PORT" | grep TURNS)
    after=$(awk '{print $14 + $15}' "/proc/$PID/stat")
    echo "$BOT $OUT cpu_us=$(( (after - before) * 1000000 / $(getconf CLK_TCK) ))" >>"$RESULTS"
  done
done
python3 - "$RESULTS" "$DB" "$MODE" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    bot, rest = line.split(" ", 1)
    f = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", rest)}
    rows.setdefault(bot, []).append(f)
rates = {}
cpu = {}
for bot, runs in rows.items():
    rate = sum(r["requests"] for r in runs) * 1e6 / sum(r["duration_us"] for r in runs)
    rates[bot] = rate
    cpu[bot] = sum(r["cpu_us"] for r in runs) / sum(r["requests"] for r in runs)
    p50 = sorted(r["p50_us"] for r in runs)[len(runs) // 2] / 1000
    p99 = max(r["p99_us"] for r in runs) / 1000
    non2xx = sum(r["non2xx"] for r in runs)
    print(f"{sys.argv[2]:8} {sys.argv[3]:8} {bot:10} turns/s {rate:8.0f}  server CPU/turn {cpu[bot]:6.0f} µs  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  non2xx {non2xx}  ({len(runs)} rounds)")
if "mira" in rates and "mira-paid" in rates:
    print(f"paid/free {rates['mira-paid'] / rates['mira']:.2f}: a paid turn costs {100 * (rates['mira'] / rates['mira-paid'] - 1):.0f}% more")
if "mira" in rates and "mira-data" in rates:
    print(f"data/plain: turns/s {rates['mira-data'] / rates['mira']:.2f}, server CPU per turn {100 * (cpu['mira-data'] / cpu['mira'] - 1):+.1f}% "
          f"(a turn with warm astrology and weather data; target: at most +10%)")
    # Each round measures both bots back to back, so a round's ratio is taken under the same machine conditions; the
    # median of those ratios is steadier than the ratio of the totals when the machine's speed drifts.
    pairs = [100 * ((d["cpu_us"] / d["requests"]) / (p["cpu_us"] / p["requests"]) - 1)
             for p, d in zip(rows["mira"], rows["mira-data"])]
    ordered = ", ".join(f"{x:+.1f}%" for x in pairs)
    pairs.sort()
    median = pairs[len(pairs) // 2] if len(pairs) % 2 else (pairs[len(pairs) // 2 - 1] + pairs[len(pairs) // 2]) / 2
    print(f"data/plain server CPU per turn by round, in order: {ordered}; median {median:+.1f}%")
PY
if [ -n "${FAKE_PORT:-}" ]; then
  echo "external data API calls over the whole run: $(curl -s "http://127.0.0.1:$FAKE_PORT/stats")"
fi
