#!/bin/sh
# One-shot (temporalio/admin-tools): creates or upgrades the Temporal schemas in PostgreSQL —
# the persistence database and the SQL visibility database. Safe to run on every `up`: create,
# setup-schema and update-schema leave an existing, current schema as it is.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD_FILE:?}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12
# temporal-sql-tool reads the password from SQL_PASSWORD; the file is a compose secret.
SQL_PASSWORD="$(cat "$POSTGRES_PWD_FILE")"
export SQL_PASSWORD

until nc -z "$POSTGRES_SEEDS" "$DB_PORT"; do echo 'waiting for PostgreSQL'; sleep 1; done

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }
for db in temporal:temporal temporal_visibility:visibility; do
  name="${db%%:*}"
  dir="${db#*:}"
  sql --db "$name" create
  sql --db "$name" setup-schema -v 0.0
  sql --db "$name" update-schema -d "$SCHEMA/$dir/versioned"
done
echo 'Temporal schemas are current'
