#!/usr/bin/env bash
# Restore a pg_dump custom-format file into the PostgreSQL database named by DATABASE_URL.
# Everything in that database is replaced.
#   scripts/restore.sh FILE
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to restore into}"
file=${1:?Give the backup file to restore}
[ -r "$file" ] || { echo "restore: cannot read $file" >&2; exit 2; }
pg_restore --list "$file" >/dev/null
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"
