#!/usr/bin/env bash
# A soak: RATE (2000) chat completions a second through the gateway for DURATION seconds (600), against a fast fake
# upstream, open loop (a request starts on schedule whether or not the earlier ones answered). Samples the gateway's
# RSS and open descriptors every SAMPLE seconds (10) and prints the curve; exits 1 unless, after the first minute
# (warm-up), RSS stays within 10 % of its first sample, the descriptors' peak in the second half of the run is within
# 10 % (or 16) of their peak in the first half (no leak), and no request failed.
# Usage: scripts/bench/soak.sh [path/to/switchyard [path/to/switchyard-bench]]   (default: builds both, release)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
. "$ROOT/scripts/bench/gateway-bench.sh"
RATE="${RATE:-2000}" DURATION="${DURATION:-600}" SAMPLE="${SAMPLE:-10}" WARMUP="${WARMUP:-60}"
UPSTREAM_PORT="${UPSTREAM_PORT:-18091}" GATEWAY_PORT="${GATEWAY_PORT:-18301}"
bench_binaries "$@"
start_bench_gateway

(
  t=0
  while kill -0 "$GATEWAY_PID" 2>/dev/null && [ ! -e "$WORK/done" ]; do
    echo "$t $(awk '/VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status") $(ls "/proc/$GATEWAY_PID/fd" | wc -l)"
    sleep "$SAMPLE"
    t=$((t + SAMPLE))
  done
) >"$WORK/samples" &
SAMPLER=$!
"$BENCH" rate --url "http://127.0.0.1:$GATEWAY_PORT" --token "$TOKEN" --rps "$RATE" --seconds "$DURATION" \
  --report-seconds "$SAMPLE" >"$WORK/load.jsonl"
touch "$WORK/done"
wait "$SAMPLER" || true
python3 - "$WORK/samples" "$WORK/load.jsonl" "$RATE" "$DURATION" "$WARMUP" "$SAMPLE" <<'PY'
import json, sys
samples = [tuple(map(int, line.split())) for line in open(sys.argv[1]) if line.strip()]
lines = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
windows = {line["t"]: line for line in lines if "t" in line}
total = next(line for line in lines if line.get("total"))
rate, duration, warmup, step = map(int, sys.argv[3:7])
print(f"soak: {rate} requests/s for {duration} s through the gateway")
print("     t  RSS MiB  fds  answered/s  errors  refused")
for t, rss, fds in samples:
    window = windows.get(t, {})
    answered = window.get("ok", 0) / step
    print(f"{t:6d}  {rss / 1024:7.1f}  {fds:4d}  {answered:10.0f}  {window.get('errors', 0):6d}  "
          f"{window.get('refused', 0):7d}")
steady = [(t, rss, fds) for t, rss, fds in samples if t >= warmup]
rss_values = [rss for _, rss, _ in steady] or [0]
fd_values = [fds for _, _, fds in steady] or [0]
rss_spread = (max(rss_values) - rss_values[0]) / max(rss_values[0], 1)
# Pooled connections come and go with the load's momentary latency (idle ones close after 60 s), so descriptors are
# judged for a leak: the peak of the second half of the steady run may not exceed the first half's peak.
half = len(fd_values) // 2
fd_growth = max(fd_values[half:] or [0]) - max(fd_values[:half] or fd_values)
print(f"totals: started {total['started']}, answered {total['ok']}, errors {total['errors']} "
      f"(of which {total.get('refused', 0)} not started: the load tool already had its maximum in flight)")
print(f"after {warmup} s: RSS {rss_values[0] / 1024:.1f} -> {rss_values[-1] / 1024:.1f} MiB (max {max(rss_values) / 1024:.1f}, "
      f"{100 * rss_spread:+.1f} %), descriptors {min(fd_values)}..{max(fd_values)}")
checks = [("RSS within 10 % after warm-up", rss_spread <= 0.10),
          ("descriptors flat: the second half's peak within 10 % (or 16) of the first half's",
           fd_growth <= max(16, 0.10 * max(fd_values[:half] or fd_values))),
          ("no errors", total["errors"] == 0 and total["ok"] == total["started"])]
for name, ok in checks:
    print(f"  {'PASS' if ok else 'FAIL'}: {name}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
PY
