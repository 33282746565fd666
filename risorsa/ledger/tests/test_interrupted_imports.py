"""Faults survived, users told (issue 10): an import that stops half-way is marked interrupted
within a minute and can be retried; a finished run keeps its start time; a failure is recorded
even when the database connection was what failed; the merge's lock lets the utility's pages go on.
"""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from risorsa.ledger import services
from risorsa.ledger.importing import engine
from risorsa.ledger.models import ImportRun, ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES, import_sample


def stopped_half_way(client, django_capture_on_commit_callbacks, monkeypatch) -> ImportRun:
    """An upload whose worker died while reading it: the run stays "in corso", its heartbeat old."""
    monkeypatch.setattr(services, "enqueue_import", lambda run: None)  # the worker never comes
    data = {"kind": "fatture", "mode": "incrementale", "as_of": "28/02/2010"}
    data["file"] = SimpleUploadedFile(
        "fatture_ok.csv", (SAMPLES / "fatture_ok.csv").read_bytes(), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger:import-create"), data)
    run = ImportRun.objects.get()
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING, started_at=two_minutes_ago, heartbeat_at=two_minutes_ago, rows_done=20
    )
    monkeypatch.undo()
    return run


@pytest.mark.django_db
def test_a_run_that_stopped_is_marked_interrupted_and_its_page_offers_a_retry(
    client_for, utility, immediate_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for("aem.operatore")
    run = stopped_half_way(client, django_capture_on_commit_callbacks, monkeypatch)

    # The page polled every second finds it stopped: no more polling, the reason, a retry.
    page = client.get(reverse("ledger:import-detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    body = page.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "Importazione interrotta" in run.failure
    assert 'hx-trigger="every 1s"' not in body and "Importazione interrotta" in body
    assert 'data-testid="retry"' in body
    assert client_for("aem.lettore").get(reverse("ledger:import-detail", args=[run.pk])).status_code == 200

    # Retry: the stored file imported again by a new run, all of it.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:import-retry", args=[run.pk]))
    retry = ImportRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("ledger:import-detail", args=[retry.pk])
    assert (retry.status, retry.created, retry.file_name) == (ImportStatus.DONE, 45, "fatture_ok.csv")
    run.refresh_from_db()
    assert run.file_path == ""  # the file is the retry's now: its retention goes with it
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("ledger:import-retry", args=[run.pk]))
    assert again.status_code == 302 and ImportRun.objects.count() == 2  # refused, nothing queued


@pytest.mark.django_db
def test_a_live_run_is_left_alone_and_the_daily_follow_up_marks_the_stopped_ones(
    client_for, utility, immediate_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    from risorsa.coordination.daily import follow_up

    run = stopped_half_way(client_for("aem.operatore"), django_capture_on_commit_callbacks, monkeypatch)
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=20))
    assert follow_up()["importazioni interrotte"] == {"importazioni interrotte": 0}
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=70))
    assert follow_up()["importazioni interrotte"] == {"importazioni interrotte": 1}
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_finished_run_keeps_its_start_time(utility):
    run = import_sample(utility, "fatture", "fatture_ok.csv")
    run.refresh_from_db()
    assert run.started_at is not None and run.started_at <= run.heartbeat_at <= run.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_recorded_even_when_the_connection_was_what_failed(utility, monkeypatch):
    def lost_connection(context):
        raise DatabaseError("server closed the connection unexpectedly")

    finish = engine._finish
    calls = []

    def first_save_fails(run, status):
        calls.append(status)
        if len(calls) == 1:
            raise DatabaseError("connection already closed")
        finish(run, status)

    monkeypatch.setattr(engine.bills, "merge", lost_connection)
    monkeypatch.setattr(engine, "_finish", first_save_fails)
    with pytest.raises(engine.ImportFailed):
        import_sample(utility, "fatture", "fatture_ok.csv")
    run = ImportRun.objects.get()
    assert (run.status, run.created) == (ImportStatus.FAILED, 0)
    assert calls == [ImportStatus.FAILED, ImportStatus.FAILED]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_the_merge_lock_lets_the_utilitys_other_writes_go_on(utility, personas):
    """A page view writes an access row that references the utility: it must not wait for a merge."""
    from risorsa.audit.models import AccessLog

    locked, done = threading.Event(), threading.Event()
    outcome = {}

    def merge_holding_the_lock():
        try:
            with transaction.atomic():
                engine.lock_utility(utility.pk)
                locked.set()
                done.wait(10)
        finally:
            connections.close_all()

    merging = threading.Thread(target=merge_holding_the_lock)
    merging.start()
    assert locked.wait(10)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            AccessLog.objects.create(
                user=personas["aem.operatore"].user,
                organization=utility,
                what="ledger:customer-detail",
                path="/ledger/customers/1/",
                rows=1,
            )
            outcome["written"] = True
    finally:
        done.set()
        merging.join()
    assert outcome == {"written": True}
