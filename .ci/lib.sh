# Shared by the scripts that start the site as deployed (.ci/production, .ci/scale-out,
# bench/load.sh): sourced, never run.

# A fresh, empty PostgreSQL database: fresh_database postgres://postgres@127.0.0.1:5432 NAME
fresh_database() {
  psql "$1/postgres" -qc "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2"
}

# Wait (up to a minute) until the site on the loopback port answers its login page.
wait_for_site() {
  local port=$1
  for _ in $(seq 1 120); do
    if .venv/bin/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/accounts/login/', timeout=2)" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "the site on port $port did not answer within a minute" >&2
  return 1
}

# The command a systemd unit of deploy/ starts (its ExecStart, continuation lines joined), moved
# from /srv/risorsa to this checkout and from port 8000 to the given one:
# $(unit_command risorsa-web.service 8765) --more --options
unit_command() {
  awk '/^ExecStart=/ {on = 1} on {line = line $0; if ($0 !~ /\\$/) exit} END {print line}' "deploy/$1" \
    | sed -e 's/^ExecStart=//' -e 's/\\//g' -e "s|/srv/risorsa|$PWD|g" -e "s|127.0.0.1:8000|127.0.0.1:$2|g"
}
