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
