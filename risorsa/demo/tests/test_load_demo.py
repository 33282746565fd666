"""`load_demo` on an empty database: refused outside development, on the first days of an edition,
at the size of a territory. What the demo holds is checked once in test_demo_in_time.py."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Q

from risorsa.coordination.models import Deadline
from risorsa.demo.clock import DemoClock, cycle_of
from risorsa.demo.management.commands.load_demo import edition_names
from risorsa.registry.models import Person
from risorsa.workprogram.models import PARTICIPATING, Edition, Referral, ReferralStatus, Timesheet

ROME = ZoneInfo("Europe/Rome")


@pytest.mark.django_db
def test_refuses_to_load_outside_development_or_demo(settings):
    settings.DEBUG = False
    settings.DEMO = False
    with pytest.raises(CommandError, match="solo con DEBUG=1 o RISORSA_DEMO=1"):
        call_command("load_demo", stdout=StringIO())
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_loads_on_the_first_days_of_an_edition_with_the_completed_editions_named_as_asked(settings):
    settings.DEMO = True
    today = date(2026, 9, 2)
    with time_machine.travel(datetime(2026, 9, 2, 10, tzinfo=ROME), tick=False):
        call_command("load_demo", "--edizioni", "2009/10, 2010/11", "--senza-barra", stdout=StringIO())
    editions = Edition.objects.order_by("starts_on")
    assert [(e.name, e.starts_on) for e in editions] == [
        ("2009/10", date(2024, 9, 1)),
        ("2010/11", date(2025, 9, 1)),
        ("2026/27", date(2026, 9, 1)),
    ]
    people = {
        edition.name: Referral.objects.filter(edition=edition, status__in=PARTICIPATING).aggregate(
            people=Count("person"), men=Count("person", filter=Q(person__sex="M"))
        )
        for edition in editions
    }
    assert people["2009/10"] == {"people": 22, "men": 14}
    assert people["2010/11"] == {"people": 52, "men": 35}
    # the current edition's people were referred in the last days of August at the earliest
    current = Referral.objects.filter(edition__name="2026/27")
    assert current.aggregate(first=Max("referred_on"))["first"] <= today
    assert current.order_by("referred_on").first().referred_on >= date(2026, 8, 20)
    assert current.filter(status=ReferralStatus.WORKING).exists()
    assert not Timesheet.objects.filter(submitted_on__gt=today).exists()
    assert not Deadline.objects.open().filter(due_on__lt=today - timedelta(days=90)).exists()


def test_the_demo_clock_names_the_last_two_completed_cycles_and_the_current_one():
    def names(today):
        return [cycle.name for cycle in DemoClock(today=today).editions()]

    assert names(date(2026, 11, 28)) == ["2024/25", "2025/26", "2026/27"]
    assert names(date(2027, 8, 31)) == ["2024/25", "2025/26", "2026/27"]
    assert names(date(2027, 9, 1)) == ["2025/26", "2026/27", "2027/28"]
    named = DemoClock(today=date(2026, 11, 28)).editions(("2009/10", "2010/11"))
    assert [(c.name, c.starts_on, c.ends_on) for c in named[:2]] == [
        ("2009/10", date(2024, 9, 1), date(2025, 8, 31)),
        ("2010/11", date(2025, 9, 1), date(2026, 8, 31)),
    ]
    assert cycle_of(date(2026, 9, 1)).cutoff == date(2026, 8, 31)  # a Monday: the utility's last extraction
    clock = DemoClock(today=date(2026, 11, 30))  # a Monday
    assert (clock.extraction, clock.first_extraction) == (date(2026, 11, 27), date(2026, 5, 29))


def test_the_names_of_the_completed_editions_are_two_separated_by_a_comma():
    assert edition_names("2009/10,2010/11") == ("2009/10", "2010/11")
    for wrong in ("2009/10", "2009/10,,", "a,b,c", "x" * 21 + ",b"):
        with pytest.raises(CommandError, match="due nomi"):
            edition_names(wrong)


@pytest.mark.django_db(transaction=True)
def test_at_scale_it_adds_customers_through_the_importer_and_repeats_without_duplicating(settings, tmp_path):
    from risorsa.ledger.models import Bill, Customer, ImportRun, Payment
    from risorsa.protection.models import Protection

    settings.DEMO = True
    settings.VAR_DIR = tmp_path
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=ROME), tick=False):
        call_command("load_demo", "--scala", "1500", "--senza-barra", stdout=StringIO())
        synthetic = Customer.objects.filter(code__regex=r"^C[0-9]{9}$")
        assert synthetic.count() == 1500
        assert Bill.objects.filter(customer__in=synthetic).count() == 15000
        assert Payment.objects.filter(customer__in=synthetic).count() == 750
        assert Protection.objects.filter(customer__in=synthetic, status="attiva").count() == 2  # one in 1,000
        assert set(synthetic.values_list("municipality__code", flat=True)) == {"comune"}
        # on the demo's clock too: bills of the last year and more, paid in the months since
        bills = Bill.objects.filter(customer__in=synthetic).aggregate(last=Max("as_of"))
        payments = Payment.objects.filter(customer__in=synthetic).aggregate(last=Max("paid_on"))
        assert bills["last"] == date(2026, 7, 17)
        assert payments["last"] < date(2026, 11, 20)
        before = (ImportRun.objects.count(), Bill.objects.count(), Protection.objects.count())
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=ROME), tick=False):
        call_command("load_demo", "--scala", "1500", "--senza-barra", stdout=StringIO())
    assert (ImportRun.objects.count(), Bill.objects.count(), Protection.objects.count()) == before
