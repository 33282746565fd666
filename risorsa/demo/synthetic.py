"""Synthetic files in the utility's format (valid codici fiscali, Italian numbers and dates)."""

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from risorsa.registry import codice_fiscale as cf

HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo\n"
)
PAYMENTS_HEADER = "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento\n"
SURNAMES = ["ROSSI", "BIANCHI", "FERRARI", "COLOMBO", "GALLI", "SALA", "RIZZI", "CONTI", "MARINI", "BRUNO"]
NAMES = ["MARIO", "LUCIA", "ANNA", "PIERO", "PAOLO", "SARA", "MARCO", "ELENA", "GIULIA", "DAVIDE"]
PLACES = ["D150", "D142", "F205", "B157", "G535", "Z330", "Z129"]
BILLS_PER_CUSTOMER = 5
BILL_GAP_DAYS = 60
CHANNELS = ["SPORTELLO", "BOLLETTINO", "DOMICILIAZIONE", "POS", "BONIFICO"]
START = date(2009, 1, 1)


def _italian(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


def _bills(
    rows: int, *, seed: int, per_customer: int, gap_days: int, holders: bool = True, start: date = START
) -> Iterator[tuple]:
    """(line, customer, bill, surname, name, code, issued, amount, residual), one per bill.

    The random draws are the same whether or not `holders` is set (encoding the codice fiscale
    draws nothing), so that the payments generator sees the residuals of the bills file.
    """
    rng = random.Random(seed)
    line = 1
    customer = 0
    while line - 1 < rows:
        customer += 1
        surname, name = rng.choice(SURNAMES), rng.choice(NAMES)
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(23000))
        sex = rng.choice("MF")
        place = rng.choice(PLACES)
        code = (
            cf.encode(surname=surname, name=name, sex=sex, birth_date=born, birth_place_code=place)
            if holders
            else ""
        )
        for bill in range(per_customer):
            if line - 1 >= rows:
                break
            line += 1
            issued = start + timedelta(days=gap_days * bill + customer % 28)
            amount = rng.randrange(2000, 90000)
            residual = amount if rng.random() < 0.6 else 0
            yield line, customer, bill, surname, name, code, issued, amount, residual


def write_bills(
    path: Path,
    rows: int,
    *,
    seed: int = 7,
    invalid_line: int | None = None,
    per_customer: int = BILLS_PER_CUSTOMER,
    gap_days: int = BILL_GAP_DAYS,
    start: date = START,
) -> Path:
    """`rows` bills, `per_customer` per customer (five by default, one every `gap_days` days from
    `start`, January 2009 by default, each due 20 days after issue, 60% still unpaid);
    `invalid_line` gets a wrong check character."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for line, customer, bill, surname, name, code, issued, amount, residual in _bills(
            rows, seed=seed, per_customer=per_customer, gap_days=gap_days, start=start
        ):
            holder = code
            if line == invalid_line:
                holder = code[:15] + ("A" if code[15] != "A" else "B")
            address = f"Via Dante {customer % 200}, Cremona"
            out.write(
                f"C{customer:09d};{holder};{surname};{name};ENERGIA;IT012E{customer:08d};{address};"
                f"B{customer:09d}-{bill};{issued:%d/%m/%Y};{issued + timedelta(days=20):%d/%m/%Y};"
                f"{_italian(amount)};{_italian(residual)}\n"
            )
    return path


def write_payments(
    path: Path,
    rows: int,
    *,
    bills: int,
    per_customer: int,
    gap_days: int,
    after: date,
    bills_seed: int = 7,
    seed: int = 11,
    start: date = START,
) -> dict:
    """`rows` payments of the customers of the bills file `write_bills(bills, per_customer, gap_days,
    seed=bills_seed, start=start)` would write, all dated after its extraction date `after`.

    Customers are drawn at random; each pays two to six times, on increasing dates within four
    months. About half of the payments name one of the customer's open bills and pay part or all
    of what it still owes; the others name none and pay part of the customer's total, which the
    importer allocates to the oldest open bills. The generator follows what each bill still owes,
    allocating the unnamed payments oldest first as the importer does, so no payment exceeds
    what is open: no bill can go negative. Returns the file's figures.
    """
    rng = random.Random(seed)
    open_bills: dict[int, list[list]] = {}
    for _line, customer, bill, *_rest, residual in _bills(
        bills, seed=bills_seed, per_customer=per_customer, gap_days=gap_days, holders=False, start=start
    ):
        if residual:
            open_bills.setdefault(customer, []).append([f"B{customer:09d}-{bill}", residual])
    order = list(open_bills)
    rng.shuffle(order)
    written = named = paid_customers = cents = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(PAYMENTS_HEADER)
        for customer in order:
            if written >= rows:
                break
            owed = open_bills[customer]
            days = sorted(rng.sample(range(1, 121), rng.randint(2, 6)))
            paid_customers += 1
            for day in days:
                total = sum(left for _number, left in owed)
                if written >= rows or total == 0:
                    break
                written += 1
                if rng.random() < 0.5:
                    target = rng.choice([entry for entry in owed if entry[1]])
                    amount = (
                        target[1] if rng.random() < 0.3 else max(1, target[1] * rng.randint(10, 90) // 100)
                    )
                    target[1] -= amount
                    number = target[0]
                    named += 1
                else:
                    amount = total if rng.random() < 0.1 else max(1, total * rng.randint(5, 50) // 100)
                    left = amount
                    for entry in owed:  # oldest first: the bills are in issue order
                        taken = min(left, entry[1])
                        entry[1] -= taken
                        left -= taken
                    number = ""
                cents += amount
                out.write(
                    f"P{written:010d};C{customer:09d};{number};{after + timedelta(days=day):%d/%m/%Y};"
                    f"{_italian(amount)};{rng.choice(CHANNELS)};\n"
                )
    if written < rows:
        raise ValueError(f"only {written:,} payments fit the open bills of {bills:,} bills")
    return {"rows": written, "named": named, "customers": paid_customers, "cents": cents}
