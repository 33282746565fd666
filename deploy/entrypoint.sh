#!/bin/sh
# Risorsa's container entry point (deploy/Containerfile): the first argument chooses the process,
# the rest is passed on.
#
#   web [gunicorn options]     gunicorn on 0.0.0.0:8000 (e.g. web --workers 8)
#   worker [options]           the task worker, without the reloader (run it with --restart=always)
#   giornaliero                the daily follow-up, once (for a timer or a CronJob)
#   giornaliero-ogni-ora       the daily follow-up now and then every hour, for ever
#   aggiorna                   migrate and collectstatic: first install and after each new image
#   manage COMMAND [options]   any manage.py command (createsuperuser, importa, interessato, ...)
#   anything else              run as given (e.g. sh)
set -eu

cd /app
command="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$command" in
web)
    # A volume created by an older image keeps that image's static files: the pages would ask for
    # files that are not there. Refuse to start until `aggiorna` has collected this image's.
    manifest="${RISORSA_VAR_DIR:-/var/lib/risorsa}/static/staticfiles.json"
    if [ -f /app/staticfiles.json ] && ! python - /app/staticfiles.json "$manifest" <<'CHECK'
import json, sys
try:
    built, found = (json.load(open(path))["hash"] for path in sys.argv[1:])
except (OSError, ValueError, KeyError):
    sys.exit(1)
sys.exit(built != found)
CHECK
    then
        echo "risorsa: the static files in $manifest are not this image's;" \
            "run this image with 'aggiorna' first." >&2
        exit 1
    fi
    exec gunicorn risorsa.wsgi:application \
        --bind 0.0.0.0:8000 \
        --workers 3 \
        --timeout 120 \
        --graceful-timeout 30 \
        --max-requests 2000 --max-requests-jitter 200 \
        "$@"
    ;;
worker)
    exec python manage.py db_worker --no-reload --interval 1 "$@"
    ;;
giornaliero)
    exec python manage.py giornaliero "$@"
    ;;
giornaliero-ogni-ora)
    # PID 1 ignores signals it does not handle: stop promptly on `podman stop`.
    trap 'exit 0' TERM INT
    while :; do
        python manage.py giornaliero "$@" || echo "risorsa: giornaliero failed; next run in an hour" >&2
        sleep 3600 &
        wait $! || true
    done
    ;;
aggiorna)
    python manage.py migrate --no-input
    exec python manage.py collectstatic --no-input -v0
    ;;
manage)
    exec python manage.py "$@"
    ;;
*)
    exec "$command" "$@"
    ;;
esac
