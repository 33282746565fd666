"""The demo utility's files (bills, payments, events) for the demo people, written as AEM would.

Every date is the demo clock's (`risorsa.demo.clock`): two years of bills every two months per
supply, a first snapshot six months ago (the protections start from it), the payments made
since (the protected customers paying off most of what they owed), and a last snapshot on the
last working day before today that lists every bill still open, the new ones included.
"""

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from risorsa.core.calendar import previous_working_day
from risorsa.core.money import quantize
from risorsa.demo.clock import DemoClock
from risorsa.demo.people import DemoPerson
from risorsa.ledger.models import Bill

BILL_HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)
PAYMENT_HEADER = "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento"
EVENT_HEADER = "id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note"
PROTECTED = 136  # the seed's list held about 130: a few more are proposed, suspended or ended
PROPOSALS = (5, 6, 7)  # protections still waiting for activation (proposed in the last days)
BILL_GAP_DAYS = 61  # a bill every two months per supply
DUE_DAYS = 20


def italian_amount(cents: int) -> str:
    """123456 -> '1.234,56', as the utility's files write amounts."""
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


def protection_dates(clock: DemoClock, index: int) -> tuple[date, date]:
    """When the municipality proposed and activated the protection of the `index`-th customer of
    its list: in the weeks after the first snapshot (the proposals still open: in the last days)."""
    if index in PROPOSALS:
        proposed = clock.today - timedelta(days=2 + index)
        return proposed, proposed
    proposed = clock.first_extraction + timedelta(days=1 + index % 20)
    return proposed, proposed + timedelta(days=10 + index % 15)


@dataclass
class DemoCustomer:
    code: str
    person: DemoPerson
    index: int
    supplies: list[tuple[str, str]]
    behind: bool  # in arrears: that is why most demo customers are here
    bills_from: date  # the first bill of the two years (later for the people of a work project)
    protected: bool = False


@dataclass
class DemoBill:
    customer: DemoCustomer
    service: str
    point: str
    number: str
    issued: date
    cents: int
    residual: int  # when first reported
    paid_on: date | None = None  # a payment after it was first reported, settling it

    @property
    def due(self) -> date:
        return self.issued + timedelta(days=DUE_DAYS)

    def row(self) -> str:
        person = self.customer.person
        return (
            f"{self.customer.code};{person.codice_fiscale};{person.surname.upper()};{person.name.upper()};"
            f"{self.service};{self.point};{person.address};{self.number};{self.issued:%d/%m/%Y};"
            f"{self.due:%d/%m/%Y};{italian_amount(self.cents)};{italian_amount(self.residual)}"
        )


@dataclass
class DemoLedger:
    """The demo customers of AEM and their bills, before and after the first snapshot."""

    clock: DemoClock
    customers: dict[str, DemoCustomer]  # by codice fiscale
    first: list[DemoBill]  # issued before the first snapshot, with their residual then
    later: list[DemoBill]  # issued since, reported by the last snapshot
    protected: list[str]  # customer codes the municipality protects, in order
    events: list[str]
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def number(self, issued: date) -> str:
        return f"{issued.year}/{next(self.numbers):06d}"


def demo_ledger(
    people: list[DemoPerson], clock: DemoClock, *, starts: dict[str, date], working: set[str]
) -> DemoLedger:
    """About 185 of the demo people as AEM's customers (all those of `starts`, whose bills of the
    two years start no earlier than that day), with their bills, the protected list and the
    meter events. The people `working` in the current edition are neither protected nor warned.

    Deterministic for a given clock. The protected customers pay off most of what they owed at
    the first snapshot after their protection starts, and most of their new bills, as the seed
    reports (their unpaid debt fell by more than 60%); the others a little.
    """
    rng = random.Random(2010)
    ledger = DemoLedger(clock=clock, customers={}, first=[], later=[], protected=[], events=[])
    first_cut = clock.first_extraction - timedelta(days=10)
    last_cut = clock.extraction - timedelta(days=10)
    for index, person in enumerate(people):
        if person.codice_fiscale not in starts and rng.random() >= 0.92:
            continue
        supplies = [("ENERGIA", f"IT012E{30000000 + index:08d}")]
        if rng.random() < 0.6:
            supplies.append(("GAS", f"{1500000000000 + index:014d}"))
        if rng.random() < 0.3:
            supplies.append(("ACQUA", f"CR-{index:06d}"))
        customer = DemoCustomer(
            code=f"C{200000 + index}",
            person=person,
            index=index,
            supplies=supplies,
            behind=rng.random() < 0.82,
            bills_from=max(starts.get(person.codice_fiscale, clock.bills_from), clock.bills_from),
        )
        ledger.customers[person.codice_fiscale] = customer
        if customer.behind and len(ledger.protected) < PROTECTED and person.codice_fiscale not in working:
            customer.protected = True
            ledger.protected.append(customer.code)
        for service, point in supplies:
            for period in range(13):
                issued = clock.bills_from + timedelta(days=BILL_GAP_DAYS * period + index % 20)
                if issued > last_cut:
                    break
                amount = rng.randrange(3000, 45000 if service != "ACQUA" else 12000)
                draw, partial = rng.random(), rng.random()
                if issued < customer.bills_from:
                    continue
                bill = DemoBill(customer, service, point, ledger.number(issued), issued, amount, 0)
                if issued <= first_cut:
                    recent = bill.due > clock.first_extraction - timedelta(days=60)
                    ledger.first.append(bill)
                else:
                    recent = bill.due > clock.extraction - timedelta(days=25)
                    ledger.later.append(bill)
                if customer.protected and issued > first_cut:
                    unpaid = draw < 0.08 or (recent and draw < 0.4)
                else:
                    unpaid = customer.behind and (draw < 0.55 or recent)
                bill.residual = amount if unpaid else (rng.randrange(0, amount // 2) if partial < 0.1 else 0)
        if person.codice_fiscale not in working:  # the current projects' customers come later
            _events(ledger, customer, rng)
    _payments_since_the_first_snapshot(ledger, random.Random(2011))
    _cuts(ledger)
    return ledger


def _events(ledger: DemoLedger, customer: DemoCustomer, rng: random.Random) -> None:
    """A reminder, a formal notice and, for half of them, the smart meter's power reduction: after
    the protections started, the latest in the last weeks (still to be evaluated)."""
    if not (customer.behind and rng.random() < 0.25):
        return
    point = customer.supplies[0][1]
    reminder = ledger.clock.first_extraction + timedelta(days=45 + customer.index % 60)
    notice = reminder + timedelta(days=26)
    reduction = notice + timedelta(days=41)
    kinds = [("SOLLECITO", reminder, ""), ("COSTITUZIONE_MORA", notice, "")]
    if rng.random() < 0.5:
        kinds.append(("RIDUZIONE_POTENZA", reduction, "riduzione al 15%"))
    for kind, day, note in kinds:
        if day <= ledger.clock.extraction:
            ledger.events.append(
                f"E{len(ledger.events) + 1:05d};{customer.code};{point};{kind};{day:%d/%m/%Y};{note}"
            )


def _cuts(ledger: DemoLedger) -> None:
    """Two cuts of protected supplies: one restored the next day, one still open (an incident)."""
    by_code = {customer.code: customer for customer in ledger.customers.values()}
    last = ledger.clock.extraction
    for code, cut, restored in (
        (ledger.protected[1], previous_working_day(last - timedelta(days=60)), True),
        (ledger.protected[0], previous_working_day(last - timedelta(days=5)), False),
    ):
        point = by_code[code].supplies[0][1]
        number = len(ledger.events) + 1
        ledger.events.append(
            f"E{number:05d};{code};{point};SOSPENSIONE;{cut:%d/%m/%Y};sospensione per morosità"
        )
        if restored:
            back = cut + timedelta(days=1)
            ledger.events.append(f"E{number + 1:05d};{code};{point};RIATTIVAZIONE;{back:%d/%m/%Y};")


def _payments_since_the_first_snapshot(ledger: DemoLedger, rng: random.Random) -> None:
    """Who paid what they owed at the first snapshot, and when: four bills in five of the
    protected customers, after their protection started; an eighth of the others'."""
    order = {code: index for index, code in enumerate(ledger.protected)}
    last = ledger.clock.extraction - timedelta(days=12)
    for bill in ledger.first:
        customer = bill.customer
        if not bill.residual or rng.random() >= (0.8 if customer.protected else 0.12):
            continue
        since = ledger.clock.first_extraction + timedelta(days=5)
        if customer.protected:
            since = protection_dates(ledger.clock, order[customer.code])[1] + timedelta(days=5)
        span = (last - since).days
        if span > 0:
            bill.paid_on = since + timedelta(days=rng.randrange(span))


def bills_file(path: Path, bills: list[DemoBill], extra_rows: Sequence[str] = ()) -> Path:
    """A `fatture` file of `bills` (and of `extra_rows`, already written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [BILL_HEADER, *extra_rows, *(bill.row() for bill in bills)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def payments_file(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([PAYMENT_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def payment_rows(ledger: DemoLedger) -> list[str]:
    """The payments the utility received since the first snapshot, each naming its bill."""
    channels = random.Random(2012)
    rows = []
    for bill in sorted((bill for bill in ledger.first if bill.paid_on), key=lambda b: (b.paid_on, b.number)):
        channel = channels.choice(["SPORTELLO", "BOLLETTINO", "POS", "DOMICILIAZIONE"])
        rows.append(
            f"P{len(rows) + 1:06d};{bill.customer.code};{bill.number};{bill.paid_on:%d/%m/%Y};"
            f"{italian_amount(bill.residual)};{channel};"
        )
    return rows


def events_file(path: Path, ledger: DemoLedger) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([EVENT_HEADER, *ledger.events]) + "\n", encoding="utf-8")
    return path


def open_bill_rows(utility) -> list[str]:
    """The bills the utility already sent that are still open, with what they still owe now: the
    last snapshot lists them again (their age is then reckoned from it)."""
    rows = []
    bills = (
        Bill.objects.filter(utility=utility, closed_on__isnull=True, residual__gt=0)
        .select_related("customer__person", "supply_point")
        .order_by("number")
    )
    for bill in bills:
        customer, point = bill.customer, bill.supply_point
        rows.append(
            f"{customer.code};{customer.person.codice_fiscale};{customer.holder_surname};{customer.holder_name};"
            f"{point.service};{point.code};{point.address};{bill.number};{bill.issued_on:%d/%m/%Y};"
            f"{bill.due_on:%d/%m/%Y};{italian_amount(_cents(bill.amount))};{italian_amount(_cents(bill.residual))}"
        )
    return rows


def _cents(amount) -> int:
    return int(quantize(amount) * 100)


def project_bills(
    ledger: DemoLedger, customer: DemoCustomer, *, cutoff: date, cents: int, rng: random.Random
) -> list[DemoBill]:
    """The unpaid bills before `cutoff` that a work project pays, adding up to `cents`: one every
    two months per supply going back in time, the oldest paid in part."""
    bills: list[DemoBill] = []
    left = cents
    for period in itertools.count():
        for service, point in customer.supplies:
            if not left:
                return bills
            issued = cutoff - timedelta(days=DUE_DAYS + 5 + BILL_GAP_DAYS * period + customer.index % 15)
            amount = rng.randrange(4000, 42000 if service != "ACQUA" else 15000)
            residual = min(amount, left)
            left -= residual
            bills.append(DemoBill(customer, service, point, ledger.number(issued), issued, amount, residual))
    return bills
