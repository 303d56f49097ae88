#!/usr/bin/env bash
# The whole local stack from a fresh clone: installs what it needs, then runs scripts/stack.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/ensure-temporal.sh >/dev/null
exec npx tsx scripts/stack.ts
