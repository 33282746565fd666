"""The demo, loaded once for this module on a fixed day, tells one story on one clock: two years of
bills up to the last working day before that day, the protections of six months ago and what they
achieved, the seed's two editions of the work program as the last two completed cycles and the
current one under way. Each test runs in its own savepoint of the loaded demo, so a test may
change it (run the daily follow-up, load the demo again) without the others seeing it."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.test.utils import override_settings
from django.utils import timezone

from risorsa.coordination.models import Deadline
from risorsa.core.money import quantize
from risorsa.ledger.models import (
    Allocation,
    Bill,
    BillHold,
    Credit,
    CreditKind,
    CreditStatus,
    Customer,
    ImportRun,
    Payment,
)
from risorsa.ledger.selectors import aged_amounts
from risorsa.organizations.models import Membership, Organization, OrganizationKind
from risorsa.protection import steps as protection_steps
from risorsa.protection.models import Incident, Protection, ProtectionStatus
from risorsa.protection.selectors import outcomes_for
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Citizenship, Household, Isee, Person, Sex, SocialAssessment
from risorsa.repayment.models import PlanStatus, RepaymentPlan
from risorsa.reports.selectors import edition_report
from risorsa.workprogram import steps as work_steps
from risorsa.workprogram.models import (
    PARTICIPATING,
    ContractStatus,
    ContractText,
    Edition,
    EndOutcome,
    Referral,
    ReferralStatus,
    SocialContract,
    Timesheet,
    TimesheetStatus,
    Track,
)

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 20)  # a Friday; the demo is loaded on it and every test travels there
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ROME)
USERNAMES = [
    f"{org}.{role}"
    for org in ("comune", "aem", "ponte", "crema", "a2a")
    for role in ("responsabile", "operatore", "lettore")
]
# The seed's table: people, men, women, Italian, foreign, arrears (about).
SEED = {
    "2024/25": (22, 14, 8, 10, 12, Decimal(16000)),
    "2025/26": (52, 35, 17, 31, 21, Decimal(40000)),
}
# Dates that are plans, not facts: they may lie ahead of today.
SCHEDULED = {"due_on", "start_on", "review_on", "expires_on", "ends_on", "valid_to"}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """The demo loaded once on DAY (what the command printed), rolled back after the module."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        override_settings(DEMO=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        out = StringIO()
        try:
            call_command("load_demo", "--senza-barra", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _on_the_day(printed):
    with time_machine.travel(NOW, tick=False):
        yield


def counts():
    return [
        model.objects.count()
        for model in (
            Organization,
            Membership,
            Person,
            Household,
            Isee,
            SocialAssessment,
            Bill,
            Payment,
            Credit,
            ImportRun,
            Protection,
            RepaymentPlan,
            Deadline,
            Edition,
            Referral,
            SocialContract,
            Timesheet,
        )
    ]


def test_loads_two_territories_two_utilities_a_partner_their_logins_and_about_200_people(printed):
    assert set(Organization.objects.values_list("name", flat=True)) == {
        "Comune di Cremona — Servizi Sociali",
        "AEM Cremona S.p.A.",
        "Centro di Solidarietà Il Ponte",
        "Comune di Crema — Servizi Sociali",
        "A2A Energia S.p.A.",
    }
    # Each territory's registry holds its own people: A2A's customers are Crema's.
    assert Person.objects.filter(organization__code="crema").count() == 6
    assert not Person.objects.filter(organization__code="crema", customers__utility__code="aem").exists()
    for username in USERNAMES:
        assert username in printed
        assert User.objects.get(username=username).check_password("risorsa-demo")
    assert "risorsa-demo" in printed
    assert 180 <= Person.objects.count() <= 220
    assert Household.objects.count() > 50
    assert Isee.objects.count() > 50
    for code in Person.objects.values_list("codice_fiscale", flat=True):
        cf.validate(code)


def test_running_it_twice_duplicates_nothing_even_days_later():
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        out = StringIO()
        call_command("load_demo", stdout=out)
    assert counts() == first
    assert "pronti al 20/11/2026" in out.getvalue()  # the story keeps the day it was first told


def test_nothing_in_the_demo_is_dated_after_today_and_no_open_deadline_is_months_late():
    # (a minute's margin: SQLite compares timestamps as text, and the importer writes its own)
    today, now = timezone.localdate(), timezone.now() + timedelta(minutes=1)
    ahead = {}
    for model in apps.get_models():
        if not model.__module__.startswith("risorsa."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                later = model.objects.filter(**{f"{field.name}__gt": now})
            elif isinstance(field, models.DateField) and field.name not in SCHEDULED:
                later = model.objects.filter(**{f"{field.name}__gt": today})
                if model is Deadline and field.name == "opened_on":
                    # a review enters the queue some working days before it is due: a reminder
                    later = later.exclude(step=protection_steps.PROTECTION_REVIEW)
            else:
                continue
            if later.exists():
                ahead[model._meta.label, field.name] = later.count()
    assert ahead == {}
    # the utility's files: the last extraction is the last working day before today
    assert ImportRun.objects.filter(utility__code="aem").latest("as_of").as_of == today
    assert Bill.objects.filter(utility__code="aem").latest("as_of").as_of == date(2026, 11, 19)
    assert Bill.objects.filter(issued_on__lt=today - timedelta(days=4 * 365)).count() == 0
    # no step has waited for months, and what was done was done after it was asked
    oldest = Deadline.objects.open().order_by("due_on").first()
    assert oldest.due_on >= today - timedelta(days=90)
    reminders = Q(step=protection_steps.PROTECTION_REVIEW)  # a reminder may be met before it shows
    assert not Deadline.objects.filter(met_on__lt=F("opened_on")).exclude(reminders).exists()
    # the ages of what the customers owe, today: every bracket has some
    ages = (
        Customer.objects.annotate(**aged_amounts(on=today))
        .values("aged_0_30", "aged_31_90", "aged_91_180", "aged_180")
        .aggregate(
            young=Sum("aged_0_30"), recent=Sum("aged_31_90"), old=Sum("aged_91_180"), oldest=Sum("aged_180")
        )
    )
    assert all(value and value > 0 for value in ages.values()), ages


def test_the_two_completed_editions_have_exactly_the_seeds_people_and_about_its_arrears():
    completed = Edition.objects.filter(ends_on__lt=timezone.localdate()).order_by("starts_on")
    assert [(e.name, e.starts_on, e.ends_on) for e in completed] == [
        ("2024/25", date(2024, 9, 1), date(2025, 8, 31)),
        ("2025/26", date(2025, 9, 1), date(2026, 8, 31)),
    ]
    for edition in completed:
        participating = Referral.objects.filter(edition=edition, status__in=PARTICIPATING)
        figures = participating.aggregate(
            people=Count("person", distinct=True),
            men=Count("person", distinct=True, filter=Q(person__sex=Sex.MALE)),
            women=Count("person", distinct=True, filter=Q(person__sex=Sex.FEMALE)),
            italian=Count("person", distinct=True, filter=Q(person__citizenship=Citizenship.ITALIAN)),
            foreign=Count("person", distinct=True, filter=~Q(person__citizenship=Citizenship.ITALIAN)),
            arrears=Sum("project_amount"),
        )
        people, men, women, italian, foreign, arrears = SEED[edition.name]
        counted = (
            figures["people"],
            figures["men"],
            figures["women"],
            figures["italian"],
            figures["foreign"],
        )
        assert counted == (people, men, women, italian, foreign)
        assert abs(quantize(figures["arrears"]) - arrears) <= arrears / 100
        assert (edition.instrument, edition.face_hourly_value, edition.net_hourly_value) == (
            "Voucher INPS",
            Decimal("10.00"),
            Decimal("7.50"),
        )
        assert edition.yearly_cap_per_worker == Decimal("5000.00")
        # each project amount is what the person's bills before the edition still owed: no constant
        amounts = list(participating.values_list("project_amount", flat=True))
        assert len(set(amounts)) == people
        for referral in participating.select_related("person"):
            bills = Bill.objects.filter(holds__in=BillHold.objects.of(referral))
            paid = Allocation.objects.filter(bill__in=bills).aggregate(total=Sum("amount"))["total"]
            owed = bills.aggregate(total=Sum("residual"))["total"]
            assert quantize(owed) + quantize(paid) == referral.project_amount
            assert referral.customer.person == referral.person
            assert cf.decode(referral.person.codice_fiscale).sex == referral.person.sex
            assert (referral.person.citizenship == Citizenship.ITALIAN) != bool(
                referral.person.citizenship_country
            )
        assert not participating.exclude(status=ReferralStatus.ENDED).exists()
        # The edition report, computed from these records, shows the seed's table.
        report = edition_report(edition=edition)
        assert (report.people, report.men, report.women, report.italian, report.foreign) == (
            people,
            men,
            women,
            italian,
            foreign,
        )
        assert abs(report.arrears - arrears) <= arrears / 100


def test_the_pathways_of_the_completed_editions_end_as_in_real_life():
    for edition in Edition.objects.filter(ends_on__lt=timezone.localdate()):
        referrals = Referral.objects.filter(edition=edition)
        outcomes = dict(referrals.values_list("outcome").annotate(people=Count("pk")))
        assert outcomes[EndOutcome.COMPLETED] > 0.75 * referrals.count()
        assert outcomes[EndOutcome.NOT_FIT] >= 2 and outcomes[EndOutcome.WITHDRAWN] >= 2
        # not fit: the medical visit said so, and nobody worked
        for referral in referrals.filter(outcome=EndOutcome.NOT_FIT):
            assert referral.medical_visits.get().outcome == "non_idoneo"
            assert not referral.placements.exists()
        # completed: the work paid the whole project, the last week cut to what was left
        for referral in referrals.filter(outcome=EndOutcome.COMPLETED):
            credited = Timesheet.objects.filter(placement__referral=referral).aggregate(total=Sum("credited"))
            assert quantize(credited["total"]) == referral.project_amount
        # some calls went unanswered first; both tracks; most answered the questionnaire, mostly 4-5
        assert referrals.filter(calls__outcome="non_risponde").exists()
        assert {Track.A, Track.B} <= set(referrals.values_list("placements__track", flat=True))
        ended = referrals.exclude(outcome=EndOutcome.NOT_FIT)
        answers = list(ended.exclude(satisfaction=None).values_list("satisfaction", flat=True))
        assert len(answers) > ended.count() / 2
        assert sum(1 for score in answers if score >= 4) > 0.7 * len(answers)
        # the seed's criticità: contracts signed months before the first work day
        started = referrals.filter(outcome=EndOutcome.COMPLETED).annotate(
            first_day=Min("placements__timesheets__entries__on")
        )
        waited = [(referral.first_day - referral.contract.first_signed_on).days for referral in started]
        assert sum(1 for days in waited if days > 60) >= 3


def test_a_new_contract_text_partway_through_the_second_edition_had_the_signed_contracts_signed_again():
    second = Edition.objects.get(name="2025/26")
    text = ContractText.objects.get(version=2)
    assert second.starts_on < text.published_on < second.ends_on
    before = ContractText.objects.get(version=1)
    assert before.published_on < Edition.objects.get(name="2024/25").starts_on
    flagged = SocialContract.objects.filter(
        referral__edition=second,
        first_signed_on__lt=text.published_on,
        referral__ended_on__gt=text.published_on,
    )
    assert flagged.count() >= 10
    signed_again = 0
    for contract in flagged:
        to_resign = contract.transitions.get(to_status=ContractStatus.TO_RESIGN)
        assert to_resign.text == text
        again = contract.transitions.filter(to_status=ContractStatus.SIGNED, text=text).first()
        if again is not None:
            signed_again += 1
            assert again.at.date() > text.published_on
        else:  # left the project before signing it again
            assert contract.referral.ended_on > text.published_on
    assert signed_again > 0.75 * flagged.count()
    later = SocialContract.objects.filter(referral__edition=second, first_signed_on__gte=text.published_on)
    assert later.exists() and not later.exclude(text=text).exists()


def test_work_credits_are_settled_by_the_utilitys_payments_file_and_the_latest_are_in_transit():
    work = Credit.objects.filter(kind=CreditKind.WORK)
    completed = Referral.objects.filter(edition__ends_on__lt=timezone.localdate()).values("pk")
    current = Referral.objects.filter(edition__name="2026/27").values("pk")
    old = work.filter(holder_id__in=completed)
    assert old.exists() and not old.exclude(status=CreditStatus.APPLIED).exists()
    for credit in old.filter(pk__in=old.values("pk")[:20]):
        payment = Payment.objects.get(credit=credit)
        assert payment.reference == credit.reference and payment.channel == "PROGRAMMA"
        assert payment.run.file_name.startswith("aem-pagamenti-lavoro-")
        assert credit.created_on <= payment.paid_on == credit.applied_on
    assert set(work.filter(holder_id__in=current).values_list("status", flat=True)) == {
        CreditStatus.APPLIED,
        CreditStatus.IN_TRANSIT,
    }
    # the supervisor approved the hours: the utility for track A, the partner for track B
    for track, kind in ((Track.A, OrganizationKind.UTILITY), (Track.B, OrganizationKind.PARTNER)):
        approvers = Timesheet.objects.filter(
            placement__track=track, transitions__to_status=TimesheetStatus.APPROVED
        ).values("transitions__by")
        kinds = set(
            Membership.objects.filter(user__in=approvers).values_list("organization__kind", flat=True)
        )
        assert kinds == {kind}


def test_the_current_edition_has_people_at_every_stage_and_each_organization_has_things_to_do():
    current = Edition.objects.get(name="2026/27")
    assert (current.starts_on, current.ends_on) == (date(2026, 9, 1), date(2027, 8, 31))
    referrals = Referral.objects.filter(edition=current)
    assert set(referrals.values_list("status", flat=True)) >= {
        ReferralStatus.REFERRED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.WORKING,
        ReferralStatus.ENDED,
        ReferralStatus.REJECTED,
    }
    assert set(SocialContract.objects.filter(referral__edition=current).values_list("status", flat=True)) >= {
        ContractStatus.TO_SIGN,
        ContractStatus.SIGNED,
    }
    assert set(
        Timesheet.objects.filter(placement__referral__edition=current).values_list("status", flat=True)
    ) == {
        TimesheetStatus.SUBMITTED,
        TimesheetStatus.APPROVED,
    }
    today = timezone.localdate()
    waiting = Deadline.objects.open().filter(step__in=work_steps.EDITION_STEPS)
    for code in ("comune", "ponte", "aem"):
        mine = waiting.filter(owner__code=code)
        assert mine.filter(due_on__lt=today).exists(), f"{code}: nothing late"
        assert mine.filter(due_on__gte=today).exists(), f"{code}: nothing in time"
    assert set(waiting.values_list("step", flat=True)) == set(work_steps.EDITION_STEPS) - {
        work_steps.RESIGN_CONTRACT
    }


def test_the_demo_has_about_130_protections_at_every_stage_an_open_incident_and_real_outcomes():
    by_status = {
        status: Protection.objects.filter(status=status).count() for status in ProtectionStatus.values
    }
    assert 120 <= by_status["attiva"] <= 140
    assert all(by_status[status] >= 1 for status in ("proposta", "sospesa", "cessata"))
    assert Incident.objects.filter(closed_on__isnull=True).count() == 1
    assert Incident.objects.filter(closed_on__isnull=False).count() == 1
    outcomes = outcomes_for(membership=Membership.objects.get(user__username="comune.lettore"))
    # Computed from the two snapshots of the bills: the seed reports more than 60%.
    assert outcomes.reduction is not None and outcomes.reduction > 0.5
    assert outcomes.baseline > outcomes.current > 0
    from risorsa.interventions.models import InterventionStatus, SpotIntervention

    # the plans nobody pays lapse through the daily follow-up, as `make run` starts it
    assert not RepaymentPlan.objects.filter(status=PlanStatus.LAPSED).exists()
    call_command("giornaliero", stdout=StringIO())
    plans = set(RepaymentPlan.objects.values_list("status", flat=True))
    assert plans == set(PlanStatus.values)
    interventions = set(SpotIntervention.objects.values_list("status", flat=True))
    assert interventions == set(InterventionStatus.values)
    before = (RepaymentPlan.objects.count(), SpotIntervention.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert Protection.objects.count() == sum(by_status.values())
    assert (RepaymentPlan.objects.count(), SpotIntervention.objects.count()) == before


def test_the_protected_customers_owe_more_than_60_percent_less_because_they_paid_after_activation():
    outcomes = outcomes_for(membership=Membership.objects.get(user__username="comune.lettore"))
    assert outcomes.reduction > Decimal("0.6")
    # what the utility reported paid on their bills after each protection started
    active = Protection.objects.filter(status=ProtectionStatus.ACTIVE)
    paid = Allocation.objects.filter(
        bill__customer__protections__in=active,
        payment__paid_on__gt=F("bill__customer__protections__activated_on"),
        payment__credit__isnull=True,
    ).aggregate(total=Sum("amount"))["total"]
    assert quantize(paid) > Decimal("0.6") * outcomes.baseline
    # activated in the weeks after the utility's snapshot of six months ago, their debt then the baseline
    first = date(2026, 5, 20)  # six months before today, a working day
    assert ImportRun.objects.filter(utility__code="aem", kind="fatture", as_of=first).exists()
    assert not active.exclude(activated_on__range=(first, first + timedelta(days=60))).exists()
    assert Customer.objects.filter(protections__in=active).count() == outcomes.active
