"""The shared samples give exactly the results written in formats/samples/README.md."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from risorsa.core.money import quantize
from risorsa.ledger.models import Bill, Customer, DunningEvent, ImportStatus, MeterEvent, Payment, SupplyPoint
from risorsa.ledger.tests.helpers import import_sample
from risorsa.registry.models import Person

UNPAID_AFTER_BILLS = {
    "C100000": "383.26",
    "C100001": "1305.18",
    "C100002": "2284.93",
    "C100003": "620.95",
    "C100004": "799.30",
    "C100005": "950.21",
    "C100006": "541.38",
    "C100007": "1112.62",
}


def totals():
    bills = Bill.objects.aggregate(billed=Sum("amount"), unpaid=Sum("residual"))
    return quantize(bills["billed"]), quantize(bills["unpaid"])


def unpaid_by_customer():
    rows = Bill.objects.values("customer__code").annotate(unpaid=Sum("residual")).order_by("customer__code")
    return {row["customer__code"]: str(quantize(row["unpaid"])) for row in rows}


def snapshot():
    return (
        list(Bill.objects.order_by("number").values_list("number", "residual", "as_of", "changed_run_id")),
        Person.objects.count(),
        Customer.objects.count(),
        SupplyPoint.objects.count(),
        Payment.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_step_1_creates_45_bills_8_customers_8_people_15_supply_points(utility):
    run = import_sample(utility, "fatture", "fatture_ok.csv")
    assert run.status == ImportStatus.DONE
    assert (run.created, run.updated, run.unchanged, run.people_created) == (45, 0, 0, 8)
    assert Bill.objects.count() == 45
    assert Customer.objects.count() == 8
    assert Person.objects.count() == 8
    assert SupplyPoint.objects.count() == 15
    assert totals() == (Decimal("10981.30"), Decimal("7997.83"))
    assert unpaid_by_customer() == UNPAID_AFTER_BILLS
    rossi = Person.objects.get(codice_fiscale="RSSMRA61C14D150U")
    assert (rossi.surname, rossi.name, rossi.birth_date, rossi.sex) == (
        "ROSSI",
        "MARIO",
        date(1961, 3, 14),
        "M",
    )
    assert rossi.organization.code == "comune"


@pytest.mark.django_db(transaction=True)
def test_step_2_the_same_file_again_changes_nothing(utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    before = snapshot()
    run = import_sample(utility, "fatture", "fatture_ok.csv")
    assert (run.created, run.updated, run.unchanged, run.closed, run.superseded) == (0, 0, 45, 0, 0)
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_step_3_the_file_with_errors_is_rejected_whole_with_its_7_invalid_rows(utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    before = snapshot()
    run = import_sample(utility, "fatture", "fatture_errori.csv")
    assert run.status == ImportStatus.REJECTED
    assert run.invalid_rows == 7
    messages = [issue.message for issue in run.issues.all()]
    assert messages == [
        'riga 3: codice_fiscale "RSSMRA61C14D150A": carattere di controllo errato',
        'riga 4: punto_fornitura "IT12E123": POD non valido per ENERGIA (IT + 3 cifre + E + 8 cifre)',
        'riga 5: importo_residuo "9.999,99": maggiore dell\'importo della fattura',
        'riga 6: data_scadenza "01/01/2009": precede la data di emissione',
        'riga 7: importo "12,345": più di 2 decimali',
        'riga 8: numero_fattura "": valore mancante',
        'riga 9: servizio "TELEFONO": servizio sconosciuto (ENERGIA, GAS o ACQUA)',
    ]
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_the_file_with_errors_writes_nothing_into_an_empty_database(utility):
    run = import_sample(utility, "fatture", "fatture_errori.csv")
    assert run.status == ImportStatus.REJECTED
    assert (Bill.objects.count(), Person.objects.count(), Customer.objects.count()) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_steps_4_and_5_payments_pay_their_bills_once(utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    run = import_sample(utility, "pagamenti", "pagamenti_ok.csv")
    assert (run.status, run.created) == (ImportStatus.DONE, 6)
    assert quantize(Payment.objects.aggregate(total=Sum("amount"))["total"]) == Decimal("766.02")
    assert totals()[1] == Decimal("7231.81")
    for payment in Payment.objects.select_related("bill"):
        assert payment.bill.residual == 0
    before = snapshot()
    again = import_sample(utility, "pagamenti", "pagamenti_ok.csv")
    assert (again.created, again.unchanged) == (0, 6)
    assert snapshot() == before
    assert totals()[1] == Decimal("7231.81")


@pytest.mark.django_db(transaction=True)
def test_step_6_three_events_on_rossi_mario(utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    import_sample(utility, "pagamenti", "pagamenti_ok.csv")
    run = import_sample(utility, "eventi", "eventi_ok.csv")
    assert (run.status, run.created) == (ImportStatus.DONE, 3)
    events = [
        (event.customer.code, event.customer.person.full_name, event.kind, event.occurred_on)
        for event in MeterEvent.objects.select_related("customer__person").order_by("occurred_on")
    ]
    assert events == [
        ("C100000", "ROSSI MARIO", "RIDUZIONE_POTENZA", date(2010, 2, 10)),
        ("C100000", "ROSSI MARIO", "SOSPENSIONE", date(2010, 3, 1)),
        ("C100000", "ROSSI MARIO", "RIATTIVAZIONE", date(2010, 3, 3)),
    ]
    assert not DunningEvent.objects.exists()
    assert import_sample(utility, "eventi", "eventi_ok.csv").unchanged == 3
