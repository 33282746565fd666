from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from risorsa.organizations.models import Membership, Organization
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Household, Isee, Person, SocialAssessment

USERNAMES = [
    f"{org}.{role}"
    for org in ("comune", "aem", "ponte", "crema", "a2a")
    for role in ("responsabile", "operatore", "lettore")
]


def counts():
    return [
        model.objects.count()
        for model in (Organization, Membership, Person, Household, Isee, SocialAssessment)
    ]


@pytest.mark.django_db
def test_loads_two_territories_two_utilities_a_partner_their_logins_and_about_200_people(settings):
    settings.DEMO = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
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


@pytest.mark.django_db
def test_running_it_twice_duplicates_nothing(settings):
    settings.DEMO = True
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first


@pytest.mark.django_db
def test_refuses_to_load_outside_development_or_demo(settings):
    settings.DEBUG = False
    settings.DEMO = False
    with pytest.raises(CommandError, match="solo con DEBUG=1 o RISORSA_DEMO=1"):
        call_command("load_demo", stdout=StringIO())
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_the_demo_has_about_130_protections_at_every_stage_an_open_incident_and_real_outcomes(settings):
    from risorsa.organizations.models import Membership as Member
    from risorsa.protection.models import Incident, Protection, ProtectionStatus
    from risorsa.protection.selectors import outcomes_for

    settings.DEMO = True
    call_command("load_demo", stdout=StringIO())
    by_status = {
        status: Protection.objects.filter(status=status).count() for status in ProtectionStatus.values
    }
    assert 120 <= by_status["attiva"] <= 140
    assert all(by_status[status] >= 1 for status in ("proposta", "sospesa", "cessata"))
    assert Incident.objects.filter(closed_on__isnull=True).count() == 1
    assert Incident.objects.filter(closed_on__isnull=False).count() == 1
    outcomes = outcomes_for(membership=Member.objects.get(user__username="comune.lettore"))
    # Computed from the two snapshots of the bills: the seed reports more than 60%.
    assert outcomes.reduction is not None and outcomes.reduction > 0.5
    assert outcomes.baseline > outcomes.current > 0
    from risorsa.interventions.models import InterventionStatus, SpotIntervention
    from risorsa.repayment.models import PlanStatus, RepaymentPlan

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


@pytest.mark.django_db(transaction=True)
def test_at_scale_it_adds_customers_through_the_importer_and_repeats_without_duplicating(settings, tmp_path):
    from risorsa.ledger.models import Bill, Customer, ImportRun, Payment
    from risorsa.protection.models import Protection

    settings.DEMO = True
    settings.VAR_DIR = tmp_path
    call_command("load_demo", "--scala", "1500", "--senza-barra", stdout=StringIO())
    synthetic = Customer.objects.filter(code__regex=r"^C[0-9]{9}$")
    assert synthetic.count() == 1500
    assert Bill.objects.filter(customer__in=synthetic).count() == 15000
    assert Payment.objects.filter(customer__in=synthetic).count() == 750
    assert Protection.objects.filter(customer__in=synthetic, status="attiva").count() == 2  # one in 1,000
    assert set(synthetic.values_list("municipality__code", flat=True)) == {"comune"}
    before = (ImportRun.objects.count(), Bill.objects.count(), Protection.objects.count())
    call_command("load_demo", "--scala", "1500", "--senza-barra", stdout=StringIO())
    assert (ImportRun.objects.count(), Bill.objects.count(), Protection.objects.count()) == before
