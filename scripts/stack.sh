#!/usr/bin/env bash
# The whole local stack from a fresh clone: installs what it needs, then runs scripts/stack.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: the lock cannot list other platforms' optional packages (e.g.
  # @swc/core-darwin-*) that the registry here does not serve, and npm ci refuses such a lock.
  npm install --no-audit --no-fund
fi
bash scripts/ensure-temporal.sh >/dev/null
exec npx tsx scripts/stack.ts
