# Shared by the scripts that run a built switchyard beside Python tooling. Source it; it defines functions only.

# Prints the switchyard binary to use: the first argument if given, else the debug build (built if needed).
switchyard_binary() {
  if [ -n "${1:-}" ]; then
    echo "$1"
    return
  fi
  swift build --product switchyard >/dev/null
  echo "$ROOT/.build/debug/switchyard"
}

# Makes (once) a venv under .build/NAME with the given pip packages; prints its path. $1: name, $2: an executable
# the venv must hold, the rest: packages.
python_venv() {
  local venv="$ROOT/.build/$1" needs="$2"
  shift 2
  if [ ! -x "$venv/bin/$needs" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" >&2
  fi
  echo "$venv"
}

# Waits up to 10 s for GET /health on 127.0.0.1:$1, then requires /ready; prints the log $2 and fails otherwise.
wait_until_ready() {
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$1/ready" >/dev/null || { cat "$2"; return 1; }
}

# 32 random bytes as hex: a throwaway secret.
random_hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Exports fresh SWITCHYARD_JWT_SECRET, SWITCHYARD_ADMIN_KEY and SWITCHYARD_USER_JWT_SECRET for a test run.
export_test_secrets() {
  SWITCHYARD_JWT_SECRET="$(random_hex)" SWITCHYARD_ADMIN_KEY="$(random_hex)" SWITCHYARD_USER_JWT_SECRET="$(random_hex)"
  export SWITCHYARD_JWT_SECRET SWITCHYARD_ADMIN_KEY SWITCHYARD_USER_JWT_SECRET
}

# Runs pytest from venv $1 on $2 (more pytest arguments after); when it fails, prints the tail of each log matching
# the glob $3. Returns pytest's status.
pytest_showing_logs() {
  local venv="$1" tests="$2" logs="$3" status=0
  shift 3
  "$venv/bin/pytest" -q "$tests" "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    for log in $logs; do echo "--- $log"; tail -40 "$log"; done
  fi
  return "$status"
}
