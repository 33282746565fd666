"""Ageing counts each open bill's days past due up to today, in Rome (DOMAIN.md: 0-30, 31-90,
91-180, over 180 days past due), whatever day the utility extracted the bill; the list, its
filter, its export and the customer page read it from one function and say on which day."""

import csv
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from risorsa.ledger.forms import ArrearsFilterForm
from risorsa.ledger.models import Customer
from risorsa.ledger.tests.helpers import bills_file, import_file

TODAY = date(2010, 9, 15)
# Late in the evening in Rome: already the next day in no time zone west of it, still today here.
NOW = datetime(2010, 9, 15, 23, 30, tzinfo=ZoneInfo("Europe/Rome"))
COLUMNS = {"0-30": "aged_0_30", "31-90": "aged_31_90", "91-180": "aged_91_180", "180+": "aged_180"}


def bucket_of(days_past_due: int) -> str:
    """The domain's rule, written out."""
    if days_past_due <= 30:
        return "0-30"
    if days_past_due <= 90:
        return "31-90"
    if days_past_due <= 180:
        return "91-180"
    return "180+"


@pytest.mark.parametrize("extracted_days_after_due", [1, 40, 100])
@pytest.mark.django_db
def test_a_bill_due_100_days_ago_is_in_the_91_180_bucket_whatever_its_extraction_date(
    client_for, utility, tmp_path, extracted_days_after_due
):
    # given a bill of 120,00 € due 100 days ago, extracted 1, 40 or 100 days after its due date
    due = TODAY - timedelta(days=100)
    as_of = due + timedelta(days=extracted_days_after_due)
    path = bills_file(tmp_path, [(0, 0, 12_000, 100, extracted_days_after_due)], 1, as_of)
    with time_machine.travel(NOW, tick=False):
        import_file(utility, "fatture", path, as_of=as_of)
        expected = {key: Decimal("120.00") if key == bucket_of(100) else Decimal("0.00") for key in COLUMNS}
        assert bucket_of(100) == "91-180"
        client = client_for("aem.operatore")

        # when the list, each of its filters, its export and the customer page are read today
        (listed,) = client.get(reverse("ledger:arrears")).context["page"].object_list
        found = {
            key: [c.pk for c in client.get(reverse("ledger:arrears"), {"anzianita": key}).context["page"]]
            for key in COLUMNS
        }
        export = b"".join(client.get(reverse("ledger:arrears-export", args=["csv"])).streaming_content)
        header, row = csv.reader(export.decode("utf-8-sig").splitlines(), delimiter=";")
        account = client.get(reverse("ledger:customer-detail", args=[listed.pk])).context["account"]

    # then each shows the bill in the bucket of its days past due today
    assert {key: getattr(listed, name) for key, name in COLUMNS.items()} == expected
    assert found == {key: [listed.pk] if amount else [] for key, amount in expected.items()}
    exported = dict(zip(header, row, strict=True))
    assert [exported[key] for key in ("0-30", "31-90", "91-180", "oltre_180")] == [
        f"{amount:.2f}".replace(".", ",") for amount in expected.values()
    ]
    assert {bucket.key: amount for bucket, amount in account.aging.items()} == expected
    assert account.aged_on == TODAY


@pytest.mark.django_db
def test_a_bill_moves_to_the_next_bucket_as_the_days_pass_without_any_import(client_for, utility, tmp_path):
    as_of = date(2010, 6, 30)
    import_file(utility, "fatture", bills_file(tmp_path, [(0, 0, 5_000, 100, 0)], 1, as_of), as_of=as_of)
    customer = Customer.objects.get()
    for days in (0, 30, 31, 90, 91, 180, 181):
        with time_machine.travel(
            datetime(2010, 6, 30, 12, tzinfo=ZoneInfo("Europe/Rome")) + timedelta(days=days)
        ):
            account = client_for("aem.operatore").get(reverse("ledger:customer-detail", args=[customer.pk]))
        aged = {bucket.key: amount for bucket, amount in account.context["account"].aging.items() if amount}
        assert aged == {bucket_of(days): Decimal("50.00")}, days


@pytest.mark.django_db
def test_the_list_the_filter_and_the_customer_page_say_the_day_the_ageing_is_counted_on(
    client_for, utility, tmp_path
):
    as_of = date(2010, 9, 1)
    import_file(utility, "fatture", bills_file(tmp_path, [(0, 0, 5_000, 100, 10)], 1, as_of), as_of=as_of)
    with time_machine.travel(NOW, tick=False):
        client = client_for("comune.operatore")
        page = client.get(reverse("ledger:arrears")).content.decode()
        partial = client.get(reverse("ledger:arrears"), headers={"HX-Request": "true"}).content.decode()
        customer = client.get(reverse("ledger:customer-detail", args=[Customer.objects.get().pk]))
    assert re.search(r'<label for="id_anzianita" class="[^"]*">Anzianità al 15/09/2010</label>', page)
    for html in (page, partial, customer.content.decode()):
        assert "Anzianità al 15/09/2010" in html
    assert "oltre 180 giorni" in partial  # the columns say what they count


def test_the_ageing_filter_options_are_translated_when_shown_not_when_loaded():
    choices = dict(ArrearsFilterForm().fields["anzianita"].choices)
    assert all(isinstance(choices[key], Promise) for key in COLUMNS)
    with translation.override("it"):
        assert [str(choices[key]) for key in COLUMNS] == [
            "0-30 giorni",
            "31-90 giorni",
            "91-180 giorni",
            "oltre 180 giorni",
        ]
    with translation.override("en"):
        assert [str(choices[key]) for key in COLUMNS] == [
            translation.gettext(message)
            for message in ("0-30 giorni", "31-90 giorni", "91-180 giorni", "oltre 180 giorni")
        ]
