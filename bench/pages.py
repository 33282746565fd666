"""Server time of every list, search and dashboard page, per organization kind, at a given size.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/risorsa_scale RISORSA_DEMO=1 \\
        .venv/bin/python manage.py load_demo --scala 100000      # once: 100,000 customers, 1,000,000 bills
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/risorsa_scale .venv/bin/python bench/pages.py

Each page is requested through Django's test client (server time only: no network, no browser)
`--repeat` times after one warm-up; the table gives the median and the 95th percentile in
milliseconds and flags what passes the 300 ms target. `--cold` empties the cache before each
request (the totals and counts the pages remember between writes are then computed every time).
It reads the database as it is: load the data first. Exports stream: their time is to the last
byte.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MS = 300

# The arrears list searched and filtered by ageing, the same for a municipality and a utility. The
# scale generator (risorsa.demo.synthetic, seeded) draws ten surnames: ROSSI holds about 10,000
# customers, FRRMRC (FERRARI MARCO) about 1,100 codici fiscali; VALENTINI is one of the demo's
# people, one customer among 100,000 (a search that finds almost nothing reads as far as one that
# finds much); C000050001 is a synthetic customer code.
ARREARS_SEARCHES = [
    ("morosità «ROSSI»", "post", "/ledger/arrears/", {"q": "ROSSI"}),
    ("morosità «valentini»", "post", "/ledger/arrears/", {"q": "valentini"}),
    ("morosità CF «FRRMRC»", "post", "/ledger/arrears/", {"q": "FRRMRC"}),
    ("morosità codice C000050001", "post", "/ledger/arrears/", {"q": "C000050001"}),
    ("morosità 0-30 giorni", "get", "/ledger/arrears/", {"anzianita": "0-30"}),
    ("morosità 31-90 giorni", "get", "/ledger/arrears/", {"anzianita": "31-90"}),
    ("morosità 91-180 giorni", "get", "/ledger/arrears/", {"anzianita": "91-180"}),
    ("morosità 180+ giorni", "get", "/ledger/arrears/", {"anzianita": "180+"}),
]

PAGES = {
    "comune.operatore": [
        ("cruscotto", "get", "/", {}),
        ("da fare", "get", "/coordination/", {}),
        ("persone", "get", "/registry/people/", {}),
        ("ricerca persone «ROSSI»", "post", "/registry/people/", {"q": "ROSSI"}),
        ("morosità", "get", "/ledger/arrears/", {}),
        ("morosità, pagina 50", "get", "/ledger/arrears/", {"page": "50"}),
        *ARREARS_SEARCHES,
        ("morosità acqua, da 500 €", "get", "/ledger/arrears/", {"servizio": "ACQUA", "minimo": "500"}),
        ("morosità per scadenza", "get", "/ledger/arrears/", {"ordine": "scadenza"}),
        ("intestatari da verificare", "get", "/ledger/registry-checks/", {}),
        ("incidenti", "get", "/protection/incidents/", {}),
        ("da valutare", "get", "/protection/to-evaluate/", {}),
        ("tutele", "get", "/protection/", {}),
        ("piani di rientro", "get", "/repayment/", {}),
        ("interventi", "get", "/interventions/", {}),
        ("importazioni", "get", "/ledger/imports/", {}),
    ],
    "aem.operatore": [
        ("cruscotto", "get", "/", {}),
        ("da fare", "get", "/coordination/", {}),
        ("morosità", "get", "/ledger/arrears/", {}),
        ("morosità per nome", "get", "/ledger/arrears/", {"ordine": "nome"}),
        *ARREARS_SEARCHES,
        ("morosità gas, pagina 20", "get", "/ledger/arrears/", {"servizio": "GAS", "page": "20"}),
        ("morosità oltre 6.000 €, esportazione", "get", "/ledger/arrears/export.csv", {"minimo": "6000"}),
        ("clienti tutelati", "get", "/protection/utility/", {}),
        ("piani di rientro", "get", "/repayment/", {}),
        ("importazioni", "get", "/ledger/imports/", {}),
    ],
    "ponte.operatore": [
        ("cruscotto", "get", "/", {}),
        ("persone", "get", "/registry/people/", {}),
    ],
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the cache before every request: the totals and counts remembered between "
        "writes of the figures are computed every time (the first visit after an import)",
    )
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "risorsa.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from risorsa.ledger.models import Bill, Customer

    settings.ALLOWED_HOSTS = ["*"]
    print(f"{Customer.objects.count():,} clienti, {Bill.objects.count():,} fatture")
    print(f"{'utente':<18} {'pagina':<28} {'mediana':>8} {'p95':>8}")
    failing = 0
    for username, pages in PAGES.items():
        client = Client()
        client.force_login(
            get_user_model().objects.get(username=username),
            backend="django.contrib.auth.backends.ModelBackend",
        )
        for label, method, url, data in pages:
            times = []
            for attempt in range(options.repeat + 1):
                if options.cold:
                    cache.clear()
                started = time.perf_counter()
                response = getattr(client, method)(url, data)
                if response.streaming:
                    for _chunk in response.streaming_content:
                        pass
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{username} {url}: {response.status_code}")
                if attempt:  # the first request warms the caches
                    times.append(elapsed)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            mark = "ok" if p95 <= TARGET_MS else "NO"
            failing += mark == "NO"
            print(f"{username:<18} {label:<28} {statistics.median(times):8.0f} {p95:8.0f}  [{mark}]")
    print(f"{failing} pagine oltre {TARGET_MS} ms al 95° percentile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
