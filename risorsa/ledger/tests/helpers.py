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
