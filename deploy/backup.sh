#!/usr/bin/env bash
# Back up Risorsa: the PostgreSQL database (pg_dump, custom format) and the received files kept
# under RISORSA_VAR_DIR/imports (a tar). Static files are not saved: collectstatic remakes them.
#
# Usage:  deploy/backup.sh [--env-file FILE] [--keep-days N] DEST_DIR
#
#   --env-file FILE   read DATABASE_URL and RISORSA_VAR_DIR from FILE (default /etc/risorsa/env,
#                     when it exists and they are not already in the environment); the file is
#                     read, never executed
#   --keep-days N     then delete this script's backups in DEST_DIR older than N days
#
# Writes DEST_DIR/risorsa-YYYYmmdd-HHMMSS/ with database.dump, imports.tar.gz and SHA256SUMS,
# readable by its owner only (they hold personal data). Run it as the service user, e.g. daily:
#   sudo -u risorsa /srv/risorsa/deploy/backup.sh --keep-days 30 /var/backups/risorsa
# It needs pg_dump of the server's major version or newer. The services may keep running: the
# dump is one consistent snapshot; the tar is taken after it, so every file the dump refers to is
# in it (a file uploaded in between is in the tar without its import, and harmless).
#
# Retention: the daily follow-up deletes each received file RISORSA_IMPORT_FILE_RETENTION_DAYS
# (90) days after it arrives, and anonymises people after RISORSA_PERSONAL_DATA_RETENTION_YEARS.
# A backup keeps them as they were: keep backups no longer than the retention you declared
# (--keep-days), and see deploy/restore.sh for what a restore brings back.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit "${1:-0}"; }

env_file=/etc/risorsa/env
env_file_given=0
keep_days=
while [ "$#" -gt 0 ]; do
    case "$1" in
    --env-file) env_file=${2:?--env-file needs a file}; env_file_given=1; shift 2 ;;
    --keep-days) keep_days=${2:?--keep-days needs a number}; shift 2 ;;
    -h | --help) usage 0 ;;
    -*) echo "backup.sh: unknown option $1" >&2; usage 2 ;;
    *) break ;;
    esac
done
[ "$#" -eq 1 ] || usage 2
dest=$1
if [ -n "$keep_days" ] && ! [[ "$keep_days" =~ ^[0-9]+$ && "$keep_days" -ge 1 ]]; then
    echo "backup.sh: --keep-days must be a whole number of days, at least 1" >&2
    exit 2
fi

script=backup.sh
# shellcheck source=deploy/settings.sh
. "$(dirname "$0")/settings.sh"

umask 077
mkdir -p "$dest"
name="risorsa-$(date +%Y%m%d-%H%M%S)"
work="$dest/.$name.partial"
trap 'rm -rf "$work"' EXIT
mkdir "$work"

echo "backup.sh: database -> $dest/$name/database.dump"
pg_dump --dbname="$DATABASE_URL" --format=custom --no-owner --no-privileges --file="$work/database.dump"

if [ -d "$var_dir/imports" ]; then
    echo "backup.sh: $var_dir/imports -> $dest/$name/imports.tar.gz"
    # 1 is "a file changed or vanished while read" (an upload arriving, a file past retention
    # deleted): the archive is still good. Anything above is an error.
    status=0
    tar --create --gzip --file="$work/imports.tar.gz" --directory="$var_dir" imports || status=$?
    if [ "$status" -gt 1 ]; then
        echo "backup.sh: tar failed ($status)" >&2
        exit "$status"
    fi
else
    echo "backup.sh: no $var_dir/imports yet: an empty archive"
    tar --create --gzip --file="$work/imports.tar.gz" --files-from=/dev/null
fi

{
    echo "made: $(date --iso-8601=seconds)"
    echo "host: $(hostname)"
    echo "pg_dump: $(pg_dump --version)"
    echo "RISORSA_VAR_DIR: $var_dir"
    if git -C "$(dirname "$0")/.." rev-parse HEAD >/dev/null 2>&1; then
        echo "code: $(git -C "$(dirname "$0")/.." rev-parse HEAD)"
    fi
} >"$work/INFO"
(cd "$work" && sha256sum database.dump imports.tar.gz INFO >SHA256SUMS)

mv "$work" "$dest/$name"
trap - EXIT
echo "backup.sh: done, $dest/$name"

if [ -n "$keep_days" ]; then
    find "$dest" -mindepth 1 -maxdepth 1 -type d -name 'risorsa-[0-9]*-[0-9]*' \
        -mtime "+$((keep_days - 1))" -print -exec rm -rf {} +
fi
