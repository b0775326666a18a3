#!/usr/bin/env bash
# The operator console in a real browser (Tests/console): Debian's chromium and chromium-driver, Selenium from PyPI,
# one `switchyard serve` on SQLite with mock providers. Screenshots go to .build/console-screenshots/.
# Usage: scripts/console-browser.sh [path/to/switchyard [pytest arguments]]   (default: builds the debug binary)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib.sh"
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$tool" ] || { echo "$tool is missing: apt-get install chromium chromium-driver" >&2; exit 1; }
done
BIN="$(switchyard_binary "${1:-}")"
shift || true
VENV="$(python_venv console-venv pytest pytest selenium)"
export SWITCHYARD_BIN="$BIN" CONSOLE_LOGDIR="$(mktemp -d)" CONSOLE_SCREENSHOTS="$ROOT/.build/console-screenshots"
export_test_secrets
pytest_showing_logs "$VENV" Tests/console "$CONSOLE_LOGDIR/*.log" "$@"
