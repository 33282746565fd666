"""Synthetic files in the utility's format (valid codici fiscali, Italian numbers and dates)."""

import random
from datetime import date, timedelta
from pathlib import Path

from risorsa.registry import codice_fiscale as cf

HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo\n"
)
SURNAMES = ["ROSSI", "BIANCHI", "FERRARI", "COLOMBO", "GALLI", "SALA", "RIZZI", "CONTI", "MARINI", "BRUNO"]
NAMES = ["MARIO", "LUCIA", "ANNA", "PIERO", "PAOLO", "SARA", "MARCO", "ELENA", "GIULIA", "DAVIDE"]
PLACES = ["D150", "D142", "F205", "B157", "G535", "Z330", "Z129"]
BILLS_PER_CUSTOMER = 5


def _italian(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", ".") + f",{rest:02d}"


def write_bills(path: Path, rows: int, *, seed: int = 7, invalid_line: int | None = None) -> Path:
    """`rows` bills, five per customer; `invalid_line` gets a wrong check character."""
    rng = random.Random(seed)
    start = date(2009, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        line = 1
        customer = 0
        while line - 1 < rows:
            customer += 1
            surname, name = rng.choice(SURNAMES), rng.choice(NAMES)
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(23000))
            sex = rng.choice("MF")
            code = cf.encode(
                surname=surname, name=name, sex=sex, birth_date=born, birth_place_code=rng.choice(PLACES)
            )
            pod = f"IT012E{customer:08d}"
            for bill in range(BILLS_PER_CUSTOMER):
                if line - 1 >= rows:
                    break
                line += 1
                issued = start + timedelta(days=60 * bill + customer % 28)
                amount = rng.randrange(2000, 90000)
                residual = amount if rng.random() < 0.6 else 0
                holder = code
                if line == invalid_line:
                    holder = code[:15] + ("A" if code[15] != "A" else "B")
                address = f"Via Dante {customer % 200}, Cremona"
                out.write(
                    f"C{customer:09d};{holder};{surname};{name};ENERGIA;{pod};{address};"
                    f"B{customer:09d}-{bill};{issued:%d/%m/%Y};{issued + timedelta(days=20):%d/%m/%Y};"
                    f"{_italian(amount)};{_italian(residual)}\n"
                )
    return path
