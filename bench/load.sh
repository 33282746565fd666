#!/usr/bin/env bash
# Load run: the site as deployed (gunicorn, DEBUG off, collected static files, one task worker) on
# the territory-sized PostgreSQL database, then bench/load.py in Locust, headless and bounded in
# users and time (so in requests), on the loopback only. Prints requests, failures, median, p95
# and p99 per page and in total, counted once every user has logged in (the logins, each a
# deliberately slow password hash, are the ramp-up); fails if any request failed, the ramp-up
# included, or the total p95 is 500 ms or more.
#
#   bench/load.sh                                   # 50 users, 2 minutes, on risorsa_scale
#   bench/load.sh --users 20 --time 30s             # a shorter try
#   LOAD_DB=other_db LOAD_PORT=8790 bench/load.sh
#
# Options (or the environment): --db NAME (LOAD_DB, risorsa_scale), --port N (LOAD_PORT, 8770),
# --users N (LOAD_USERS, 50), --time T (LOAD_TIME, 2m), --spawn-rate N (LOAD_SPAWN_RATE, 10),
# --workers N (LOAD_WORKERS, gunicorn workers: 2 per core). The database is read as it is, and
# written only as the users write it (logins, the access log, one import of 20,000 new payments
# at every run). The figures stay in var/bench/load-<date>/ (Locust's CSV).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/lib.sh
. .ci/lib.sh

DB=${LOAD_DB:-risorsa_scale}
PORT=${LOAD_PORT:-8770}
USERS=${LOAD_USERS:-50}
DURATION=${LOAD_TIME:-2m}
SPAWN_RATE=${LOAD_SPAWN_RATE:-10}
WORKERS=${LOAD_WORKERS:-$((2 * $(nproc)))}
MIN_BILLS=${LOAD_MIN_BILLS:-1000000}
TARGET_P95_MS=500
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --time) DURATION=$2; shift 2 ;;
    --spawn-rate) SPAWN_RATE=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
  esac
done

PG="postgres://postgres@127.0.0.1:5432"
bills=$(psql "$PG/$DB" -tAc "SELECT COUNT(*) FROM ledger_bill" 2>/dev/null || echo 0)
if [ "${bills:-0}" -lt "$MIN_BILLS" ]; then
  cat >&2 <<EOF
The database $DB is missing or not loaded ($bills bills, at least $MIN_BILLS wanted). Create it:

  createdb -h 127.0.0.1 -U postgres $DB
  DATABASE_URL=$PG/$DB .venv/bin/python manage.py migrate
  DATABASE_URL=$PG/$DB RISORSA_DEMO=1 DEBUG=1 .venv/bin/python manage.py load_demo --scala 100000

(100,000 customers and 1,000,000 bills, about two minutes), then run bench/load.sh again.
EOF
  exit 1
fi
customers=$(psql "$PG/$DB" -tAc "SELECT COUNT(*) FROM ledger_customer WHERE code ~ '^C[0-9]{9}$'")
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "Port $PORT is taken: choose another with --port." >&2
  exit 1
fi

VAR=$(mktemp -d)
OUT="var/bench/load-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$VAR"' EXIT

export DEBUG=0
export SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG/$DB"
export RISORSA_VAR_DIR="$VAR"
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 RISORSA_DEMO=1

echo "$DB: $bills bills, $customers synthetic customers; collecting static files"
.venv/bin/python manage.py collectstatic --no-input -v0
# As the units of deploy/ start them, with a web worker per half core (gunicorn takes the last
# --workers it is given).
# shellcheck disable=SC2046
$(unit_command risorsa-web.service "$PORT") --workers "$WORKERS" \
  --access-logfile "$OUT/access.log" --log-level warning >"$OUT/gunicorn.log" 2>&1 &
# shellcheck disable=SC2046
$(unit_command risorsa-worker.service "$PORT") >"$OUT/worker.log" 2>&1 &
wait_for_site "$PORT" || true  # the checks below then fail, with the logs

echo "Locust: $USERS users (+1 import), $SPAWN_RATE/s, for $DURATION, gunicorn with $WORKERS workers"
status=0
LOAD_SCALE_CUSTOMERS="$customers" .venv/bin/locust -f bench/load.py --headless \
  -u "$((USERS + 1))" -r "$SPAWN_RATE" -t "$DURATION" --stop-timeout 10 \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --loglevel WARNING \
  >"$OUT/locust.log" 2>&1 || status=$?
grep -h "utenti hanno fatto\|importazione n\.\|richieste fallite" "$OUT/locust.log" | sed 's/.*bench.load: //' || true
grep -q "importazione n\." "$OUT/locust.log" || { echo "the import did not finish within the run"; status=1; }
# Whatever Locust counted, the server's own log: no answer of 400 or more, the ramp-up included.
errors=$(awk '$9 ~ /^[0-9]+$/ && $9 >= 400' "$OUT/access.log" | wc -l)
if [ "$errors" -ne 0 ]; then
  echo "$errors answers of 400 or more in the access log:"; awk '$9 >= 400' "$OUT/access.log" | tail -n 10
  status=1
fi

.venv/bin/python - "$OUT/locust_stats.csv" "$TARGET_P95_MS" <<'EOF' || status=$?
import csv
import sys

path, target = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(path, encoding="utf-8")))
print(f"{'pagina':<44} {'richieste':>9} {'errori':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
    if row["Request Count"] == "0":  # the logins: all before the statistics start
        continue
    name = "TOTALE" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
    print(
        f"{name[:44]:<44} {row['Request Count']:>9} {row['Failure Count']:>7} "
        f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
    )
total = next(row for row in rows if row["Name"] == "Aggregated")
failures = int(total["Failure Count"])
p95 = float(total["95%"]) if total["Request Count"] != "0" else float("inf")
verdict = "ok" if failures == 0 and p95 < target else "NO"
print(f"{failures} errori, p95 totale {p95:.0f} ms (obiettivo: nessun errore, p95 < {target} ms): {verdict}")
sys.exit(0 if verdict == "ok" else 1)
EOF
if [ "$status" -ne 0 ]; then
  [ -s "$OUT/locust_failures.csv" ] && { echo "--- failures"; cat "$OUT/locust_failures.csv"; }
  echo "--- gunicorn log"; tail -n 30 "$OUT/gunicorn.log"
fi
echo "figures in $OUT/"
exit "$status"
