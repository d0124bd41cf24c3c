#!/usr/bin/env bash
# Back up the PostgreSQL database named by DATABASE_URL to a pg_dump custom-format file.
#   scripts/backup.sh [directory]      (default: backups/)
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup: DATABASE_URL is not PostgreSQL; back up the SQLite file by copying it" >&2; exit 2 ;;
esac
directory=${1:-backups}
mkdir -p "$directory"
chmod 700 "$directory"  # the dump holds personal data
file="$directory/klientstod-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$DATABASE_URL"
chmod 600 "$file"
pg_restore --list "$file" >/dev/null  # the file is a readable archive
echo "$file"
