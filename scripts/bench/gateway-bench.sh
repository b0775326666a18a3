# Shared by scripts/bench/streams.sh and soak.sh. Source it after scripts/lib.sh; it defines functions only.

# Sets BIN and BENCH: the given switchyard ($1) and switchyard-bench ($2, default beside $1), else release builds.
bench_binaries() {
  if [ -n "${1:-}" ]; then
    BIN="$1" BENCH="${2:-$(dirname "$1")/switchyard-bench}"
  else
    swift build -c release --product switchyard >/dev/null
    swift build -c release --product switchyard-bench >/dev/null
    BIN="$ROOT/.build/release/switchyard" BENCH="$ROOT/.build/release/switchyard-bench"
  fi
}

# Starts `switchyard-bench upstream` on UPSTREAM_PORT (the arguments are its options) and a gateway in front of it
# on GATEWAY_PORT, both stopped on exit. Sets WORK (logs), UPSTREAM_PID, GATEWAY_PID and TOKEN (a service token).
start_bench_gateway() {
  # Each stream holds a client connection and an upstream connection in the gateway.
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  WORK="$(mktemp -d)"
  bench_pids=()
  trap 'for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
  export_test_secrets
  "$BENCH" upstream --port "$UPSTREAM_PORT" "$@" >"$WORK/upstream.log" 2>&1 &
  UPSTREAM_PID=$!
  bench_pids+=("$UPSTREAM_PID")
  OPENAI_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT/v1" OPENAI_API_KEY=bench LOG_LEVEL=warning \
    "$BIN" serve --role gateway --port "$GATEWAY_PORT" --log-format json >"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  bench_pids+=("$GATEWAY_PID")
  wait_until_ready "$GATEWAY_PORT" "$WORK/gateway.log"
  TOKEN="$("$BIN" token --service bench --ttl 3600 | tail -1)"
}
