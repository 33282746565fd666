#!/usr/bin/env bash
# Run a manage.py command as the services run: user risorsa, in the checkout this script is in
# (/srv/risorsa), with /etc/risorsa/env read by systemd exactly as the units read it (the same
# settings, no secrets on the command line) and RISORSA_VAR_DIR created as the units create it.
#
# Usage (as root):  /srv/risorsa/deploy/manage.sh COMMAND [options]
#   /srv/risorsa/deploy/manage.sh migrate --no-input
#   /srv/risorsa/deploy/manage.sh collectstatic --no-input
#   /srv/risorsa/deploy/manage.sh createsuperuser
#   /srv/risorsa/deploy/manage.sh check --deploy
set -euo pipefail

[ "$#" -ge 1 ] || { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 2; }
app=$(cd "$(dirname "$0")/.." && pwd)
if [ -t 0 ] && [ -t 1 ]; then io=--pty; else io=--pipe; fi
exec systemd-run --quiet --wait --collect "$io" \
    --uid=risorsa --gid=risorsa \
    --working-directory="$app" \
    --property=EnvironmentFile=/etc/risorsa/env \
    --property=StateDirectory=risorsa --property=StateDirectoryMode=0750 \
    "$app/.venv/bin/python" manage.py "$@"
