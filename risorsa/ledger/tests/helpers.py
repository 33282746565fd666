from datetime import date
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
