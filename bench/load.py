"""Load scenario (Locust): the three organization kinds at work at once, and one import running.

    bench/load.sh                      # gunicorn + worker on risorsa_scale, then this file, headless

or, against a site already started on the loopback (bounded in users, time and so requests):

    .venv/bin/locust -f bench/load.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8770

Users, each logged in once with the demo password (CSRF token of the login page), then browsing
with 1 to 3 s of think time: the municipality's operator (weight 2: dashboard, to-do, people and
their search, arrears with pages, filters and sorts, a customer, protections, plans,
interventions, imports, a filtered arrears export), the utility's operator (weight 2: the same
from its side, protected customers) and the partner's operator (weight 1: dashboard, to-do,
people). One more user (always exactly one) uploads, LOAD_IMPORT_DELAY (10) seconds after the
last user has logged in, a `pagamenti` file of LOAD_PAYMENTS rows (20,000) of the synthetic
customers of `load_demo --scala` and polls its page, as the browser does, until the import ends.
The payments are new at every run (their ids carry LOAD_TAG, by default the time): the import
allocates and writes them while the others browse.

The statistics start once every user has logged in (the logins are the ramp-up); failures
count from the first request. Any answer other than 2xx/3xx, and any page that lands on the
login form, is a failure. The host must be the loopback: anything else is refused before a user
starts.
"""

import logging
import os
import random
import re
import time
from datetime import date
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

DEMO_PASSWORD = "risorsa-demo"  # noqa: S105 - the demo's, see load_demo
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SURNAMES = ["ROSSI", "BIANCHI", "FERRARI", "COLOMBO", "GALLI", "SALA", "RIZZI", "CONTI", "MARINI", "BRUNO"]
SORTS = ["nome", "scadenza", "codice", "-saldo"]
BUCKETS = ["0-30", "31-90", "91-180", "180+"]
# The synthetic customers of `load_demo --scala N` are C000000001 … C{N:09d}.
SCALE_CUSTOMERS = int(os.environ.get("LOAD_SCALE_CUSTOMERS", "100000"))
LOAD_PAYMENTS = int(os.environ.get("LOAD_PAYMENTS", "20000"))
# New payments at every run (the import writes, as a real one does): ids tagged by the run.
LOAD_TAG = os.environ.get("LOAD_TAG") or time.strftime("%Y%m%d%H%M%S")
# The demo is dated from the day it is loaded: the scale extraction is four months back and its
# payments come in the four months after it, so today's payments are after all of them.
EXTRACTION = date.today()  # noqa: DTZ011 - the machine's day, as the demo's clock reads it
PAID_ON = EXTRACTION
IMPORT_TIMEOUT = 600  # seconds
# The upload waits until every user has logged in and browses, then this many seconds more.
IMPORT_DELAY = float(os.environ.get("LOAD_IMPORT_DELAY", "10"))
CUSTOMER_LINK = re.compile(r'href="/ledger/customers/(\d+)/"')
RUN_LINK = re.compile(r"/ledger/imports/(\d+)/")
logger = logging.getLogger("bench.load")


def is_loopback(host: str | None) -> bool:
    return bool(host) and urlsplit(host).hostname in LOOPBACK


@events.init.add_listener
def refuse_other_hosts(environment, **_kwargs):
    if not is_loopback(environment.host):
        raise SystemExit(f"bench/load.py: solo il loopback (127.0.0.1 o localhost), non {environment.host!r}")


# The figures are those of the users at work: the statistics are reset once the last user has
# logged in (the logins, each a deliberately slow password hash, saturate a small machine for
# a few seconds, and the workers' first requests are slow). Failures are counted for the whole
# run, the logins included.
failures_in_all = 0
logged_in = 0
all_logged_in_at: float | None = None


@events.request.add_listener
def count_failure(exception=None, **_kwargs):
    global failures_in_all
    if exception is not None:
        failures_in_all += 1


@events.quitting.add_listener
def fail_on_any_failure(environment, **_kwargs):
    if failures_in_all:
        logger.warning("%s richieste fallite in tutta la prova (avvio compreso)", failures_in_all)
        environment.process_exit_code = 1


class Operator(HttpUser):
    """A logged-in user; `page()` fails a request that errs or falls back to the login form."""

    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        if not is_loopback(self.host):
            raise StopUser
        self.customers: list[str] = []
        self.client.get("/accounts/login/", name="accesso (modulo)")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="accesso",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/":
                response.failure(f"accesso di {self.username} rifiutato ({response.status_code})")
                raise StopUser
        self.logged_in()

    def logged_in(self):
        global logged_in, all_logged_in_at
        logged_in += 1
        runner = self.environment.runner
        if all_logged_in_at is None and runner is not None and logged_in >= runner.target_user_count:
            all_logged_in_at = time.monotonic()
            runner.stats.reset_all()
            logger.warning("tutti i %s utenti hanno fatto l'accesso: da qui le statistiche", logged_in)

    def page(self, name: str, path: str, *, data: dict | None = None, params: dict | None = None):
        method = self.client.post if data is not None else self.client.get
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with method(path, data=data, params=params, name=name, catch_response=True) as response:
            if not 200 <= response.status_code < 400:
                response.failure(f"{response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("rimandato all'accesso")
            else:
                response.success()
                if "text/html" in response.headers.get("Content-Type", ""):
                    found = CUSTOMER_LINK.findall(response.text)
                    if found:
                        self.customers = found
        return response

    def arrears(self):
        choice = random.random()
        if choice < 0.4:
            self.page("morosità", "/ledger/arrears/")
        elif choice < 0.6:
            self.page("morosità, pagina N", "/ledger/arrears/", params={"page": random.randint(2, 400)})
        elif choice < 0.8:
            self.page(
                "morosità per anzianità", "/ledger/arrears/", params={"anzianita": random.choice(BUCKETS)}
            )
        else:
            self.page("morosità ordinata", "/ledger/arrears/", params={"ordine": random.choice(SORTS)})

    def customer(self):
        if not self.customers:
            self.page("morosità", "/ledger/arrears/")
        if self.customers:
            self.page("cliente", f"/ledger/customers/{random.choice(self.customers)}/")

    def export(self):
        # A narrow band of balances: a few hundred rows, as an operator exports to call them.
        low = random.randrange(3000, 5000, 10)
        self.page(
            "esportazione morosità CSV (filtrata)",
            "/ledger/arrears/export.csv",
            params={"minimo": f"{low}", "massimo": f"{low + 10}"},
        )


def visit(name: str, path: str):
    """A task that opens one page."""

    def task(user: Operator) -> None:
        user.page(name, path)

    task.__name__ = name
    return task


def search_people(user: Operator) -> None:
    user.page("ricerca persone per nome", "/registry/people/", data={"q": random.choice(SURNAMES)})


DASHBOARD = visit("cruscotto", "/")
TODO = visit("da fare", "/coordination/")
PEOPLE = visit("persone", "/registry/people/")
PLANS = visit("piani di rientro", "/repayment/")
IMPORTS = visit("importazioni", "/ledger/imports/")
ARREARS, CUSTOMER, EXPORT = Operator.arrears, Operator.customer, Operator.export


# What each kind of operator does, and how often (Locust's task weights).
class MunicipalityOperator(Operator):
    weight = 2
    username = "comune.operatore"
    tasks = {
        DASHBOARD: 3,
        TODO: 2,
        PEOPLE: 1,
        search_people: 3,
        ARREARS: 5,
        CUSTOMER: 2,
        visit("tutele", "/protection/"): 2,
        PLANS: 1,
        visit("interventi", "/interventions/"): 1,
        IMPORTS: 1,
        EXPORT: 1,
    }


class UtilityOperator(Operator):
    weight = 2
    username = "aem.operatore"
    tasks = {
        DASHBOARD: 3,
        TODO: 2,
        ARREARS: 5,
        CUSTOMER: 2,
        visit("clienti tutelati", "/protection/utility/"): 2,
        PLANS: 1,
        IMPORTS: 1,
        EXPORT: 1,
    }


class PartnerOperator(Operator):
    weight = 1
    username = "ponte.operatore"
    tasks = {DASHBOARD: 2, TODO: 2, PEOPLE: 2, search_people: 2}


def payments_file() -> bytes:
    """LOAD_PAYMENTS payments (5 to 30 €, naming no bill: allocated to the oldest open bills) of
    customers spread over the synthetic ones, new at every run (LOAD_TAG in their ids)."""
    rng = random.Random(2026)
    step = max(1, SCALE_CUSTOMERS // LOAD_PAYMENTS)
    lines = ["id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento"]
    for number in range(LOAD_PAYMENTS):
        customer = 1 + (number * step) % SCALE_CUSTOMERS
        cents = rng.randrange(500, 3000)
        lines.append(
            f"L{LOAD_TAG}-{number:06d};C{customer:09d};;{PAID_ON:%d/%m/%Y};{cents // 100},{cents % 100:02d};BONIFICO;"
        )
    return ("\n".join(lines) + "\n").encode()


class Importer(Operator):
    """The utility's operator who uploads one file and waits on its page for the end."""

    fixed_count = 1
    username = "aem.operatore"
    wait_time = between(1, 1)  # the page polls every second

    def on_start(self):
        super().on_start()
        self.run = None
        self.uploaded_at = 0.0

    @task
    def import_payments(self):
        if self.run is None:
            if all_logged_in_at is not None and time.monotonic() - all_logged_in_at >= IMPORT_DELAY:
                self.upload()
        else:
            self.poll()

    def upload(self):
        self.page("importazione, modulo", "/ledger/imports/new/")
        with self.client.post(
            "/ledger/imports/new/",
            data={
                "kind": "pagamenti",
                "mode": "incrementale",
                "as_of": EXTRACTION.strftime("%d/%m/%Y"),
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            files={"file": ("pagamenti-carico.csv", payments_file(), "text/csv")},
            name="importazione, caricamento",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = RUN_LINK.fullmatch(response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                response.failure(f"caricamento rifiutato ({response.status_code})")
                raise StopUser
            self.run = int(found[1])
            self.uploaded_at = time.monotonic()

    def poll(self):
        finished = False
        with self.client.get(
            f"/ledger/imports/{self.run}/",
            headers={"HX-Request": "true"},  # the partial the page asks for every second
            name="importazione, stato (ogni secondo)",
            catch_response=True,
        ) as response:
            elapsed = time.monotonic() - self.uploaded_at
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif 'data-testid="import-done"' in response.text:
                response.success()
                logger.warning("importazione n. %s completata in %.1f s dal caricamento", self.run, elapsed)
                finished = True
            elif "hx-trigger" not in response.text:  # finished otherwise: refused or failed
                response.failure("importazione non completata")
                finished = True
            elif elapsed > IMPORT_TIMEOUT:
                response.failure(f"importazione non finita in {IMPORT_TIMEOUT} s")
                finished = True
            else:
                response.success()
        if finished:
            raise StopUser
