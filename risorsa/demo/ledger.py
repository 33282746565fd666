"""The demo utility's files (bills, payments, events) for the demo people, written as AEM would."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from risorsa.demo.people import DemoPerson

BILL_HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)
EXTRACTION = date(2010, 5, 31)
LATER_EXTRACTION = date(2010, 11, 30)
PROTECTED = 136  # the seed's list held about 130: a few more are proposed, suspended or ended


def italian_amount(cents: int) -> str:
    """123456 -> '1.234,56', as the utility's files write amounts."""
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


@dataclass
class DemoFiles:
    files: dict[str, Path]  # fatture (31/05/2010), pagamenti, eventi, fatture_novembre (30/11/2010)
    protected: list[str]  # customer codes the municipality protects, in order


def write_files(people: list[DemoPerson], folder: Path) -> DemoFiles:
    """The utility's files for about 185 of the demo people (deterministic).

    The November snapshot shows the protected customers paying off most of what they owed in
    May, as the seed reports (their unpaid debt fell by more than 60%); the others a little.
    """
    rng = random.Random(2010)
    customers = [person for person in people if rng.random() < 0.92]
    bills, later_bills, payments, events = (
        [BILL_HEADER],
        [BILL_HEADER],
        ["id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale"],
        ["id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note"],
    )
    protected: list[str] = []
    number = payment = event = 0
    for index, person in enumerate(customers):
        code = f"C{200000 + index}"
        supplies = [("ENERGIA", f"IT012E{30000000 + index:08d}")]
        if rng.random() < 0.6:
            supplies.append(("GAS", f"{1500000000000 + index:014d}"))
        if rng.random() < 0.3:
            supplies.append(("ACQUA", f"CR-{index:06d}"))
        behind = rng.random() < 0.82  # most demo customers are in arrears: that is why they are here
        if behind and len(protected) < PROTECTED:
            protected.append(code)
        for service, point in supplies:
            for month in range(0, 16, 2):
                number += 1
                issued = date(2009, 1, 1) + timedelta(days=30 * month + index % 20)
                if issued > EXTRACTION - timedelta(days=10):
                    continue
                due = issued + timedelta(days=20)
                amount = rng.randrange(3000, 45000 if service != "ACQUA" else 12000)
                unpaid = behind and (rng.random() < 0.55 or due > EXTRACTION - timedelta(days=60))
                residual = amount if unpaid else (rng.randrange(0, amount // 2) if rng.random() < 0.1 else 0)
                bill_number = f"2010/{number:06d}"
                row = (
                    f"{code};{person.codice_fiscale};{person.surname.upper()};{person.name.upper()};{service};"
                    f"{point};{person.address};{bill_number};{issued:%d/%m/%Y};{due:%d/%m/%Y};{italian_amount(amount)};"
                )
                bills.append(row + italian_amount(residual))
                paid_off = rng.random() < (0.68 if code in protected else 0.15)
                later_bills.append(row + italian_amount(0 if paid_off else residual))
                if residual and rng.random() < 0.08:
                    payment += 1
                    paid = EXTRACTION + timedelta(days=rng.randrange(1, 25))
                    payments.append(
                        f"P{payment:06d};{code};{bill_number};{paid:%d/%m/%Y};{italian_amount(residual)};"
                        f"{rng.choice(['SPORTELLO', 'BOLLETTINO', 'POS'])}"
                    )
        if behind and rng.random() < 0.25:
            point = supplies[0][1]
            reminder, notice, reduction = (date(2010, m, 1) + timedelta(days=index % 28) for m in (3, 4, 5))
            event += 1
            events.append(f"E{event:05d};{code};{point};SOLLECITO;{reminder:%d/%m/%Y};")
            event += 1
            events.append(f"E{event:05d};{code};{point};COSTITUZIONE_MORA;{notice:%d/%m/%Y};")
            if rng.random() < 0.5:
                event += 1
                events.append(
                    f"E{event:05d};{code};{point};RIDUZIONE_POTENZA;{reduction:%d/%m/%Y};riduzione al 15%"
                )
    # Two cuts of protected supplies: one restored the next day, one still open (an incident).
    for code, cut, restored in (
        (protected[1], date(2010, 6, 3), date(2010, 6, 4)),
        (protected[0], date(2010, 6, 10), None),
    ):
        point = f"IT012E{30000000 + int(code[1:]) - 200000:08d}"
        event += 1
        events.append(f"E{event:05d};{code};{point};SOSPENSIONE;{cut:%d/%m/%Y};sospensione per morosità")
        if restored:
            event += 1
            events.append(f"E{event:05d};{code};{point};RIATTIVAZIONE;{restored:%d/%m/%Y};")
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, lines, day in (
        ("fatture", bills, EXTRACTION),
        ("pagamenti", payments, EXTRACTION),
        ("eventi", events, EXTRACTION),
        ("fatture_novembre", later_bills, LATER_EXTRACTION),
    ):
        path = folder / f"aem-{kind.split('_')[0]}-{day:%Y%m%d}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files[kind] = path
    return DemoFiles(files=files, protected=protected)
