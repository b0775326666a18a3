"""The load and the restarts of scripts/bench/rolling-restart.sh: replicas started here, a chat load through the load
balancer, each replica restarted once (SIGTERM, wait for exit 0, start, wait for /ready), then the report."""
import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "support"))
from switchyard_client import ChatLoad, launch_bot, start_server, status_of  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--ports", required=True)
    parser.add_argument("--balancer", type=int, required=True)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--logdir", required=True)
    args = parser.parse_args()
    config = os.environ["SWITCHYARD_CONFIG"]
    ports = [int(port) for port in args.ports.split(",")]
    logs = {port: os.path.join(args.logdir, f"replica-{port}.log") for port in ports}
    replicas = {port: start_server(args.binary, port, config, logs[port], wait_for="/ready") for port in ports}
    for _ in range(100):
        if status_of(args.balancer, "/ready") == 200:
            break
        time.sleep(0.05)
    slug = launch_bot(args.balancer)
    load = ChatLoad([args.balancer], slug, users=args.users)
    started = time.monotonic()
    load.start()
    restarts = []
    for index, port in enumerate(ports):
        time.sleep(max(0.0, started + args.duration * (index + 1) / (len(ports) + 1) - time.monotonic()))
        began = time.monotonic()
        replicas[port].send_signal(signal.SIGTERM)
        code = replicas[port].wait(timeout=60)
        stopped = time.monotonic()
        replicas[port] = start_server(args.binary, port, config, logs[port], wait_for="/ready")
        restarts.append({"replica": port, "exit_code": code, "drained_s": round(stopped - began, 2),
                         "back_after_s": round(time.monotonic() - began, 2)})
    time.sleep(max(0.0, started + args.duration - time.monotonic()))
    load.stop()
    elapsed = time.monotonic() - started
    lost, doubled = load.missing_turns(args.balancer)
    for process in replicas.values():
        process.send_signal(signal.SIGTERM)
    exit_codes = [process.wait(timeout=60) for process in replicas.values()]
    answered = load.outcomes.get(200, 0)
    report = {
        "duration_s": round(elapsed, 1), "users": args.users, "turns_sent": load.sent, "answered_200": answered,
        "turns_per_s": round(answered / elapsed, 1),
        "failed": {str(kind): count for kind, count in load.outcomes.items() if kind != 200},
        "stored_twice": len(doubled), "lost": len(lost), "restarts": restarts, "final_exit_codes": exit_codes,
    }
    print(json.dumps(report, indent=2))
    ok = (not report["failed"] and not doubled and not lost and all(r["exit_code"] == 0 for r in restarts)
          and answered == load.sent)
    if not ok:
        print(f"FAILED: see the replica logs in {args.logdir}", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
