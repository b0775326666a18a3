#!/usr/bin/env bash
# Fuzzes every documented route with schemathesis against a running `switchyard serve` (embedded: SQLite and the
# mock provider), once per credential: a service token for the gateway routes, the admin key for /admin/…, a user
# token for the user routes. Fails on any 5xx, and on any status or response the OpenAPI document does not list.
# Usage: scripts/fuzz.sh [path/to/switchyard]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
BIN="$(switchyard_binary "${1:-}")"
VENV="$(python_venv fuzz-venv schemathesis schemathesis)"

PORT="${FUZZ_PORT:-18720}"
WORK="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export SWITCHYARD_JWT_SECRET="$(random)"
export SWITCHYARD_ADMIN_KEY="$(random)"
export SWITCHYARD_USER_JWT_SECRET="$(random)"
export SWITCHYARD_SQLITE_PATH="$WORK/fuzz.sqlite"
"$BIN" serve --port "$PORT" >"$WORK/switchyard.log" 2>&1 &
pid=$!
wait_until_ready "$PORT" "$WORK/switchyard.log"

SERVICE_TOKEN="$("$BIN" token --service fuzz --ttl 3600)"
USER_TOKEN="$("$VENV/bin/python" - <<'PY'
import base64, hashlib, hmac, json, os, time
def b64(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
claims = b64(json.dumps({"sub": "fuzz-user", "exp": int(time.time()) + 3600}).encode())
signature = hmac.new(os.environ["SWITCHYARD_USER_JWT_SECRET"].encode(), f"{header}.{claims}".encode(), hashlib.sha256)
print(f"{header}.{claims}.{b64(signature.digest())}")
PY
)"

# One pass per credential, each over the routes that credential opens.
run() {
  local name="$1" token="$2" regex="$3"
  echo "--- schemathesis: $name"
  "$VENV/bin/schemathesis" run "$ROOT/Sources/SwitchyardGateway/Resources/openapi.json" --url "http://127.0.0.1:$PORT" \
    -H "Authorization: Bearer $token" --include-path-regex "$regex" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance \
    --max-examples "${FUZZ_EXAMPLES:-25}" --seed 1 --no-color
}
status=0
run "service token: gateway routes" "$SERVICE_TOKEN" '^/(v1/(generate/|chat/completions|models.*)|openapi\.json)$' || status=1
run "admin key: admin routes" "$SWITCHYARD_ADMIN_KEY" '^/admin/' || status=1
run "user token: user routes" "$USER_TOKEN" '^/v1/(bots|sessions|me)' || status=1
if [ "$status" -ne 0 ]; then
  echo "--- switchyard log"; tail -40 "$WORK/switchyard.log"
fi
exit "$status"
