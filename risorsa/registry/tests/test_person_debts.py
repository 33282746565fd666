"""From a person, and from a household, to their debts (issue 12, point 2).

The person's page and the household's list the customers (utenze) of the person or of the
household's members, each with its service, its code, the balance the ledger keeps, and the
protections, repayment plans, spot interventions and work projects about it, every one a link to
its page, each read through its own scoping.
"""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from risorsa.interventions import services as interventions
from risorsa.ledger.models import Bill, Customer
from risorsa.ledger.selectors import customers_of_people
from risorsa.protection.tests.helpers import active_protection, sample_customer
from risorsa.registry.models import Person
from risorsa.registry.services import add_household_member, create_household
from risorsa.repayment import services as repayment
from risorsa.repayment.schedule import Terms
from risorsa.workprogram.services import refer_person
from risorsa.workprogram.tests.helpers import TODAY, edition_for

TERMS = Terms(debt=Decimal("383.26"), monthly_income=Decimal("900.00"), start_on=TODAY)


@pytest.fixture
def followed(utility, municipality, personas):
    """ROSSI (C100000: protected, a plan sent) and BIANCHI (C100001: a spot intervention on one
    bill, a work project on the others) live together."""
    operator = personas["comune.operatore"]
    with time_machine.travel(TODAY, tick=False):
        rossi, bianchi = sample_customer(utility, "C100000"), sample_customer(utility, "C100001")
        protection = active_protection(rossi, operator.user)
        plan = repayment.draft_plan(customer=rossi, terms=TERMS, by=operator.user)
        plan = repayment.propose_plan(plan=plan, by=operator.user)
        interventions.set_budget(municipality=municipality, year=TODAY.year, amount=Decimal("1000.00"))
        first, *others = Bill.objects.filter(customer=bianchi, residual__gt=0).order_by("number")
        intervention = interventions.propose_intervention(customer=bianchi, bills=[first], by=operator.user)
        referral = refer_person(
            edition=edition_for(personas),
            customer=bianchi,
            bills=others,
            project_amount=sum((bill.residual for bill in others), Decimal(0)),
            by=operator.user,
        )
        household = create_household(membership=operator, person=rossi.person, size=2)
        add_household_member(
            membership=operator, household=household, codice_fiscale=bianchi.person.codice_fiscale
        )
    return {
        "rossi": rossi,
        "bianchi": bianchi,
        "protection": protection,
        "plan": plan,
        "intervention": intervention,
        "referral": referral,
        "household": household,
    }


def section_of(body: str) -> str:
    return body.split('data-testid="customers"', 1)[1].split("</section>", 1)[0]


@pytest.mark.django_db
def test_the_person_page_lists_their_customers_with_balance_and_links_to_what_follows_them(
    followed, client_for
):
    client = client_for("comune.operatore")
    rossi = followed["rossi"]
    section = section_of(
        client.get(reverse("registry:person-detail", args=[rossi.person_id])).content.decode()
    )

    assert "Utenze e debiti" in section
    assert "C100000" in section and "C100001" not in section  # BIANCHI's customer is hers
    assert "energia elettrica" in section
    assert "383,26" in section  # the kept balance: the open bill, nothing in transit
    for subject in (followed["protection"], followed["plan"]):
        url = subject.get_absolute_url()
        assert f'href="{url}"' in section
        assert client.get(url).status_code == 200
    assert ">attiva</span>" in section and ">proposta al gestore</span>" in section  # their statuses
    assert f'href="{rossi.get_absolute_url()}"' in section


@pytest.mark.django_db
def test_the_household_page_lists_the_customers_of_every_member(followed, client_for):
    client = client_for("comune.responsabile")
    body = client.get(reverse("registry:household-detail", args=[followed["household"].pk])).content.decode()
    section = section_of(body)

    assert "C100000" in section and "C100001" in section
    assert "ROSSI MARIO" in section and "BIANCHI LUCIA" in section
    assert "energia elettrica, gas" in section  # BIANCHI's two services
    for subject in ("protection", "plan", "intervention", "referral"):
        url = followed[subject].get_absolute_url()
        assert f'href="{url}"' in section, subject
        assert client.get(url).status_code == 200, subject


@pytest.mark.django_db
def test_the_section_reads_each_row_through_the_member_s_scoping(followed, personas, organizations):
    rossi = followed["rossi"]
    # A customer of ROSSI whose supply lies in Crema (by hand: an import would file it in Crema's
    # registry) is Crema's business, not Cremona's.
    elsewhere = Customer.objects.create(
        utility=organizations["a2a"],
        code="X1",
        person=rossi.person,
        holder_surname="ROSSI",
        holder_name="MARIO",
        municipality=organizations["crema"],
    )
    people = Person.objects.filter(pk=rossi.person_id)
    cremona = customers_of_people(membership=personas["comune.lettore"], people=people)
    assert [holding.customer for holding in cremona] == [rossi]
    assert [
        holding.customer
        for holding in customers_of_people(membership=personas["crema.lettore"], people=people)
    ] == [elsewhere]
    crema_holding = customers_of_people(membership=personas["crema.lettore"], people=people)[0]
    assert all(rows == [] for _matter, rows in crema_holding.followed)  # Cremona's protection and plan
    # The partner reads no balances at all.
    assert customers_of_people(membership=personas["ponte.responsabile"], people=people) is None
