#!/bin/sh
# One-shot (temporalio/admin-tools, or anywhere the `temporal` CLI is on PATH): the namespace and
# every custom search attribute the workflows set (workflows/search-attributes.ts; the compose file
# lists them in DENKI_SEARCH_ATTRIBUTES as Name=Type and test/deploy checks the two agree).
# Idempotent: an existing namespace is kept, an attribute registered again with the same type is
# a no-op, and one registered with a different type fails the setup instead of being changed.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${DENKI_NAMESPACE:?}" "${DENKI_SEARCH_ATTRIBUTES:?}"
export TEMPORAL_ADDRESS
RETENTION="${DENKI_NAMESPACE_RETENTION:-30d}"
ns="$DENKI_NAMESPACE"

# The frontend answers before every service is ready, and a new namespace or attribute reaches the
# frontend's caches a little later: retry each step (by default for up to two minutes).
ATTEMPTS="${DENKI_SETUP_ATTEMPTS:-60}"
retry() {
  n=1
  until "$@"; do
    if [ "$n" -ge "$ATTEMPTS" ]; then echo "setup: gave up: $*" >&2; return 1; fi
    n=$((n + 1))
    sleep 2
  done
}

retry temporal operator cluster health
if temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1; then
  echo "namespace $ns exists"
else
  temporal operator namespace create --namespace "$ns" --retention "$RETENTION" \
    --description "denki-flow lifecycles (OCCTO, Kansai T&D)"
fi
retry temporal operator namespace describe --namespace "$ns" >/dev/null

query=""
for entry in $DENKI_SEARCH_ATTRIBUTES; do
  name="${entry%%=*}"
  type="${entry#*=}"
  if [ -z "$name" ] || [ "$name" = "$entry" ] || [ -z "$type" ]; then
    echo "setup: DENKI_SEARCH_ATTRIBUTES entry '$entry' must be Name=Type" >&2
    exit 2
  fi
  retry temporal operator search-attribute create --namespace "$ns" --name "$name" --type "$type"
  query="${query:+$query AND }$name IS NULL"
done

# Ready when a visibility query may name every attribute (what the gateway's lists and the Web UI do).
retry temporal workflow list --namespace "$ns" --query "$query" --limit 1 >/dev/null
echo "namespace $ns: search attributes registered: $DENKI_SEARCH_ATTRIBUTES"
