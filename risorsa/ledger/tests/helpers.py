import csv
from datetime import date, timedelta
from pathlib import Path

from risorsa.ledger import services
from risorsa.ledger.models import ImportRun

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "formats" / "samples"
EXTRACTION = date(2010, 2, 28)


def import_file(
    utility, kind: str, path: Path, *, as_of: date = EXTRACTION, mode: str = "incrementale", user=None
) -> ImportRun:
    run = services.receive_file(
        utility=utility,
        kind=kind,
        mode=mode,
        as_of=as_of,
        source=path,
        file_name=path.name,
        copy=False,
        started_by=user,
    )
    return services.run_import(run=run)


def import_sample(utility, kind: str, name: str, **options) -> ImportRun:
    return import_file(utility, kind, SAMPLES / name, **options)


PAYMENTS_HEADER = "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento"


def import_payments(utility, rows: list[tuple], folder: Path | None = None) -> ImportRun:
    """A payments file of (id, customer code, bill number or "", date, amount "12,34"[, riferimento])."""
    import tempfile

    folder = folder or Path(tempfile.mkdtemp())
    lines = [PAYMENTS_HEADER]
    for external_id, code, number, paid_on, amount, *reference in rows:
        channel, riferimento = ("PROGRAMMA", reference[0]) if reference else ("SPORTELLO", "")
        lines.append(f"{external_id};{code};{number};{paid_on:%d/%m/%Y};{amount};{channel};{riferimento}")
    path = folder / f"pagamenti-{rows[0][0]}-{len(rows)}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return import_file(utility, "pagamenti", path)


BILLS_HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)


def _holders() -> list[list[str]]:
    """Customer, holder and supply point columns of the sample's rows (one per supply point)."""
    with (SAMPLES / "fatture_ok.csv").open(encoding="utf-8") as sample:
        rows = list(csv.reader(sample, delimiter=";"))[1:]
    return list({row[5]: row[:7] for row in rows}.values())


HOLDERS = _holders()


def euro_text(value: int) -> str:
    return f"{value // 100},{value % 100:02d}"


def bills_file(folder, rows, number: int, as_of: date) -> Path:
    """A bills file extracted on `as_of`: rows of (supply point of HOLDERS, which of its bills,
    amount in cents, percent still unpaid, days past due on `as_of`)."""
    lines = [BILLS_HEADER]
    seen = set()
    for holder, which, amount, percent, late in rows:
        columns = HOLDERS[holder]
        bill_number = f"P/{columns[5]}/{which}"
        if bill_number in seen:  # one row per bill in a file
            continue
        seen.add(bill_number)
        due = as_of - timedelta(days=late)
        issued = due - timedelta(days=20)
        residual = amount * percent // 100
        lines.append(
            ";".join(
                [
                    *columns,
                    bill_number,
                    f"{issued:%d/%m/%Y}",
                    f"{due:%d/%m/%Y}",
                    euro_text(amount),
                    euro_text(residual),
                ]
            )
        )
    path = folder / f"fatture-{number}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
