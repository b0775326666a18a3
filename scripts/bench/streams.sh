#!/usr/bin/env bash
# A thousand live streams through the gateway: CLIENTS (1000) streaming chat completions at once, started over
# RAMP seconds (1), against a fake upstream that sends CHUNKS (200) content chunks INTERVAL_MS (20) apart. Reports
# streams completed and failed, the gaps between chunks as clients see them (p50/p99/max), the gateway's peak RSS and
# open descriptors, and its CPU time per chunk; exits 1 unless every stream completed, all of them were live at one
# moment (a stream is live from its first to its last event: a gateway that admits clients slowly serves fewer streams
# at once, and its gaps then say nothing about a thousand), the p99 gap is under MAX_GAP_MS (60) and the peak RSS under
# MAX_RSS_MB (200).
# Usage: scripts/bench/streams.sh [path/to/switchyard [path/to/switchyard-bench]]   (default: builds both, release)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
. "$ROOT/scripts/bench/gateway-bench.sh"
CLIENTS="${CLIENTS:-1000}" CHUNKS="${CHUNKS:-200}" INTERVAL_MS="${INTERVAL_MS:-20}" RAMP="${RAMP:-1}"
MAX_GAP_MS="${MAX_GAP_MS:-60}" MAX_RSS_MB="${MAX_RSS_MB:-200}"
UPSTREAM_PORT="${UPSTREAM_PORT:-18090}" GATEWAY_PORT="${GATEWAY_PORT:-18300}"
bench_binaries "$@"
start_bench_gateway --chunks "$CHUNKS" --interval-ms "$INTERVAL_MS"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Peak RSS and descriptors, sampled every 100 ms while the clients run.
sample() {
  local rss=0 fds=0
  while kill -0 "$GATEWAY_PID" 2>/dev/null && [ ! -e "$WORK/done" ]; do
    local now
    now=$(awk '/VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status")
    [ "$now" -gt "$rss" ] && rss=$now
    now=$(ls "/proc/$GATEWAY_PID/fd" | wc -l)
    [ "$now" -gt "$fds" ] && fds=$now
    sleep 0.1
  done
  echo "$rss $fds" >"$WORK/peak"
}
sample &
SAMPLER=$!
before=$(ticks "$GATEWAY_PID") upstream_before=$(ticks "$UPSTREAM_PID")
# The load tools share the cores with the gateway: their CPU is reported too (the clients' from `time`).
{ time -p "$BENCH" streams --url "http://127.0.0.1:$GATEWAY_PORT" --token "$TOKEN" --clients "$CLIENTS" \
  --ramp-seconds "$RAMP" >"$WORK/result.json"; } 2>"$WORK/clients.time"
after=$(ticks "$GATEWAY_PID") upstream_after=$(ticks "$UPSTREAM_PID")
clients_cpu=$(awk '$1 == "user" || $1 == "sys" {sum += $2} END {print sum}' "$WORK/clients.time")
touch "$WORK/done"
wait "$SAMPLER"
python3 - "$WORK/result.json" "$WORK/peak" "$before" "$after" "$(getconf CLK_TCK)" "$CLIENTS" "$CHUNKS" \
  "$INTERVAL_MS" "$MAX_GAP_MS" "$MAX_RSS_MB" "$((upstream_after - upstream_before))" "$clients_cpu" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
upstream_ticks, clients_cpu = int(sys.argv[11]), float(sys.argv[12])
rss_kb, fds = map(int, open(sys.argv[2]).read().split())
before, after, hz = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
clients, chunks, interval, max_gap, max_rss = map(int, sys.argv[6:11])
cpu = (after - before) / hz
events = result["events"]
print(f"{clients} streams x {chunks} chunks, {interval} ms apart, through the gateway")
print(f"  completed {result['completed']}, failed {result['failed']} {result['failures'] or ''}")
print(f"  chunk gap ms: p50 {result['gap_ms_p50']:.1f}  p99 {result['gap_ms_p99']:.1f}  max {result['gap_ms_max']:.1f}")
print(f"  chunk gap ms once every client has started (after RAMP + 1 s): p99 {result['steady_gap_ms_p99']:.1f} "
      f"over {result['steady_gaps']} gaps")
print(f"  first chunk ms: p50 {result['first_ms_p50']:.1f}  p99 {result['first_ms_p99']:.1f}  max {result['first_ms_max']:.1f}")
print(f"  peak live streams (first to last event overlapping): {result['peak_live_streams']} of {clients}")
print(f"  gateway: peak RSS {rss_kb / 1024:.0f} MiB, peak open descriptors {fds}, CPU {cpu:.2f} s for {events} events "
      f"= {1e6 * cpu / max(events, 1):.1f} us per chunk; wall {result['wall_seconds']:.1f} s")
print(f"  load tools on the same cores: upstream CPU {upstream_ticks / hz:.2f} s, clients CPU {clients_cpu:.2f} s "
      f"= {1e6 * (upstream_ticks / hz + clients_cpu) / max(events, 1):.1f} us per chunk")
checks = [("every stream completed", result["completed"] == clients),
          ("every stream live at one moment", result["peak_live_streams"] == clients),
          (f"p99 gap under {max_gap} ms", result["gap_ms_p99"] < max_gap),
          (f"peak RSS under {max_rss} MB", rss_kb / 1024 < max_rss)]
for name, ok in checks:
    print(f"  {'PASS' if ok else 'FAIL'}: {name}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
PY
