"""Writes of the ledger: files received from the utility, the credits the program creates."""

import shutil
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from risorsa.core.exceptions import DomainError
from risorsa.core.money import quantize
from risorsa.ledger.importing import engine
from risorsa.ledger.models import Credit, CreditKind, CreditStatus, ImportKind, ImportMode, ImportRun
from risorsa.organizations.models import Organization, OrganizationKind


def imports_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_utility() -> Organization:
    """The utility when the deployment has only one (the command line's default --gestore)."""
    utilities = list(Organization.objects.filter(kind=OrganizationKind.UTILITY)[:2])
    if len(utilities) != 1:
        raise DomainError(_("Indica il gestore con --gestore: ce n'è più d'uno (o nessuno)."))
    return utilities[0]


def receive_file(
    *,
    utility: Organization,
    kind: str,
    mode: str = ImportMode.INCREMENTAL,
    as_of: date,
    source: Path,
    file_name: str,
    started_by=None,
    copy: bool = True,
) -> ImportRun:
    """Record a file from the utility, ready to import (copied into var/imports/ unless told not to)."""
    if utility.kind != OrganizationKind.UTILITY:
        raise DomainError(_("%(name)s non è un gestore.") % {"name": utility})
    if kind not in ImportKind.values:
        raise DomainError(_("Tipo di file sconosciuto: %(kind)s.") % {"kind": kind})
    if mode not in ImportMode.values:
        raise DomainError(_("Modalità sconosciuta: %(mode)s.") % {"mode": mode})
    if mode == ImportMode.FULL and kind != ImportKind.BILLS:
        raise DomainError(_("La modalità completa vale solo per le fatture."))
    path = source
    if copy:
        path = imports_dir() / f"{uuid.uuid4().hex}{source.suffix or '.csv'}"
        shutil.copyfile(source, path)
    return ImportRun.objects.create(
        utility=utility,
        kind=kind,
        mode=mode,
        as_of=as_of,
        file_name=file_name[:255],
        file_path=str(path.resolve()),
        size=path.stat().st_size,
        sha256="",
        started_by=started_by,
    )


def receive_upload(
    *, utility: Organization, kind: str, mode: str, as_of: date, upload, started_by
) -> ImportRun:
    """Record a file uploaded through the web: written to var/imports/ in chunks, never held in memory."""
    path = imports_dir() / f"{uuid.uuid4().hex}.csv"
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    try:
        return receive_file(
            utility=utility,
            kind=kind,
            mode=mode,
            as_of=as_of,
            source=path,
            file_name=Path(upload.name).name,
            started_by=started_by,
            copy=False,
        )
    except DomainError:
        path.unlink(missing_ok=True)
        raise


def run_import(*, run: ImportRun, progress: engine.Progress | None = None) -> ImportRun:
    """Import a received file now, all or nothing (the command line and the background task)."""
    return engine.execute(run, progress=progress)


def enqueue_import(*, run: ImportRun) -> None:
    """Import a received file in the background, once the request's transaction has committed."""
    from risorsa.ledger.tasks import import_file

    transaction.on_commit(lambda: import_file.enqueue(run_id=run.pk))


CREDIT_PREFIX: dict[str, str] = {CreditKind.WORK: "RL", CreditKind.MUNICIPAL: "CM", CreditKind.OTHER: "AL"}


@transaction.atomic
def create_credit(
    *, customer, kind: str, amount: Decimal, reason: str, created_on: date, by=None, bill=None
) -> Credit:
    """A credit of the program for a customer: in transit, with a unique reference (RL-2010-000123)."""
    if amount <= 0:
        raise DomainError(_("L'importo di un accredito deve essere positivo."))
    if bill is not None:
        if bill.customer_id != customer.pk:
            raise DomainError(_("La fattura non è di questo cliente."))
        pending = Credit.objects.filter(bill=bill, status=CreditStatus.IN_TRANSIT).aggregate(
            total=Sum("amount")
        )
        if amount > bill.residual - quantize(pending["total"]):
            raise DomainError(_("L'accredito supera quanto resta da pagare della fattura."))
    credit = Credit.objects.create(
        kind=kind,
        reference=f"TMP-{uuid.uuid4().hex[:20]}",
        customer=customer,
        bill=bill,
        amount=amount,
        reason=reason,
        created_on=created_on,
        created_by=by,
    )
    credit.reference = f"{CREDIT_PREFIX[kind]}-{created_on.year}-{credit.pk:06d}"
    credit.save(update_fields=["reference"])
    return credit
