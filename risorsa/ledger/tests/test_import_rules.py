from datetime import date

import pytest

from risorsa.ledger.models import Bill, BillRevision, ImportRun, ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES, import_file, import_sample


def _without(tmp_path, numbers):
    lines = [
        line
        for line in (SAMPLES / "fatture_ok.csv").read_text().splitlines()
        if line.split(";")[7] not in numbers
    ]
    path = tmp_path / "fatture-meno.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.django_db(transaction=True)
def test_full_mode_closes_the_open_bills_the_file_no_longer_lists(utility, tmp_path):
    import_sample(utility, "fatture", "fatture_ok.csv")
    run = import_file(
        utility, "fatture", _without(tmp_path, {"2010/000002"}), as_of=date(2010, 3, 31), mode="completo"
    )
    assert (run.status, run.closed) == (ImportStatus.DONE, 1)
    closed = Bill.objects.get(number="2010/000002")
    assert (closed.residual, closed.closed_on) == (0, date(2010, 3, 31))
    assert BillRevision.objects.get(bill=closed).previous_residual == closed.amount


@pytest.mark.django_db(transaction=True)
def test_incremental_mode_leaves_absent_bills_alone(utility, tmp_path):
    import_sample(utility, "fatture", "fatture_ok.csv")
    run = import_file(utility, "fatture", _without(tmp_path, {"2010/000002"}), as_of=date(2010, 3, 31))
    assert run.closed == 0
    assert Bill.objects.get(number="2010/000002").closed_on is None


@pytest.mark.django_db(transaction=True)
def test_an_older_snapshot_is_skipped_as_superseded(utility):
    import_sample(utility, "fatture", "fatture_ok.csv", as_of=date(2010, 3, 31))
    run = import_sample(utility, "fatture", "fatture_ok.csv", as_of=date(2010, 1, 31))
    assert (run.created, run.updated, run.unchanged, run.superseded) == (0, 0, 0, 45)
    assert set(Bill.objects.values_list("as_of", flat=True)) == {date(2010, 3, 31)}


@pytest.mark.django_db(transaction=True)
def test_windows_1252_and_comma_delimited_files_are_read(utility, tmp_path):
    text = (SAMPLES / "fatture_ok.csv").read_text().replace("Via Dante 1", "Via Nicolò 1")
    rows = [line.split(";") for line in text.splitlines()]
    path = tmp_path / "excel.csv"
    with path.open("w", encoding="cp1252", newline="") as out:
        import csv

        csv.writer(out, delimiter=",").writerows(
            [[cell.upper() if i == 0 else cell for cell in row] for i, row in enumerate(rows)]
        )
    run = import_file(utility, "fatture", path)
    assert (run.status, run.created) == (ImportStatus.DONE, 45)
    assert Bill.objects.filter(supply_point__address__contains="Nicolò").exists()


@pytest.mark.django_db(transaction=True)
def test_a_payment_without_bill_number_pays_the_oldest_open_bills_first(utility, tmp_path):
    from decimal import Decimal

    import_sample(utility, "fatture", "fatture_ok.csv")
    open_bills = list(Bill.objects.filter(customer__code="C100001", residual__gt=0).order_by("due_on"))
    first, second = open_bills[0], open_bills[1]
    paid = first.residual + Decimal("10.00")
    path = tmp_path / "pagamenti.csv"
    path.write_text(
        "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale\n"
        f"PX1;C100001;;15/03/2010;{str(paid).replace('.', ',')};SPORTELLO\n"
    )
    run = import_file(utility, "pagamenti", path)
    assert run.status == ImportStatus.DONE
    first.refresh_from_db()
    second_before = second.residual
    second.refresh_from_db()
    assert first.residual == 0
    assert second.residual == second_before - Decimal("10.00")
    assert import_file(utility, "pagamenti", path).unchanged == 1
    second.refresh_from_db()
    assert second.residual == second_before - Decimal("10.00")


@pytest.mark.django_db(transaction=True)
def test_a_system_failure_shows_and_logs_no_row_value(utility, monkeypatch, caplog):
    """Issue 9, point 7: a database error's text quotes rows; users and the log read none of it."""
    from django.db import IntegrityError

    from risorsa.ledger.importing import bills
    from risorsa.ledger.importing.engine import ImportFailed

    def failing_merge(context):
        raise IntegrityError('duplicate key value (codice_fiscale)=(RSSMRA61C14D150U) "ROSSI MARIO"')

    monkeypatch.setattr(bills, "merge", failing_merge)
    with pytest.raises(ImportFailed) as failure:
        import_sample(utility, "fatture", "fatture_ok.csv")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert "IntegrityError" in run.failure and f"n. {run.pk}" in run.failure
    for text in (run.failure, str(failure.value), caplog.text):
        assert "RSSMRA61C14D150U" not in text and "ROSSI" not in text
    assert not Bill.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_line_reports_a_system_failure_without_a_traceback(utility, monkeypatch):
    from django.core.management import CommandError, call_command

    from risorsa.ledger.importing import bills

    def failing_merge(context):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bills, "merge", failing_merge)
    with pytest.raises(CommandError) as refusal:
        call_command(
            "importa",
            "fatture",
            str(SAMPLES / "fatture_ok.csv"),
            "--al",
            "2010-02-28",
            "--gestore",
            "aem",
            "--senza-barra",
        )
    assert ImportRun.objects.count() == 1, str(refusal.value)
    run = ImportRun.objects.get()
    assert str(refusal.value) == run.failure and f"n. {run.pk}" in run.failure
