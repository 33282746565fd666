"""Scale-out: two gunicorn instances and two task workers on one PostgreSQL database.

`.ci/scale-out` starts them and sets RISORSA_SCALE_OUT_URLS (the two sites, comma-separated) and
DATABASE_URL (their database); without them these checks are skipped. The users speak plain HTTP
(no browser is needed: the point is what two sites and two workers write together), fire their
requests from threads released at the same moment, and the checks read the database directly.
Every expectation is derived from the files and the requests sent, never from what was written.
"""

import os
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import psycopg
import pytest
import requests

SITES = [url.rstrip("/") for url in os.environ.get("RISORSA_SCALE_OUT_URLS", "").split(",") if url]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DEMO_PASSWORD = "risorsa-demo"  # the demo's, see load_demo
WORKERS = {"scale-out-1", "scale-out-2"}  # the --worker-id of the two db_worker processes
EXTRACTION = date(2010, 2, 28)
PAID_ON = date(2010, 3, 15)
IMPORT_TIMEOUT = 120  # seconds for the imports of one step to finish

pytestmark = pytest.mark.skipif(
    len(SITES) < 2 or not DATABASE_URL.startswith("postgres"),
    reason="nessuna coppia di siti avviata su PostgreSQL (RISORSA_SCALE_OUT_URLS, DATABASE_URL)",
)


# --- HTTP -----------------------------------------------------------------------------------------


def log_in(site: str, username: str):
    """A browser-like session of `username` on `site` (password form, CSRF token of the page)."""
    session = requests.Session()
    session.site = site
    session.get(f"{site}/accounts/login/", timeout=30).raise_for_status()
    response = session.post(
        f"{site}/accounts/login/",
        data={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302 and response.headers["Location"] == "/", (username, site)
    return session


def post(session, path: str, data: dict, files: dict | None = None):
    """A form submitted as the browser does it: the CSRF token with the fields, no redirect followed."""
    return session.post(
        f"{session.site}{path}",
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files=files,
        allow_redirects=False,
        timeout=120,
    )


def at_once(calls: list) -> list:
    """Run the calls in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # reported by the caller's assertions, with the others
            results[index] = error

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


@pytest.fixture(scope="module")
def sessions():
    """Sessions by (username, site index), logged in once."""
    wanted = [
        (username, index)
        for username in ("aem.operatore", "aem.responsabile", "a2a.operatore", "comune.operatore")
        for index in range(len(SITES))
    ] + [("comune.responsabile", index) for index in range(len(SITES))]
    logged = at_once([lambda u=u, i=i: log_in(SITES[i], u) for u, i in wanted])
    for result in logged:
        assert not isinstance(result, Exception), result
    return dict(zip(wanted, logged, strict=True))


# --- database -------------------------------------------------------------------------------------


def query(sql: str, params: dict | tuple = ()) -> list[tuple]:
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def one(sql: str, params: dict | tuple = ()):
    rows = query(sql, params)
    assert len(rows) == 1, rows
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def organization_id(code: str) -> int:
    return one("SELECT id FROM organizations_organization WHERE code = %s", (code,))


# --- files ----------------------------------------------------------------------------------------

BILL_HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo\n"
)
PAYMENT_HEADER = "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento\n"
NAMES = ["ZENO", "OTTAVIA", "ILARIO", "NORA", "EZIO", "LIVIA"]
BILLS_PER_CUSTOMER = 8


@dataclass(frozen=True)
class BillRow:
    customer: str
    codice_fiscale: str
    number: str
    cents: int
    residual_cents: int


def italian(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


def bill_rows(customers: range, *, prefix: str, bills: int = BILLS_PER_CUSTOMER) -> list[BillRow]:
    """`bills` bills for each customer number, the same rows whichever file a customer is in (the
    draws are seeded by the customer): two files sharing customers share those bills exactly."""
    from risorsa.registry import codice_fiscale as cf

    rows = []
    for number in customers:
        rng = random.Random(f"{prefix}-{number}")
        sex = "MF"[number % 2]
        code = cf.encode(
            surname="QUADRIVIO",
            name=NAMES[number % len(NAMES)],
            sex=sex,
            birth_date=date(1935, 1, 1) + timedelta(days=3 * number),
            birth_place_code="D150",
        )
        for bill in range(bills):
            cents = rng.randrange(2000, 60000)
            residual = cents if rng.random() < 0.7 else 0
            rows.append(
                BillRow(f"{prefix}{number:06d}", code, f"{prefix}/{number:06d}-{bill}", cents, residual)
            )
    return rows


def bills_csv(rows: list[BillRow], *, pod: str) -> bytes:
    lines = [BILL_HEADER]
    for row in rows:
        number = int(row.customer[-6:])
        bill = int(row.number.rsplit("-", 1)[1])
        issued = date(2009, 3, 1) + timedelta(days=45 * bill + number % 20)  # due before EXTRACTION
        lines.append(
            f"{row.customer};{row.codice_fiscale};QUADRIVIO;{NAMES[number % len(NAMES)]};ENERGIA;"
            f"{pod}{number:08d};Via Scala {number % 90 + 1}, Cremona;{row.number};{issued:%d/%m/%Y};"
            f"{issued + timedelta(days=20):%d/%m/%Y};{italian(row.cents)};{italian(row.residual_cents)}\n"
        )
    return "".join(lines).encode()


def upload(session, *, kind: str, name: str, content: bytes) -> int:
    """Upload a file through the form; the id of the run it created."""
    response = post(
        session,
        "/ledger/imports/new/",
        {"kind": kind, "mode": "incrementale", "as_of": EXTRACTION.strftime("%d/%m/%Y")},
        files={"file": (name, content, "text/csv")},
    )
    assert response.status_code == 302, (name, response.status_code, response.text[:2000])
    found = re.fullmatch(r"/ledger/imports/(\d+)/", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found[1])


def wait_for_runs(run_ids: list[int]) -> dict[int, tuple]:
    """The runs, once none is queued or running: (status, failure, invalid, created, updated, unchanged)."""
    deadline = time.monotonic() + IMPORT_TIMEOUT
    while True:
        rows = query(
            "SELECT id, status, failure, invalid_rows, created, updated, unchanged FROM ledger_importrun "
            "WHERE id = ANY(%s)",
            (run_ids,),
        )
        runs = {row[0]: row[1:] for row in rows}
        if len(runs) == len(run_ids) and all(run[0] not in ("in_coda", "in_corso") for run in runs.values()):
            return runs
        assert time.monotonic() < deadline, f"importazioni non finite in {IMPORT_TIMEOUT} s: {runs}"
        time.sleep(0.5)


def task_workers(run_ids: list[int]) -> dict[int, list]:
    """The task results of the runs' imports: run id -> [(status, worker ids), …]."""
    rows = query(
        "SELECT (args_kwargs -> 'kwargs' ->> 'run_id')::int, status, worker_ids "
        "FROM django_tasks_database_dbtaskresult WHERE (args_kwargs -> 'kwargs' ->> 'run_id')::int = ANY(%s)",
        (run_ids,),
    )
    found: dict[int, list] = {run_id: [] for run_id in run_ids}
    for run_id, status, workers in rows:
        found[run_id].append((status, workers))
    return found


def assert_each_run_done_by_one_worker(runs: dict[int, tuple], run_ids: list[int]) -> set[str]:
    for run_id, (status, failure, invalid, *_counts) in runs.items():
        assert (status, failure, invalid) == ("completato", "", 0), (run_id, status, failure, invalid)
    tasks = task_workers(run_ids)
    used = set()
    for run_id, results in tasks.items():
        assert len(results) == 1, f"importazione {run_id}: {len(results)} attività in coda"
        status, workers = results[0]
        assert status == "SUCCESSFUL" and len(workers) == 1 and workers[0] in WORKERS, (run_id, results)
        used.add(workers[0])
    return used


# --- (a) imports at the same moment through the two sites -----------------------------------------

# Files big enough that an import lasts longer than a worker's polling interval (.ci/scale-out
# starts them with 0.25 s): while one worker imports, the other takes the next file.
AEM_A = range(0, 1400)  # customers of AEM's first file
AEM_B = range(1000, 2400)  # AEM's second file: 400 customers in common, their bills identical
A2A_C = range(0, 600)  # A2A's file, another utility, another territory (Crema)


def test_two_sites_two_workers_import_files_at_the_same_moment_as_if_one_after_the_other(sessions):
    # given: three files, two of the same utility sharing some customers (and so bills)
    file_a = bill_rows(AEM_A, prefix="QA")
    file_b = bill_rows(AEM_B, prefix="QA")
    file_c = bill_rows(A2A_C, prefix="QC")
    aem = organization_id("aem")
    assert query("SELECT 1 FROM ledger_bill WHERE number LIKE 'Q_/%%'") == [], "base di dati non nuova"

    # when: uploaded together, AEM's first through one site, its second and A2A's through the other
    run_ids = at_once(
        [
            lambda: upload(
                sessions["aem.operatore", 0],
                kind="fatture",
                name="aem-a.csv",
                content=bills_csv(file_a, pod="IT077E"),
            ),
            lambda: upload(
                sessions["aem.responsabile", 1],
                kind="fatture",
                name="aem-b.csv",
                content=bills_csv(file_b, pod="IT077E"),
            ),
            lambda: upload(
                sessions["a2a.operatore", 1],
                kind="fatture",
                name="a2a-c.csv",
                content=bills_csv(file_c, pod="IT078E"),
            ),
        ]
    )
    for run_id in run_ids:
        assert isinstance(run_id, int), run_id
    run_a, run_b, run_c = run_ids
    runs = wait_for_runs(run_ids)

    # then: each run done, taken by exactly one of the workers, and both workers took part
    used = assert_each_run_done_by_one_worker(runs, run_ids)
    assert used == WORKERS, f"un solo worker ha lavorato: {used}"
    # the bills are the union of the two files, each once, as imported one after the other
    expected = {row.number: row for row in file_a + file_b}
    shared = {row.number for row in file_a} & {row.number for row in file_b}
    assert len(shared) == BILLS_PER_CUSTOMER * len(set(AEM_A) & set(AEM_B))
    stored = query(
        "SELECT b.number, c.code, b.amount, b.residual FROM ledger_bill b "
        "JOIN ledger_customer c ON c.id = b.customer_id WHERE b.utility_id = %s AND b.number LIKE 'QA/%%'",
        (aem,),
    )
    assert len(stored) == len(expected) == BILLS_PER_CUSTOMER * len(set(AEM_A) | set(AEM_B))
    assert {number: (code, amount, residual) for number, code, amount, residual in stored} == {
        row.number: (row.customer, Decimal(row.cents) / 100, Decimal(row.residual_cents) / 100)
        for row in expected.values()
    }
    # what each run says it did adds up: every bill created once, the shared ones found unchanged
    created_a, updated_a, unchanged_a = runs[run_a][3:]
    created_b, updated_b, unchanged_b = runs[run_b][3:]
    assert (created_a + created_b, updated_a + updated_b, unchanged_a + unchanged_b) == (
        len(expected),
        0,
        len(shared),
    )
    assert runs[run_c][3:] == (len(file_c), 0, 0)
    # one customer per code, one person per codice fiscale in each municipality's registry
    customers = query(
        "SELECT code, COUNT(*) FROM ledger_customer WHERE utility_id = %s AND code LIKE 'QA%%' GROUP BY code",
        (aem,),
    )
    assert dict(customers) == dict.fromkeys({row.customer for row in expected.values()}, 1)
    for municipality, rows in (("comune", expected.values()), ("crema", file_c)):
        codes = sorted({row.codice_fiscale for row in rows})
        people = query(
            "SELECT codice_fiscale, COUNT(*) FROM registry_person "
            "WHERE organization_id = %s AND codice_fiscale = ANY(%s) GROUP BY codice_fiscale",
            (organization_id(municipality), codes),
        )
        assert dict(people) == dict.fromkeys(codes, 1), municipality
    totals = one(
        "SELECT COUNT(*), SUM(amount), SUM(residual) FROM ledger_bill "
        "WHERE utility_id = %s AND number LIKE 'QC/%%'",
        (organization_id("a2a"),),
    )
    assert totals == (
        len(file_c),
        Decimal(sum(row.cents for row in file_c)) / 100,
        Decimal(sum(row.residual_cents for row in file_c)) / 100,
    )
    # the run's page answers on either site, whichever worker ran it
    for index, site in enumerate(SITES):
        page = sessions["aem.operatore", index].get(f"{site}/ledger/imports/{run_b}/", timeout=30)
        assert page.status_code == 200 and 'data-testid="import-done"' in page.text


def test_two_payment_files_of_one_utility_at_the_same_moment_pay_each_bill_exactly_once(sessions):
    # given: the bills of the first test; two payment files on the same open bills (40% and 30%
    # of what each owes, named) and, in the second, whole-customer payments on other customers
    aem = organization_id("aem")
    open_bills = query(
        "SELECT c.code, b.number, b.residual FROM ledger_bill b "
        "JOIN ledger_customer c ON c.id = b.customer_id "
        "WHERE b.utility_id = %s AND b.number LIKE 'QA/%%' AND b.residual > 0 ORDER BY c.code, b.number",
        (aem,),
    )
    assert open_bills, "servono le fatture del test precedente"
    by_customer: dict[str, list] = {}
    for code, number, residual in open_bills:
        by_customer.setdefault(code, []).append((number, int(residual * 100)))
    codes = sorted(by_customer)
    named_customers, loose_customers = codes[:1200], codes[1200:1700]
    first, second = [PAYMENT_HEADER], [PAYMENT_HEADER]
    expected_residual: dict[str, int] = {}  # bill number -> cents, for the named bills
    expected_open: dict[str, int] = {}  # customer -> cents still open, for the others
    paid = 0
    for code in named_customers:
        for number, cents in by_customer[code]:
            forty, thirty = cents * 40 // 100, cents * 30 // 100
            expected_residual[number] = cents - forty - thirty
            for lines, share, amount in ((first, "1", forty), (second, "2", thirty)):
                if amount:
                    lines.append(
                        f"QP{share}-{number};{code};{number};{PAID_ON:%d/%m/%Y};{italian(amount)};POS;\n"
                    )
                    paid += amount
    for code in loose_customers:
        owed = sum(cents for _number, cents in by_customer[code])
        amount = owed * 25 // 100
        expected_open[code] = owed - amount
        second.append(f"QP2-{code};{code};;{PAID_ON:%d/%m/%Y};{italian(amount)};BONIFICO;\n")
        paid += amount
    rows = len(first) + len(second) - 2

    # when: both uploaded at the same moment, one through each site
    run_ids = at_once(
        [
            lambda: upload(
                sessions["aem.operatore", 1], kind="pagamenti", name="p1.csv", content="".join(first).encode()
            ),
            lambda: upload(
                sessions["aem.responsabile", 0],
                kind="pagamenti",
                name="p2.csv",
                content="".join(second).encode(),
            ),
        ]
    )
    for run_id in run_ids:
        assert isinstance(run_id, int), run_id
    runs = wait_for_runs(run_ids)

    # then: both done, each by one worker; every payment recorded once and allocated in full
    used = assert_each_run_done_by_one_worker(runs, run_ids)
    assert used == WORKERS, f"un solo worker ha lavorato: {used}"
    # and they were in progress at the same time: the merges queued on the utility's lock
    (_start, first_end), (second_start, _end) = query(
        "SELECT started_at, finished_at FROM ledger_importrun WHERE id = ANY(%s) ORDER BY started_at",
        (run_ids,),
    )
    assert second_start < first_end, "le due importazioni non si sono sovrapposte"
    assert sum(run[3] for run in runs.values()) == rows
    payments = one(
        "SELECT COUNT(*), COUNT(DISTINCT external_id), SUM(amount) FROM ledger_payment "
        "WHERE utility_id = %s AND external_id LIKE 'QP%%'",
        (aem,),
    )
    assert payments == (rows, rows, Decimal(paid) / 100)
    allocated = one(
        "SELECT SUM(a.amount), COUNT(*) FILTER (WHERE a.bill_id IS NULL) FROM ledger_allocation a "
        "JOIN ledger_payment p ON p.id = a.payment_id WHERE p.utility_id = %s AND p.external_id LIKE 'QP%%'",
        (aem,),
    )
    assert allocated == (Decimal(paid) / 100, 0)
    # each named bill owes what it owed less both payments, whichever merged first
    residuals = query(
        "SELECT number, residual FROM ledger_bill WHERE utility_id = %s AND number = ANY(%s)",
        (aem, sorted(expected_residual)),
    )
    assert {number: int(residual * 100) for number, residual in residuals} == expected_residual
    # each other customer owes what it owed less its payment, taken from its oldest bills
    still_open = query(
        "SELECT c.code, SUM(b.residual) FROM ledger_bill b JOIN ledger_customer c ON c.id = b.customer_id "
        "WHERE b.utility_id = %s AND c.code = ANY(%s) GROUP BY c.code",
        (aem, loose_customers),
    )
    assert {code: int(total * 100) for code, total in still_open} == expected_open


# --- (b) page writes at the same moment through the two sites -------------------------------------

WRITERS = [
    ("comune.operatore", 0),
    ("comune.responsabile", 1),
    ("comune.operatore", 1),
    ("comune.responsabile", 0),
]
TIMES = 3  # each writer session sends the same request this many times, all at once


def writer_calls(sessions, request) -> list:
    """`request(session, n)` from every writer session, TIMES each: the calls to fire together."""
    return [(lambda s=sessions[writer], n=n: request(s, n)) for n in range(TIMES) for writer in WRITERS]


def assert_clean(responses: list) -> None:
    """No exception, no server error: every refusal is a page with a message."""
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code < 500, (response.status_code, response.text[:2000])


def assert_done_once(responses: list, *, refused_with: int, saying: tuple[str, ...]) -> None:
    """Exactly one request did it (a redirect); every other one is a page (`refused_with`) that
    says why, in the words of `saying`."""
    assert_clean(responses)
    assert sorted(r.status_code for r in responses) == sorted([302] + [refused_with] * (len(responses) - 1))
    for response in responses:
        if response.status_code == refused_with:
            assert all(words in response.text for words in saying), response.text[:2000]


def free_customers(count: int) -> list[int]:
    """Customers of Cremona's territory (AEM's demo customers) with no open protection."""
    rows = query(
        "SELECT c.id FROM ledger_customer c WHERE c.utility_id = %s AND c.code NOT LIKE 'Q%%' "
        "AND NOT EXISTS (SELECT 1 FROM protection_protection p WHERE p.customer_id = c.id "
        "AND p.status IN ('proposta', 'attiva', 'sospesa')) ORDER BY c.id LIMIT %s",
        (organization_id("aem"), count),
    )
    assert len(rows) == count
    return [row[0] for row in rows]


def test_many_users_proposing_a_protection_for_the_same_customer_make_exactly_one(sessions):
    # given
    (customer,) = free_customers(1)

    # when
    responses = at_once(
        writer_calls(
            sessions,
            lambda s, n: post(
                s, f"/protection/new/{customer}/", {"reason": f"Nucleo fragile, proposta {n}."}
            ),
        )
    )

    # then: one proposal made; the others told that the customer already has one
    assert_done_once(
        responses, refused_with=200, saying=("Questo cliente ha già una tutela in corso (stato: proposta",)
    )
    assert (
        one(
            "SELECT COUNT(*) FROM protection_protection WHERE customer_id = %s AND status = 'proposta'",
            (customer,),
        )
        == 1
    )
    assert (
        one(
            "SELECT COUNT(*) FROM protection_protectiontransition t JOIN protection_protection p "
            "ON p.id = t.protection_id WHERE p.customer_id = %s",
            (customer,),
        )
        == 1
    )


def test_many_users_proposing_protections_for_different_customers_make_all_of_them(sessions):
    # given
    customers = free_customers(len(WRITERS) * TIMES)
    sessions_in_order = [call() for call in writer_calls(sessions, lambda s, n: s)]

    # when
    responses = at_once(
        [
            lambda s=session, c=customer: post(s, f"/protection/new/{c}/", {"reason": f"Tutela {c}."})
            for session, customer in zip(sessions_in_order, customers, strict=True)
        ]
    )

    # then
    assert_clean(responses)
    assert [r.status_code for r in responses] == [302] * len(customers)
    made = query(
        "SELECT customer_id, reason FROM protection_protection "
        "WHERE customer_id = ANY(%s) AND status = 'proposta'",
        (customers,),
    )
    assert sorted(made) == sorted((c, f"Tutela {c}.") for c in customers)


def active_protection() -> int:
    return one(
        "SELECT p.id FROM protection_protection p JOIN ledger_customer c ON c.id = p.customer_id "
        "WHERE p.status = 'attiva' AND c.utility_id = %s ORDER BY p.id LIMIT 1",
        (organization_id("aem"),),
    )


def test_many_users_suspending_the_same_protection_suspend_it_once(sessions):
    # given
    protection = active_protection()
    before = one(
        "SELECT COUNT(*) FROM protection_protectiontransition WHERE protection_id = %s", (protection,)
    )

    # when
    responses = at_once(
        writer_calls(
            sessions,
            lambda s, n: post(
                s,
                f"/protection/{protection}/suspend/",
                {"suspend-why": f"Fuori comune ({n}).", "confirm": "1"},  # confirmed from its page
            ),
        )
    )

    # then: one suspension; the others refused, by the declared action if they read the protection
    # once suspended, by the workflow if they read it before and waited for its lock
    assert_done_once(responses, refused_with=400, saying=())
    refusals = (
        "«Sospendi» non si può fare in stato «sospesa».",
        "Una tutela sospesa non può diventare sospesa.",
    )
    for response in responses:
        if response.status_code == 400:
            assert any(refusal in response.text for refusal in refusals), response.text[:2000]
    assert one("SELECT status FROM protection_protection WHERE id = %s", (protection,)) == "sospesa"
    transitions = query(
        "SELECT from_status, to_status FROM protection_protectiontransition WHERE protection_id = %s "
        "ORDER BY id OFFSET %s",
        (protection, before),
    )
    assert transitions == [("attiva", "sospesa")]


def test_many_users_recording_contacts_on_the_same_protection_record_each_exactly_once(sessions):
    # given
    protection = active_protection()
    today = date.today().strftime("%d/%m/%Y")  # noqa: DTZ011 - the server's day, same machine
    stamp = f"{time.time_ns()}"

    # when
    responses = at_once(
        writer_calls(
            sessions,
            lambda s, n: post(
                s,
                f"/protection/{protection}/contact/",
                {
                    "contact-contacted_on": today,
                    "contact-channel": "telefono",
                    "contact-outcome": f"Contatto {stamp} {id(s)} {n}",
                },
            ),
        )
    )

    # then: every contact recorded, none twice, none lost
    assert_clean(responses)
    assert [r.status_code for r in responses] == [302] * len(responses)
    outcomes = query(
        "SELECT outcome FROM protection_monitoringcontact WHERE protection_id = %s AND outcome LIKE %s",
        (protection, f"Contatto {stamp} %"),
    )
    assert len(outcomes) == len(responses) == len({o for (o,) in outcomes})


def person_form(code: str) -> dict:
    return {
        "codice_fiscale": code,
        "surname": "CONCORRENTE",
        "name": "ZENO",
        "sex": "",
        "birth_date": "",
        "birth_place": "",
        "citizenship": "IT",
        "citizenship_country": "",
        "phone": "",
        "email": "",
        "address": "Via Doppia 1",
        "city": "Cremona",
    }


def new_codici_fiscali(count: int) -> list[str]:
    """Codici fiscali of people born on consecutive days from a random one: none in the registry."""
    from risorsa.registry import codice_fiscale as cf

    first = date(1940, 1, 1) + timedelta(days=random.randrange(20000))
    return [
        cf.encode(
            surname="CONCORRENTE",
            name="ZENO",
            sex="M",
            birth_date=first + timedelta(days=number),
            birth_place_code="D150",
        )
        for number in range(count)
    ]


# Two requests at once both pass create_person's check of the codice fiscale; the registry's unique
# key stops the second insert, and the service turns it into the same refusal (it was a 500).
def test_many_users_registering_the_same_person_register_it_once(sessions):
    # given: a codice fiscale not in Cremona's registry
    (code,) = new_codici_fiscali(1)
    comune = organization_id("comune")
    assert (
        query(
            "SELECT 1 FROM registry_person WHERE organization_id = %s AND codice_fiscale = %s", (comune, code)
        )
        == []
    )

    # when
    responses = at_once(
        writer_calls(sessions, lambda s, n: post(s, "/registry/people/new/", person_form(code)))
    )

    # then: one person; the others told that the codice fiscale is already in the registry
    assert_done_once(responses, refused_with=200, saying=("codice fiscale", "già"))
    assert (
        one(
            "SELECT COUNT(*) FROM registry_person WHERE organization_id = %s AND codice_fiscale = %s",
            (comune, code),
        )
        == 1
    )


def test_many_users_registering_different_people_register_each_once(sessions):
    # given
    codes = new_codici_fiscali(len(WRITERS) * TIMES)
    sessions_in_order = [call() for call in writer_calls(sessions, lambda s, n: s)]

    # when
    responses = at_once(
        [
            lambda s=session, c=code: post(s, "/registry/people/new/", person_form(c))
            for session, code in zip(sessions_in_order, codes, strict=True)
        ]
    )

    # then
    assert_clean(responses)
    assert [r.status_code for r in responses] == [302] * len(codes)
    people = query(
        "SELECT codice_fiscale, COUNT(*) FROM registry_person WHERE organization_id = %s "
        "AND codice_fiscale = ANY(%s) GROUP BY codice_fiscale",
        (organization_id("comune"), codes),
    )
    assert dict(people) == dict.fromkeys(codes, 1)
