"""The demo utility's files (bills, payments, events) for the demo people, written as AEM would."""

import random
from datetime import date, timedelta
from pathlib import Path

from risorsa.demo.people import DemoPerson

BILL_HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)
EXTRACTION = date(2010, 5, 31)


def _euro(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


def write_files(people: list[DemoPerson], folder: Path) -> dict[str, Path]:
    """fatture, pagamenti and eventi for about 150 of the demo people (deterministic)."""
    rng = random.Random(2010)
    customers = [person for person in people if rng.random() < 0.75]
    bills, payments, events = (
        [BILL_HEADER],
        ["id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale"],
        ["id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note"],
    )
    number = payment = event = 0
    for index, person in enumerate(customers):
        code = f"C{200000 + index}"
        supplies = [("ENERGIA", f"IT012E{30000000 + index:08d}")]
        if rng.random() < 0.6:
            supplies.append(("GAS", f"{1500000000000 + index:014d}"))
        if rng.random() < 0.3:
            supplies.append(("ACQUA", f"CR-{index:06d}"))
        behind = rng.random() < 0.7  # most demo customers are in arrears: that is why they are here
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
                bills.append(
                    f"{code};{person.codice_fiscale};{person.surname.upper()};{person.name.upper()};{service};"
                    f"{point};{person.address};{bill_number};{issued:%d/%m/%Y};{due:%d/%m/%Y};"
                    f"{_euro(amount)};{_euro(residual)}"
                )
                if residual and rng.random() < 0.08:
                    payment += 1
                    paid = EXTRACTION + timedelta(days=rng.randrange(1, 25))
                    payments.append(
                        f"P{payment:06d};{code};{bill_number};{paid:%d/%m/%Y};{_euro(residual)};"
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
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, lines in (("fatture", bills), ("pagamenti", payments), ("eventi", events)):
        path = folder / f"aem-{kind}-{EXTRACTION:%Y%m%d}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files[kind] = path
    return files
