#!/bin/sh
# Starts the Temporal server (temporalio/server) with the PostgreSQL password from a compose secret:
# the server's configuration template reads POSTGRES_PWD from the environment only, so it is read
# from the file here instead of being written into docker-compose.yml.
set -eu
: "${POSTGRES_PWD_FILE:?}"
POSTGRES_PWD="$(cat "$POSTGRES_PWD_FILE")"
export POSTGRES_PWD
exec /etc/temporal/entrypoint.sh
