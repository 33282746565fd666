"""One engine for every way a file arrives (command line, web upload, API).

Phase 1 streams the file: each row is validated and staged into temporary tables; the main
tables are not touched. Phase 2, only if every row is valid, takes the utility's lock and
merges with set-based SQL in one transaction. Any invalid row rejects the whole file and
every invalid row is reported.
"""

import csv
import errno
import json
import logging
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from risorsa.ledger import figures
from risorsa.ledger.importing import bills, events, payments, reactions
from risorsa.ledger.importing.common import Context, Counts, Issue
from risorsa.ledger.importing.source import FileRejected, inspect, open_table
from risorsa.ledger.importing.staging import Stager
from risorsa.ledger.models import ImportIssue, ImportKind, ImportMode, ImportRun, ImportStatus
from risorsa.organizations.models import Organization, OrganizationKind

SPECS: dict[str, ModuleType] = {
    ImportKind.BILLS: bills,
    ImportKind.PAYMENTS: payments,
    ImportKind.EVENTS: events,
}
PROGRESS_EVERY = 25000
Progress = Callable[[int, int], None]
logger = logging.getLogger(__name__)


class ImportFailed(Exception):
    """A system error stopped an import; its message is the run's failure, with no row values."""


@dataclass
class _Issues:
    """Invalid rows spooled to a temporary file: memory stays flat whatever the file holds.

    The file is opened at the first issue (a valid file never creates one) and closed, which
    removes it, by `close()` on every path of the run."""

    count: int = 0
    rows: int = 0
    spool: IO[str] | None = None

    def add(self, issues: list[Issue]) -> None:
        """The issues of one row."""
        if not issues:
            return
        if self.spool is None:
            self.spool = tempfile.TemporaryFile("w+", newline="", encoding="utf-8")  # noqa: SIM115
            self.writer = csv.writer(self.spool)
        self.rows += 1
        for issue in issues:
            params = json.dumps(issue.params) if issue.params else ""
            self.writer.writerow([issue.line, issue.column, issue.value[:200], issue.reason, params])
            self.count += 1

    def save(self, run: ImportRun) -> None:
        if self.spool is None:
            return
        self.spool.seek(0)
        batch = []
        for line, column, value, reason, params in csv.reader(self.spool):
            batch.append(
                ImportIssue(
                    run=run,
                    line=int(line),
                    column=column,
                    value=value,
                    reason=reason,
                    params=json.loads(params) if params else {},
                )
            )
            if len(batch) >= 5000:
                ImportIssue.objects.bulk_create(batch)
                batch = []
        ImportIssue.objects.bulk_create(batch)
        self.close()

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


class _Rejected(Exception):
    pass


def execute(run: ImportRun, *, progress: Progress | None = None) -> ImportRun:
    """Import the run's file; the run ends DONE, REJECTED (with its issues) or FAILED."""
    spec = SPECS[run.kind]
    path = Path(run.file_path)
    run.status, run.started_at = ImportStatus.RUNNING, timezone.now()
    run.heartbeat_at = run.started_at
    ImportRun.objects.filter(pk=run.pk).update(
        status=run.status, started_at=run.started_at, heartbeat_at=run.heartbeat_at
    )
    issues = _Issues()
    stager = Stager(spec.tables(connection.vendor == "postgresql"))
    try:
        source = inspect(path)
        run.sha256, run.size, run.rows_total = source.sha256, source.size, source.data_lines
        ImportRun.objects.filter(pk=run.pk).update(
            sha256=run.sha256, size=run.size, rows_total=run.rows_total
        )
        table = open_table(source, required=spec.REQUIRED, optional=spec.OPTIONAL)
        run.warnings = table.warnings
        stager.create()
        validate = spec.Rows(stager)
        done = 0
        for line, values in table.rows(spec.COLUMNS, damaged=issues.add):
            issues.add(validate(line, values))
            done += 1
            if done % PROGRESS_EVERY == 0:
                _report(run, done, progress)
        stager.flush()
        _report(run, done, progress)
        if issues.count:
            raise _Rejected
        if connection.vendor == "postgresql":
            stager.analyze()
        context = Context(
            utility_id=run.utility_id,
            municipality_id=default_territory(run.utility_id),
            run_id=run.pk,
            as_of=run.as_of,
            full=run.mode == ImportMode.FULL,
            now=timezone.now(),
            stager=stager,
        )
        found = _merge(run, spec, context)
        if found:
            for line, values in table.rows(spec.COLUMNS, damaged=issues.add):
                issues.add(spec.explain(line, values, found))
            raise _Rejected
    except _Rejected:
        issues.save(run)
        run.invalid_rows = issues.rows
        _finish(run, ImportStatus.REJECTED)
    except FileRejected as error:
        run.failure = error.message
        _finish(run, ImportStatus.REJECTED)
    except Exception as error:
        # The exception's text may quote a row (a database error's detail): it stays out of what
        # users read and of the log; the row report is where row values belong.
        frame = traceback.extract_tb(error.__traceback__)[-1]
        logger.error(
            "import %s failed: %s at %s:%s", run.pk, type(error).__name__, frame.filename, frame.lineno
        )
        run.failure = _failure(run, error)
        for name in vars(Counts()):  # what the rolled-back merge counted was not written
            setattr(run, name, 0)
        _finish_on_a_fresh_connection(run, ImportStatus.FAILED)
        raise ImportFailed(run.failure) from None
    finally:
        issues.close()
        stager.drop()
    return run


def _failure(run: ImportRun, error: Exception) -> str:
    """What the user reads of a system error: its kind and the run, never its text (which may
    quote a row); a full disk, of the server or of the database, said as such."""
    if isinstance(error, OSError) or _disk_full(error):
        name = errno.errorcode.get(getattr(error, "errno", None) or 0, type(error).__name__)
        return _(
            "Errore di disco durante l'importazione n. %(run)s (%(error)s: spazio esaurito o file "
            "non leggibile): nulla è stato scritto. Libera spazio o verifica il file, poi riprova; "
            "se si ripete, segnala all'assistenza l'importazione n. %(run)s."
        ) % {"error": name, "run": run.pk}
    return _(
        "Errore di sistema durante l'importazione (%(error)s): nulla è stato scritto. "
        "Riprova; se si ripete, segnala all'assistenza l'importazione n. %(run)s."
    ) % {"error": type(error).__name__, "run": run.pk}


def _disk_full(error: Exception) -> bool:
    """SQLite says "database or disk is full"; PostgreSQL gives SQLSTATE 53100 (disk_full)."""
    cause = error.__cause__
    return isinstance(error, DatabaseError) and (
        getattr(cause, "sqlstate", None) == "53100" or "disk is full" in str(error)
    )


def _merge(run: ImportRun, spec: ModuleType, context: Context) -> dict:
    with transaction.atomic():
        lock_utility(run.utility_id)
        _tune_merge()
        found = spec.check(context)
        if found:
            return found
        counts = spec.merge(context)
        if run.kind != ImportKind.EVENTS:
            figures.refresh_after_import(run=run)
        for name, value in vars(counts).items():
            setattr(run, name, value)
        reactions.react(run)
        _finish(run, ImportStatus.DONE)
    return {}


def _tune_merge() -> None:
    """PostgreSQL, for this transaction only: room for the merge's hashes and sorts, and the
    foreign keys checked at the end of each statement instead of at commit. Every key is still
    checked, in the same transaction; but a million deferred checks, fired at commit once the
    rows they look up have left the buffer cache, cost three times as much (21 s against 6 s for
    a first file of 1,000,000 bills, bench/ingest.py)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def lock_utility(utility_id: int) -> None:
    """One merge at a time per utility: overlapping imports serialize here, so none is lost. A
    no-key lock: the utility's pages and writes, which only reference its row, go on meanwhile."""
    Organization.objects.select_for_update(no_key=True).filter(pk=utility_id).first()


def _report(run: ImportRun, done: int, progress: Progress | None) -> None:
    """Progress, and the heartbeat that tells a live import from an interrupted one."""
    run.rows_done, run.heartbeat_at = done, timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(rows_done=done, heartbeat_at=run.heartbeat_at)
    if progress:
        progress(done, run.rows_total)


def _finish(run: ImportRun, status: str) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.save()


def _finish_on_a_fresh_connection(run: ImportRun, status: str) -> None:
    """Record a failure even when the failure was the database connection itself."""
    try:
        _finish(run, status)
    except DatabaseError:
        connection.close()  # the next query opens a new connection
        _finish(run, status)


def default_territory(utility_id: int) -> int | None:
    """The municipality of the rows without `codice_comune`: the utility's default, set by an
    administrator; in a deployment with a single municipality, that one; otherwise none (such
    rows are then refused, each with its reason)."""
    default = (
        Organization.objects.filter(pk=utility_id).values_list("default_municipality", flat=True).first()
    )
    if default is not None:
        return default
    municipalities = list(
        Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).values_list("pk", flat=True)[:2]
    )
    return municipalities[0] if len(municipalities) == 1 else None
