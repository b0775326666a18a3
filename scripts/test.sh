#!/usr/bin/env bash
# The whole test suite: Swift unit and end-to-end tests, then the openai SDK interoperability tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
swift test
"$ROOT/scripts/interop.sh"
