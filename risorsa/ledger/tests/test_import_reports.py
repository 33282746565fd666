"""What the utility reads of a file: the reasons of its invalid rows grouped, with their counts and
lines, each row's detail kept; a file that waits for a worker that is not running says so; every
reason is stored as a code and its parameters and worded when shown, in the reader's language."""

import csv
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from risorsa.ledger.models import ImportIssue, ImportRun, ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES, import_file, import_sample


def sample_rows() -> tuple[str, list[list[str]]]:
    header, *rows = (SAMPLES / "fatture_ok.csv").read_text(encoding="utf-8").splitlines()
    return header, [row.split(";") for row in rows]


def bills_of_other_customers(tmp_path, codes: set[str] | None = None):
    """The sample's bills again, the customers in `codes` (all by default) under new codes: each
    of their bills is already registered for the customer of the first file."""
    header, rows = sample_rows()
    for row in rows:
        if codes is None or row[0] in codes:
            row[0] = "Z" + row[0][1:]
    path = tmp_path / "fatture-altri-clienti.csv"
    path.write_text("\n".join([header, *(";".join(row) for row in rows)]) + "\n", encoding="utf-8")
    return path


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.django_db(transaction=True)
def test_bills_already_registered_are_one_line_with_their_count_not_one_line_each(
    client_for, utility, tmp_path
):
    # given the sample's bills, then the same bills under other customer codes
    import_sample(utility, "fatture", "fatture_ok.csv")
    run = import_file(utility, "fatture", bills_of_other_customers(tmp_path))
    _header, rows = sample_rows()
    assert (run.status, run.invalid_rows) == (ImportStatus.REJECTED, len(rows))

    # when the operator reads the report
    page = client_for("aem.operatore").get(reverse("ledger:import-detail", args=[run.pk]))
    text = visible_text(page.content.decode())

    # then one line says how many rows and why, with the first rows' numbers and how many more
    (group,) = page.context["issue_groups"]
    assert (group.column, group.reason, group.count) == ("numero_fattura", "bill_in_ledger", len(rows))
    assert text.count("fattura già registrata per") == 1 + len(rows)  # the line, then the detail
    assert f"{len(rows)} righe: fattura già registrata per un altro cliente" in text
    assert f"righe 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 e altre {len(rows) - 10}" in text
    # and each row's detail stays at hand, in the page and as CSV
    assert page.context["issues"].paginator.count == len(rows)
    assert 'data-testid="invalid-rows"' in page.content.decode()
    exported = b"".join(
        client_for("aem.operatore").get(reverse("ledger:import-issues-csv", args=[run.pk])).streaming_content
    )
    detail = list(csv.reader(exported.decode("utf-8-sig").splitlines(), delimiter=";"))[1:]
    assert detail[0] == [
        "2",
        "numero_fattura",
        rows[0][7],
        f"fattura già registrata per il cliente {rows[0][0]}",
    ]
    assert len(detail) == len(rows)


@pytest.mark.django_db(transaction=True)
def test_rows_refused_for_the_same_reason_and_the_same_data_are_named_with_it(client_for, utility, tmp_path):
    import_sample(utility, "fatture", "fatture_ok.csv")
    run = import_file(utility, "fatture", bills_of_other_customers(tmp_path, codes={"C100001"}))
    _header, rows = sample_rows()
    count = sum(1 for row in rows if row[0] == "C100001")
    page = client_for("aem.operatore").get(reverse("ledger:import-detail", args=[run.pk]))
    assert f"{count} righe: fattura già registrata per il cliente C100001" in visible_text(
        page.content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_a_reason_is_stored_as_a_code_and_its_data_and_worded_when_shown(utility, tmp_path):
    import_sample(utility, "fatture", "fatture_ok.csv")
    run = import_file(utility, "fatture", bills_of_other_customers(tmp_path))
    issue = run.issues.first()
    assert (issue.reason, issue.params) == ("bill_in_ledger", {"code": "C100000"})  # not a sentence
    with translation.override("it"):
        assert (
            issue.message
            == 'riga 2: numero_fattura "2010/000001": fattura già registrata per il cliente C100000'
        )
    with translation.override("en"):  # the reader's language, whenever the file was read
        assert issue.reason_text == translation.gettext("fattura già registrata per il cliente %(code)s") % {
            "code": "C100000"
        }


@pytest.mark.django_db(transaction=True)
def test_a_reason_from_a_value_alone_is_a_code_too(utility):
    run = import_sample(utility, "fatture", "fatture_errori.csv")
    codes = list(run.issues.values_list("line", "reason"))
    assert codes == [
        (3, "cf_check"),
        (4, "pod_invalid"),
        (5, "residual_over_amount"),
        (6, "due_before_issue"),
        (7, "amount_decimals"),
        (8, "missing"),
        (9, "service_unknown"),
    ]
    issue = run.issues.get(line=3)
    with translation.override("en"):
        assert issue.reason_text == translation.gettext("carattere di controllo errato")
    with translation.override("it"):
        assert issue.reason_text == "carattere di controllo errato"


@pytest.mark.django_db
def test_a_report_stored_before_the_codes_still_reads(client_for, utility):
    run = ImportRun.objects.create(
        utility=utility, kind="fatture", as_of="2010-02-28", file_name="vecchio.csv", status="rifiutato"
    )
    ImportIssue.objects.create(run=run, line=2, column="importo", value="1,234", reason="più di 2 decimali")
    run.warnings = ["Colonne sconosciute ignorate: extra."]
    run.invalid_rows = 1
    run.save()
    page = visible_text(
        client_for("aem.operatore").get(reverse("ledger:import-detail", args=[run.pk])).content.decode()
    )
    assert "1 riga: più di 2 decimali" in page and "Colonne sconosciute ignorate: extra." in page


def queued_run(utility) -> ImportRun:
    return ImportRun.objects.create(
        utility=utility,
        kind="fatture",
        as_of="2010-02-28",
        file_name="in-coda.csv",
        file_path="/x",
        sha256="",
    )


@pytest.mark.django_db
def test_a_file_queued_for_more_than_30_seconds_says_the_worker_may_not_be_running(client_for, utility):
    run = queued_run(utility)
    client = client_for("aem.operatore")
    url = reverse("ledger:import-detail", args=[run.pk])
    with time_machine.travel(run.created_at + timedelta(seconds=31)):
        page = client.get(url).content.decode()
        partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
        listed = client.get(reverse("ledger:import-list")).content.decode()
    for html in (page, partial):
        text = visible_text(html)
        assert "L'importazione non è ancora partita:" in text
        assert "make run" in text and "contatta l'amministratore" in text
        assert 'hx-trigger="every 1s"' in html  # and the page keeps waiting for it
    assert "<html" not in partial
    assert "non ancora partita" in listed


@pytest.mark.django_db
def test_a_file_queued_5_seconds_ago_shows_no_such_notice(client_for, utility):
    run = queued_run(utility)
    client = client_for("aem.operatore")
    url = reverse("ledger:import-detail", args=[run.pk])
    with time_machine.travel(run.created_at + timedelta(seconds=5)):
        partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "non è ancora partita" not in partial and 'hx-trigger="every 1s"' in partial


@pytest.mark.django_db
def test_a_started_file_shows_no_such_notice_however_long_it_runs(client_for, utility):
    run = queued_run(utility)
    run.status, run.started_at = ImportStatus.RUNNING, timezone.now()
    run.heartbeat_at = run.started_at
    run.save()
    with time_machine.travel(run.created_at + timedelta(seconds=40)):
        run.heartbeat_at = timezone.now()
        run.save()
        page = client_for("aem.operatore").get(reverse("ledger:import-detail", args=[run.pk]))
    assert "non è ancora partita" not in page.content.decode()


@pytest.mark.django_db
def test_the_upload_form_explains_every_import_mode(client_for, utility):
    page = visible_text(client_for("aem.operatore").get(reverse("ledger:import-create")).content.decode())
    assert "Incrementale (la solita): il file aggiunge le fatture nuove" in page
    assert "Completa (solo per le fatture): il file elenca tutte le fatture aperte" in page
    assert "Pagamenti ed eventi si importano sempre in modo incrementale" in page
