"""Writes of the ledger: files received from the utility, the credits the program creates."""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from risorsa.core.exceptions import DomainError
from risorsa.core.money import quantize
from risorsa.ledger import figures
from risorsa.ledger.importing import engine
from risorsa.ledger.models import (
    Bill,
    BillHold,
    Credit,
    CreditKind,
    CreditStatus,
    ImportKind,
    ImportMode,
    ImportRun,
    ImportStatus,
    RegistryMismatch,
)
from risorsa.ledger.uploads import check_chunks, clean_file_name, is_kept_file, read_chunks, store
from risorsa.organizations.models import Organization, OrganizationKind


def default_utility() -> Organization:
    """The utility when the deployment has only one (the command line's default --gestore)."""
    utilities = list(Organization.objects.filter(kind=OrganizationKind.UTILITY)[:2])
    if len(utilities) != 1:
        raise DomainError(_("Indica il gestore con --gestore: ce n'è più d'uno (o nessuno)."))
    return utilities[0]


def _check_receipt(*, utility: Organization, kind: str, mode: str) -> None:
    if utility.kind != OrganizationKind.UTILITY:
        raise DomainError(_("%(name)s non è un gestore.") % {"name": utility})
    if kind not in ImportKind.values:
        raise DomainError(_("Tipo di file sconosciuto: %(kind)s.") % {"kind": kind})
    if mode not in ImportMode.values:
        raise DomainError(_("Modalità sconosciuta: %(mode)s.") % {"mode": mode})
    if mode == ImportMode.FULL and kind != ImportKind.BILLS:
        raise DomainError(_("La modalità completa vale solo per le fatture."))


def _record_receipt(
    *, utility: Organization, kind: str, mode: str, as_of: date, path: Path, file_name: str, started_by
) -> ImportRun:
    return ImportRun.objects.create(
        utility=utility,
        kind=kind,
        mode=mode,
        as_of=as_of,
        file_name=clean_file_name(file_name),
        file_path=str(path.resolve()),
        size=path.stat().st_size,
        sha256="",
        started_by=started_by,
    )


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
    """Record a file from the utility, ready to import (copied into var/imports/ unless told not to).

    A file past the size limit or not CSV text is refused (UploadRefused) before anything is
    copied or recorded; the name is kept without folders. A file read in place (copy=False, the
    command line) stays the operator's: the program never deletes it.
    """
    _check_receipt(utility=utility, kind=kind, mode=mode)
    if copy:
        path = store(read_chunks(source))
    else:
        check_chunks(read_chunks(source))
        path = source
    return _record_receipt(
        utility=utility,
        kind=kind,
        mode=mode,
        as_of=as_of,
        path=path,
        file_name=file_name,
        started_by=started_by,
    )


def receive_upload(
    *, utility: Organization, kind: str, mode: str, as_of: date, upload, started_by
) -> ImportRun:
    """Record a file uploaded through the web: checked as it is written to var/imports/ (0600)."""
    _check_receipt(utility=utility, kind=kind, mode=mode)
    path = store(upload.chunks())
    return _record_receipt(
        utility=utility,
        kind=kind,
        mode=mode,
        as_of=as_of,
        path=path,
        file_name=upload.name,
        started_by=started_by,
    )


@transaction.atomic
def delete_expired_import_files(*, today: date, customers=None) -> dict[str, int]:
    """Delete the received files older than IMPORT_FILE_RETENTION_DAYS, keeping hash and report.

    Only files of the imports folder (never one read in place from the operator's disk); a run
    still importing keeps its file. Idempotent: a deleted file is dated once.
    """
    if customers is not None:  # the follow-up after a payments import: not the moment
        return {}
    cutoff = today - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    expired = (
        ImportRun.objects.filter(file_deleted_on__isnull=True, created_at__date__lt=cutoff)
        .exclude(status=ImportStatus.RUNNING)
        .order_by("pk")
    )
    deleted = []
    for run in expired.only("pk", "file_path"):
        if not is_kept_file(run.file_path):
            continue
        delete_kept_file(run.file_path)
        deleted.append(run.pk)
    ImportRun.objects.filter(pk__in=deleted).update(file_deleted_on=today)
    return {"file eliminati": len(deleted)}


def delete_kept_file(path: str) -> None:
    """Remove a received file of the imports folder; any other path is refused."""
    file = Path(path)
    if not is_kept_file(file):
        raise DomainError(_("Il file non è tra quelli ricevuti: non viene eliminato."))
    file.unlink(missing_ok=True)


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
    *,
    customer,
    kind: str,
    amount: Decimal,
    reason: str,
    created_on: date,
    by=None,
    bill: Bill | None = None,
    holder: models.Model | None = None,
) -> Credit:
    """A credit of the program for a customer: in transit, with a unique reference (RL-2010-000123).

    It never exceeds what its bills still owe: the one bill it names, or the bills its instrument
    (`holder`) holds, less the credits already in transit on them.
    """
    if amount <= 0:
        raise DomainError(_("L'importo di un accredito deve essere positivo."))
    if bill is not None and holder is not None:
        raise DomainError(_("Un accredito paga la sua fattura o le fatture del suo strumento, non entrambe."))
    pending = None
    if bill is not None:
        if bill.customer_id != customer.pk:
            raise DomainError(_("La fattura non è di questo cliente."))
        room = bill.residual
        pending = Credit.objects.filter(bill=bill, status=CreditStatus.IN_TRANSIT)
    elif holder is not None:
        holds = BillHold.objects.of(holder).current()
        room = quantize(Bill.objects.filter(holds__in=holds).aggregate(total=Sum("residual"))["total"])
        pending = Credit.objects.filter(
            holder_type=ContentType.objects.get_for_model(holder),
            holder_id=holder.pk,
            status=CreditStatus.IN_TRANSIT,
        )
    if pending is not None and amount > room - quantize(pending.aggregate(total=Sum("amount"))["total"]):
        raise DomainError(_("L'accredito supera quanto resta da pagare delle sue fatture."))
    credit = Credit.objects.create(
        kind=kind,
        reference=f"TMP-{uuid.uuid4().hex[:20]}",
        customer=customer,
        bill=bill,
        holder=holder,
        amount=amount,
        reason=reason,
        created_on=created_on,
        created_by=by,
    )
    credit.reference = f"{CREDIT_PREFIX[kind]}-{created_on.year}-{credit.pk:06d}"
    credit.save(update_fields=["reference"])
    figures.refresh_customer(customer.pk)
    return credit


def hold_bills(*, bills: list[Bill], holder: models.Model, on: date | None = None) -> list[BillHold]:
    """Put bills in an instrument (a plan, a spot intervention, a work project).

    A bill is in at most one instrument at a time: a bill another instrument holds is refused,
    naming the bill and the instrument. The bills are locked in primary-key order, and the
    database's partial unique constraint stands behind the check.
    """
    on = on or timezone.localdate()
    holder_type = ContentType.objects.get_for_model(holder)
    with transaction.atomic():
        ids = sorted({bill.pk for bill in bills})
        list(Bill.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        taken = (
            BillHold.objects.current()
            .filter(bill_id__in=ids)
            .exclude(holder_type=holder_type, holder_id=holder.pk)
            .select_related("bill")
            .order_by("bill__number")
            .first()
        )
        if taken is not None:
            raise DomainError(_held_elsewhere(taken))
        already = set(BillHold.objects.of(holder).current().values_list("bill_id", flat=True))
        try:
            with transaction.atomic():
                return BillHold.objects.bulk_create(
                    BillHold(bill_id=pk, holder_type=holder_type, holder_id=holder.pk, held_on=on)
                    for pk in ids
                    if pk not in already
                )
        except IntegrityError:  # another instrument took one of them in the meantime
            taken = BillHold.objects.current().filter(bill_id__in=ids).select_related("bill").first()
            raise DomainError(_held_elsewhere(taken)) from None


def _held_elsewhere(hold: BillHold | None) -> str:
    if hold is None:
        return _("Una delle fatture è già in un altro strumento.")
    return _(
        "La fattura %(number)s è già in «%(instrument)s»: una fattura può stare in un solo strumento "
        "alla volta (piano di rientro, intervento spot, progetto di lavoro)."
    ) % {"number": hold.bill.number, "instrument": hold.holder}


def release_bills(*, holder: models.Model, on: date | None = None) -> int:
    """The instrument lets its bills go (ended, withdrawn, cancelled); how many it held."""
    on = on or timezone.localdate()
    holds = BillHold.objects.of(holder).current()
    released = 0
    for hold in holds.select_for_update().order_by("pk"):
        hold.released_on = max(on, hold.held_on)
        hold.save(update_fields=["released_on"])
        released += 1
    return released


def resolve_registry_mismatch(*, mismatch: RegistryMismatch, by) -> RegistryMismatch:
    """The municipality has checked the holder's name against its registry."""
    updated = RegistryMismatch.objects.filter(pk=mismatch.pk, resolved_on__isnull=True).update(
        resolved_on=timezone.localdate(), resolved_by=by
    )
    if not updated:
        raise DomainError(_("Questa segnalazione è già stata verificata."))
    mismatch.refresh_from_db()
    return mismatch


# A run "in corso" whose heartbeat (written as its rows are read) stopped this long ago, and that
# holds no merge lock, was interrupted: the process killed, the worker gone, the connection lost.
INTERRUPTED_AFTER = timedelta(minutes=1)


def mark_interrupted_imports(*, today: date | None = None, customers=None, utility_id: int | None = None):
    """Mark interrupted runs failed ("importazione interrotta"), so that their page stops waiting
    and offers a retry. Run by the daily follow-up, by the worker before each import and by the
    page of a run in progress. A merge holds its utility's row lock for its whole transaction: on
    PostgreSQL a run whose utility is locked is alive, however old its heartbeat (SQLite lets one
    writer at a time, so the mark waits for the merge and then finds it finished)."""
    if customers is not None:  # the follow-up after a payments import: not the moment
        return {}
    now = timezone.now()
    stale = ImportRun.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=now - INTERRUPTED_AFTER)
    if utility_id is not None:
        stale = stale.filter(utility_id=utility_id)
    marked = 0
    for run in stale.only("pk", "utility_id"):
        with transaction.atomic():
            if connection.vendor == "postgresql" and not (
                Organization.objects.select_for_update(no_key=True, skip_locked=True)
                .filter(pk=run.utility_id)
                .exists()
            ):
                continue  # its merge is running
            marked += ImportRun.objects.filter(
                pk=run.pk, status=ImportStatus.RUNNING, heartbeat_at__lt=now - INTERRUPTED_AFTER
            ).update(
                status=ImportStatus.FAILED,
                finished_at=now,
                failure=_(
                    "Importazione interrotta: il lavoro si è fermato prima della fine (processo "
                    "terminato o connessione persa). Nulla è stato scritto: puoi riprovare."
                ),
            )
    return {"importazioni interrotte": marked}


def retry_import(*, run: ImportRun, by) -> ImportRun:
    """Queue again the stored file of a run that failed: a new run takes the file over."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if (
            run.status != ImportStatus.FAILED
            or not is_kept_file(run.file_path)
            or not Path(run.file_path).exists()
        ):
            raise DomainError(_("Questa importazione non si può riprovare: ricarica il file."))
        retry = _record_receipt(
            utility=run.utility,
            kind=run.kind,
            mode=run.mode,
            as_of=run.as_of,
            path=Path(run.file_path),
            file_name=run.file_name,
            started_by=by,
        )
        # One file, one keeper: the retention deletes it with the new run, not the old one.
        ImportRun.objects.filter(pk=run.pk).update(file_path="")
        enqueue_import(run=retry)
    return retry
