#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh: the database (pg_restore) and the received files
# (RISORSA_VAR_DIR/imports).
#
# Usage:  deploy/restore.sh [--env-file FILE] --yes BACKUP_DIR
#
#   BACKUP_DIR        a risorsa-YYYYmmdd-HHMMSS folder written by backup.sh
#   --env-file FILE   read DATABASE_URL and RISORSA_VAR_DIR from FILE (default /etc/risorsa/env,
#                     when it exists and they are not already in the environment)
#   --yes             required: the database's contents and the imports folder are replaced
#
# Before:   systemctl stop risorsa-web risorsa-worker risorsa-giornaliero.timer
#           (best into an empty database: dropdb risorsa && createdb -O risorsa risorsa)
# Run as the service user, with the release of the code that made the backup (INFO, "code"):
#   sudo -u risorsa /srv/risorsa/deploy/restore.sh --yes /var/backups/risorsa/risorsa-20261128-0300
# After:    migrate (if the code is newer), then start the services again and run the daily
#           follow-up once (systemctl start risorsa-giornaliero.service).
#
# The imports folder must come back to the same RISORSA_VAR_DIR: each import records the full
# path of its file. The current folder is kept aside as imports.before-restore-<time>; delete it
# when the restore is checked. A backup older than the retention brings back files and people
# the daily follow-up had since deleted or anonymised: its next run deletes and anonymises them
# again (it works from the dates in the data), so run it before the service is used.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit "${1:-0}"; }

env_file=/etc/risorsa/env
env_file_given=0
confirmed=0
while [ "$#" -gt 0 ]; do
    case "$1" in
    --env-file) env_file=${2:?--env-file needs a file}; env_file_given=1; shift 2 ;;
    --yes) confirmed=1; shift ;;
    -h | --help) usage 0 ;;
    -*) echo "restore.sh: unknown option $1" >&2; usage 2 ;;
    *) break ;;
    esac
done
[ "$#" -eq 1 ] || usage 2
backup=${1%/}
[ "$confirmed" = 1 ] || { echo "restore.sh: this replaces the database and the imports folder; add --yes" >&2; exit 2; }
for file in database.dump imports.tar.gz SHA256SUMS; do
    [ -f "$backup/$file" ] || { echo "restore.sh: $backup/$file is missing" >&2; exit 2; }
done

script=restore.sh
# shellcheck source=deploy/settings.sh
. "$(dirname "$0")/settings.sh"

echo "restore.sh: checking $backup"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)
pg_restore --list "$backup/database.dump" >/dev/null
tar --list --gzip --file="$backup/imports.tar.gz" >/dev/null

# All or nothing: one transaction; the objects of the backup are dropped first if they exist.
echo "restore.sh: database <- $backup/database.dump"
pg_restore --dbname="$DATABASE_URL" --clean --if-exists --no-owner --no-privileges \
    --single-transaction --exit-on-error "$backup/database.dump"

umask 077
mkdir -p "$var_dir"
stamp=$(date +%Y%m%d-%H%M%S)
staging="$var_dir/.imports.restore-$stamp"
trap 'rm -rf "$staging"' EXIT
mkdir "$staging"
tar --extract --gzip --file="$backup/imports.tar.gz" --directory="$staging" --no-same-owner
if [ -d "$var_dir/imports" ]; then
    mv "$var_dir/imports" "$var_dir/imports.before-restore-$stamp"
    echo "restore.sh: the previous folder is kept as $var_dir/imports.before-restore-$stamp"
fi
if [ -d "$staging/imports" ]; then
    mv "$staging/imports" "$var_dir/imports"
else
    mkdir -m 0700 "$var_dir/imports"
fi
echo "restore.sh: $var_dir/imports restored"
echo "restore.sh: done. Next: migrate if the code is newer, start the services, run the daily follow-up."
