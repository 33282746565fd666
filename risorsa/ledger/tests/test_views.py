from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risorsa.audit.models import AccessLog
from risorsa.ledger import services
from risorsa.ledger.models import Bill, ImportRun, ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES, import_sample


def upload(client, name, django_capture_on_commit_callbacks, **fields):
    data = {"kind": "fatture", "mode": "incrementale", "as_of": "28/02/2010"} | fields
    data["file"] = SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("ledger:import-create"), data)


@pytest.mark.django_db
def test_utility_operator_uploads_a_file_and_reads_the_report(
    client_for, utility, immediate_tasks, django_capture_on_commit_callbacks
):
    client = client_for("aem.operatore")
    response = upload(client, "fatture_ok.csv", django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("ledger:import-detail", args=[run.pk])
    assert (run.status, run.created, run.started_by.username) == (ImportStatus.DONE, 45, "aem.operatore")
    page = client.get(response["Location"]).content.decode()
    assert "Importazione completata: 45 nuove, 0 aggiornate, 0 invariate, 0 chiuse, 0 superate." in page


@pytest.mark.django_db
def test_a_rejected_upload_lists_its_invalid_rows_and_offers_them_as_csv(
    client_for, utility, immediate_tasks, django_capture_on_commit_callbacks
):
    client = client_for("aem.operatore")
    response = upload(client, "fatture_errori.csv", django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert "File rifiutato: 7 righe non valide." in page
    assert "carattere di controllo errato" in page
    run = ImportRun.objects.get()
    csv = b"".join(client.get(reverse("ledger:import-issues-csv", args=[run.pk])).streaming_content).decode()
    assert csv.count("\n") == 8
    assert "3;codice_fiscale;RSSMRA61C14D150A;carattere di controllo errato" in csv
    assert not Bill.objects.exists()


@pytest.mark.django_db
def test_the_progress_partial_polls_until_the_import_ends(client_for, utility, personas):
    run = ImportRun.objects.create(
        utility=utility,
        kind="fatture",
        as_of="2010-02-28",
        file_name="x.csv",
        file_path="/x",
        sha256="",
        rows_total=200,
    )
    run.rows_done = 50
    run.status = ImportStatus.RUNNING
    run.save()
    partial = client_for("aem.lettore").get(
        reverse("ledger:import-detail", args=[run.pk]), headers={"HX-Request": "true"}
    )
    body = partial.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "25%" in body
    assert "<html" not in body


@pytest.mark.django_db
def test_another_utility_sees_neither_the_files_nor_the_customers(client_for, utility, organizations):
    from risorsa.organizations.tests.factories import MembershipFactory, OrganizationFactory

    run = import_sample(utility, "fatture", "fatture_ok.csv")
    other = MembershipFactory(organization=OrganizationFactory(kind="GESTORE", code="altro"))
    from conftest import login

    client = login(other)
    assert client.get(reverse("ledger:import-detail", args=[run.pk])).status_code == 404
    customer = utility.customers.first()
    assert client.get(reverse("ledger:customer-detail", args=[customer.pk])).status_code == 404
    assert list(client.get(reverse("ledger:arrears")).context["page"].object_list) == []


@pytest.mark.django_db
def test_customer_page_shows_balance_and_aging_and_audits_the_read(client_for, utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    customer = utility.customers.get(code="C100000")
    services.create_credit(
        customer=customer,
        kind="COMUNE",
        amount=Decimal("100.00"),
        reason="contributo",
        created_on=date(2010, 3, 1),
    )
    response = client_for("aem.operatore").get(reverse("ledger:customer-detail", args=[customer.pk]))
    account = response.context["account"]
    assert (account.unpaid, account.in_transit, account.balance) == (
        Decimal("383.26"),
        Decimal("100.00"),
        Decimal("283.26"),
    )
    assert sum(account.aging.values()) == Decimal("383.26")
    assert "283,26\u00a0€" in response.content.decode()
    assert AccessLog.objects.filter(person=customer.person, organization=utility).count() == 1


@pytest.mark.django_db
def test_arrears_list_filters_sorts_and_exports(client_for, utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    client = client_for("comune.operatore")
    everyone = client.get(reverse("ledger:arrears")).context["page"].object_list
    assert [c.code for c in everyone][:2] == ["C100002", "C100001"]
    assert len(everyone) == 8
    rich = client.get(reverse("ledger:arrears"), {"minimo": "1.000,00"}).context["page"].object_list
    assert {c.code for c in rich} == {"C100001", "C100002", "C100007"}
    by_code = client.get(reverse("ledger:arrears"), {"ordine": "codice"}).context["page"].object_list
    assert [c.code for c in by_code] == sorted(c.code for c in by_code)
    gas = client.get(reverse("ledger:arrears"), {"servizio": "GAS"}).context["page"].object_list
    assert all(c.unpaid > 0 for c in gas)
    csv = b"".join(client.get(reverse("ledger:arrears-export", args=["csv"])).streaming_content).decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[0].startswith("codice_cliente;gestore;cognome")
    assert "C100002;" in csv and "2284,93" in csv
    xlsx = client.get(reverse("ledger:arrears-export", args=["xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(xlsx.streaming_content)
    assert content[:2] == b"PK"
    import io
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<v>2284.93</v>" in sheet  # the amount, exactly


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_arrears_and_customer_page_queries_do_not_grow_with_the_data(client_for, utility, tmp_path):
    from risorsa.demo.synthetic import write_bills
    from risorsa.ledger.tests.helpers import import_file

    client = client_for("aem.operatore")
    import_file(utility, "fatture", write_bills(tmp_path / "few.csv", 20))
    customer = utility.customers.order_by("pk").first()
    few = (
        _queries(client, reverse("ledger:arrears")),
        _queries(client, reverse("ledger:customer-detail", args=[customer.pk])),
    )
    assert (
        import_file(utility, "fatture", write_bills(tmp_path / "many.csv", 600)).status == ImportStatus.DONE
    )
    many = (
        _queries(client, reverse("ledger:arrears")),
        _queries(client, reverse("ledger:customer-detail", args=[customer.pk])),
    )
    assert many == few


@pytest.mark.django_db
def test_a_credit_never_exceeds_what_its_bill_still_owes(utility):
    from datetime import date

    from risorsa.core.exceptions import DomainError
    from risorsa.ledger import services

    import_sample(utility, "fatture", "fatture_ok.csv")
    bill = Bill.objects.get(number="2010/000002")
    first = services.create_credit(
        customer=bill.customer,
        kind="COMUNE",
        amount=Decimal("300.00"),
        reason="quota",
        created_on=date(2010, 3, 1),
        bill=bill,
    )
    assert first.reference == f"CM-2010-{first.pk:06d}"
    with pytest.raises(DomainError, match="supera quanto resta da pagare"):
        services.create_credit(
            customer=bill.customer,
            kind="COMUNE",
            amount=Decimal("83.27"),
            reason="quota",
            created_on=date(2010, 3, 1),
            bill=bill,
        )
