#!/usr/bin/env bash
# The whole local stack from a fresh clone (README's first command): installs what it needs
# (scripts/setup.sh: the pinned Node.js, npm packages with `npm ci`, the Temporal binaries), then
# runs scripts/stack.ts, which supervises every process it starts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
ensure_debian_packages \
  'python3 -c "import ensurepip, venv"|python3-venv'
ensure_npm_packages
ensure_temporal
exec tsx scripts/stack.ts "$@"
