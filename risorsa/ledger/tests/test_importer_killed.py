"""The importer killed in each phase (issue 10), on PostgreSQL: `manage.py importa` runs in a real
process on the test database and is killed (SIGKILL) while it reads and stages the file, or while it
merges, or its database connection is terminated during the merge. Each time nothing is written,
the run ends failed (after the heartbeat check when nobody was left to say so, at once when the
importer could), and the retry of the stored file gives the totals of a clean import.

The merge is caught at a precise point: the test holds a SHARE lock on `ledger_bill`, so the merge,
once it has written people, customers and supply points under the utility's lock, waits to insert
the bills; pg_locks shows both, and the kill lands there. The file lies in the imports folder, as a
received upload does, so that the failed run can be retried.
"""

import csv
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import TypeVar
from urllib.parse import quote

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from risorsa.demo.synthetic import write_bills
from risorsa.ledger import services
from risorsa.ledger.models import Bill, BillRevision, Customer, ImportRun, ImportStatus, Payment, SupplyPoint
from risorsa.ledger.uploads import read_chunks, store
from risorsa.registry.models import Person

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="processi e lock reali: solo PostgreSQL"
)

LONG = 100_000  # rows: reading them lasts long enough to be caught between two heartbeats
SHORT = 20_000  # rows: the merge is caught by a lock, whatever its length
EXTRACTION = "2010-02-28"
TIMEOUT = 60.0  # seconds: the bound of every wait, far above what each step takes
COUNTERS = ("created", "updated", "unchanged", "closed", "superseded", "people_created", "invalid_rows")
_names = itertools.count(1)
T = TypeVar("T")

# The utility's lock (SELECT ... FOR NO KEY UPDATE), the bills' insert kept waiting by the test, and
# what the merge has written before the bills.
UTILITY_LOCK = ("organizations_organization", "RowShareLock", True)
BILLS_AWAITED = ("ledger_bill", "RowExclusiveLock", False)
WRITTEN_BEFORE_THE_BILLS = {
    ("registry_person", "RowExclusiveLock", True),
    ("ledger_customer", "RowExclusiveLock", True),
    ("ledger_supplypoint", "RowExclusiveLock", True),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("fatture")
    return {rows: write_bills(folder / f"fatture-{rows}.csv", rows) for rows in (LONG, SHORT)}


@pytest.fixture
def received(files, settings, tmp_path) -> Callable[[int], Path]:
    """A file of so many rows stored in the imports folder (of a VAR_DIR of this test's own)."""
    settings.VAR_DIR = tmp_path / "var"
    return lambda rows: store(read_chunks(files[rows]))


def clean_totals(path: Path) -> tuple[dict, dict]:
    """What a clean first import of a bills file gives, by the rule: every bill is new, every
    customer, supply point and holder (one person per codice fiscale) is created, nothing else."""
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream, delimiter=";"))
    people = len({row["codice_fiscale"] for row in rows})
    run: dict[str, object] = dict.fromkeys(COUNTERS, 0)
    run |= {"created": len(rows), "people_created": people, "status": ImportStatus.DONE}
    run |= {"rows_done": len(rows), "rows_total": len(rows)}
    tables = {
        Bill: len(rows),
        Customer: len({row["codice_cliente"] for row in rows}),
        SupplyPoint: len({(row["codice_cliente"], row["punto_fornitura"]) for row in rows}),
        Person: people,
        BillRevision: 0,
        Payment: 0,
    }
    return run, tables


def everything_but_the_runs() -> dict[str, int]:
    """The row count of every table of the project but the import runs'."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model is not ImportRun
    }


def run_values(run: ImportRun) -> dict:
    run.refresh_from_db()
    return {name: getattr(run, name) for name in (*COUNTERS, "status", "rows_done", "rows_total")}


def table_counts(tables: dict) -> dict:
    return {model: model._base_manager.count() for model in tables}


def a_minute_later():
    """Time passing: the heartbeat of a run that stopped grows older than INTERRUPTED_AFTER."""
    return time_machine.travel(timezone.now() + services.INTERRUPTED_AFTER + timedelta(seconds=5), tick=False)


def retried(run: ImportRun, by) -> ImportRun:
    """The retry button: a new run on the stored file, imported by the worker's task."""
    retry = services.retry_import(run=run, by=by)
    retry.refresh_from_db()
    return retry


def wait_for(what: str, condition: Callable[[], T | None], *, alive: "Importer | None" = None) -> T:
    """Poll `condition` until it returns something true, for at most TIMEOUT seconds (and, given
    the importer, only while it runs)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if alive is not None and alive.process is not None and alive.process.poll() is not None:
            pytest.fail(f"importa ended ({alive.process.returncode}) before {what}:\n{alive.stderr()}")
        time.sleep(0.01)
    pytest.fail(f"still waiting, after {TIMEOUT:.0f} s, for {what}")


class Importer:
    """`manage.py importa fatture FILE` in its own process, on the test database, its connections
    named in pg_stat_activity; optionally with `ledger_bill` held (SHARE) by the test, so that its
    merge waits to insert the bills. On leaving: the process killed if still there, the table let
    go, and the importer's database backends gone (PostgreSQL ends them when it sees the client is)."""

    def __init__(self, path: Path, folder: Path, *, hold_bills: bool = False):
        self.path, self.folder, self.hold_bills = path, folder, hold_bills
        self.name = f"importa-killed-{os.getpid()}-{next(_names)}"
        self.stderr_path = folder / f"{self.name}.err"
        self.process: subprocess.Popen | None = None
        self.holder: BaseDatabaseWrapper | None = None

    def __enter__(self) -> "Importer":
        if self.hold_bills:
            self.holder = holder = connections.create_connection("default")
            holder.set_autocommit(False)
            with holder.cursor() as cursor:
                cursor.execute("LOCK TABLE ledger_bill IN SHARE MODE")
        database = connection.settings_dict
        password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
        url = (
            f"postgres://{quote(database['USER'] or '')}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        environment = os.environ | {
            "DATABASE_URL": url,
            "DEBUG": "1",
            "RISORSA_VAR_DIR": str(django_settings.VAR_DIR),
            "PGAPPNAME": self.name,
        }
        arguments = ["fatture", str(self.path), "--gestore", "aem", "--al", EXTRACTION, "--senza-barra"]
        with (self.folder / f"{self.name}.out").open("w") as out, self.stderr_path.open("w") as err:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter, this project's manage.py
                [sys.executable, "manage.py", "importa", *arguments],
                cwd=django_settings.BASE_DIR,
                env=environment,
                stdout=out,
                stderr=err,
            )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.kill()
            if self.process is not None:
                self.process.wait(TIMEOUT)
        finally:
            self.release_bills()
            wait_for("the importer's backends to end", lambda: not self.backends())

    def release_bills(self) -> None:
        if self.holder is not None:
            self.holder.rollback()
            self.holder.close()
            self.holder = None

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(TIMEOUT)

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def run(self) -> ImportRun | None:
        return ImportRun.objects.filter(file_path=str(self.path.resolve())).order_by("pk").first()

    def backends(self) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE application_name = %s AND datname = current_database()",
                [self.name],
            )
            return [pid for (pid,) in cursor.fetchall()]

    def locks(self) -> set[tuple[str, str, bool]]:
        """(table, mode, granted) of the relation locks the importer's backend holds or waits for."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT l.relation::regclass::text, l.mode, l.granted
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE a.application_name = %s AND a.datname = current_database()
                  AND l.locktype = 'relation'
                """,
                [self.name],
            )
            return set(cursor.fetchall())

    def reading(self) -> ImportRun | None:
        """The run, once it has staged some rows (a heartbeat) and not yet all: phase 1."""
        run = self.run()
        if run is None or run.status != ImportStatus.RUNNING or not 0 < run.rows_done < run.rows_total:
            return None
        return run

    def merging_with_the_bills_to_write(self) -> set | None:
        """Its locks, once the merge holds the utility and waits for `ledger_bill`: phase 2."""
        locks = self.locks()
        return locks if {UTILITY_LOCK, BILLS_AWAITED} <= locks else None


def assert_marked_interrupted_and_retried_clean(run: ImportRun, path: Path, user) -> None:
    """The run ends failed as interrupted, with nothing counted; its retry imports the whole file
    as a clean import of the same file would."""
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "Importazione interrotta" in run.failure
    assert all(getattr(run, name) == 0 for name in COUNTERS)
    expected_run, expected_tables = clean_totals(path)
    retry = retried(run, user)
    assert run_values(retry) == expected_run
    assert table_counts(expected_tables) == expected_tables


@pytest.mark.django_db(transaction=True)
def test_an_importer_killed_while_reading_writes_nothing_and_is_marked_interrupted_then_retried(
    organizations, personas, received, immediate_tasks, tmp_path
):
    # given: an import of a long file, killed while it reads and stages the rows
    path = received(LONG)
    before = everything_but_the_runs()
    with Importer(path, tmp_path) as importer:
        caught = wait_for("a heartbeat before the last row", importer.reading, alive=importer)
        assert UTILITY_LOCK not in importer.locks()  # not merging yet
        importer.kill()
    assert importer.process is not None and importer.process.returncode == -signal.SIGKILL
    assert 0 < caught.rows_done < caught.rows_total == LONG

    # then: nothing written, and the run still seems to be running (nobody was left to say otherwise)
    assert everything_but_the_runs() == before
    run = ImportRun.objects.get()
    assert (run.status, run.finished_at) == (ImportStatus.RUNNING, None)

    # when: its heartbeat is fresh it may be alive; a minute later the check marks it interrupted
    assert services.mark_interrupted_imports() == {"importazioni interrotte": 0}
    with a_minute_later():
        assert services.mark_interrupted_imports() == {"importazioni interrotte": 1}
    assert_marked_interrupted_and_retried_clean(run, path, personas["aem.operatore"].user)


@pytest.mark.django_db(transaction=True)
def test_an_importer_killed_while_merging_writes_nothing_and_is_marked_interrupted_then_retried(
    organizations, personas, received, immediate_tasks, tmp_path
):
    # given: an import killed in its merge, after writing people, customers and supply points
    path = received(SHORT)
    before = everything_but_the_runs()
    with Importer(path, tmp_path, hold_bills=True) as importer:
        locks = wait_for("the merge", importer.merging_with_the_bills_to_write, alive=importer)
        assert locks >= WRITTEN_BEFORE_THE_BILLS
        run = importer.run()
        assert run is not None and run.status == ImportStatus.RUNNING

        # a merge in progress writes no heartbeat: the utility's lock tells it is alive
        with a_minute_later():
            assert services.mark_interrupted_imports() == {"importazioni interrotte": 0}
        assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.RUNNING

        importer.kill()
        # until PostgreSQL ends the killed importer's backend, its merge holds the lock: still alive
        with a_minute_later():
            assert services.mark_interrupted_imports() == {"importazioni interrotte": 0}
    assert importer.process is not None and importer.process.returncode == -signal.SIGKILL

    # then: the transaction rolled back, nothing written; the run is left "in corso"
    assert everything_but_the_runs() == before
    run.refresh_from_db()
    assert (run.status, run.finished_at) == (ImportStatus.RUNNING, None)

    # when: the heartbeat check, once the database has let go of the merge
    with a_minute_later():
        assert services.mark_interrupted_imports() == {"importazioni interrotte": 1}
    assert_marked_interrupted_and_retried_clean(run, path, personas["aem.operatore"].user)


@pytest.mark.django_db(transaction=True)
def test_an_importer_whose_connection_is_terminated_while_merging_fails_at_once_then_is_retried(
    organizations, personas, received, immediate_tasks, tmp_path
):
    # given: an import whose database connection is terminated in its merge
    path = received(SHORT)
    before = everything_but_the_runs()
    with Importer(path, tmp_path, hold_bills=True) as importer:
        locks = wait_for("the merge", importer.merging_with_the_bills_to_write, alive=importer)
        assert locks >= WRITTEN_BEFORE_THE_BILLS
        (backend,) = importer.backends()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        assert importer.process is not None
        importer.process.wait(TIMEOUT)
        importer.release_bills()

    # then: the command fails with the run's message, no traceback
    stderr = importer.stderr()
    assert importer.process.returncode == 1
    assert "Errore di sistema durante l'importazione (OperationalError): nulla è stato scritto" in stderr
    assert "Traceback" not in stderr

    # then: the run failed, recorded on a fresh connection; nothing written; nothing to mark
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and run.finished_at is not None
    assert run.failure.startswith("Errore di sistema durante l'importazione (OperationalError)")
    assert f"l'importazione n. {run.pk}" in run.failure and run.failure in stderr
    assert all(getattr(run, name) == 0 for name in COUNTERS)
    assert everything_but_the_runs() == before
    with a_minute_later():
        assert services.mark_interrupted_imports() == {"importazioni interrotte": 0}

    # then: the retry imports the whole file, as a clean import would
    expected_run, expected_tables = clean_totals(path)
    retry = retried(run, personas["aem.operatore"].user)
    assert run_values(retry) == expected_run
    assert table_counts(expected_tables) == expected_tables
