from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risorsa.coordination.models import Deadline
from risorsa.coordination.services import open_deadline
from risorsa.protection import services, steps
from risorsa.protection.models import Protection, ProtectionStatus
from risorsa.protection.tests.helpers import active_protection, sample_customer

REASON = "Nucleo monoreddito con due minori; padre disoccupato."
CUSTOMERS = ["C100000", "C100001", "C100002", "C100003", "C100004", "C100005", "C100006", "C100007"]


@pytest.mark.django_db
def test_an_operator_proposes_a_protection_from_the_customer(client_for, utility):
    customer = sample_customer(utility)
    client = client_for("comune.operatore")
    response = client.post(reverse("protection:create", args=[customer.pk]), {"reason": REASON})
    protection = Protection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("protection:detail", args=[protection.pk])
    assert (protection.status, protection.reason, protection.created_by.username) == (
        ProtectionStatus.PROPOSED,
        REASON,
        "comune.operatore",
    )
    assert REASON in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_an_illegal_action_shows_the_italian_refusal_and_changes_nothing(client_for, utility, personas):
    protection = services.propose_protection(
        customer=sample_customer(utility), reason=REASON, by=personas["comune.operatore"].user
    )
    response = client_for("comune.operatore").post(
        reverse("protection:action", args=[protection.pk, "suspend"]), {"suspend-why": "prova"}
    )
    assert response.status_code == 400
    assert "«Sospendi» non si può fare in stato «proposta»." in response.content.decode()
    protection.refresh_from_db()
    assert protection.status == ProtectionStatus.PROPOSED


@pytest.mark.django_db
def test_the_history_says_from_when_a_change_recorded_later_took_effect(client_for, utility, personas):
    # given: an activation decided on 5 March 2010, recorded today
    customer = sample_customer(utility)
    active_protection(customer, personas["comune.operatore"].user, on=date(2010, 3, 5))
    # when
    page = client_for("comune.lettore").get(reverse("protection:detail", args=[Protection.objects.get().pk]))
    # then: the history says so
    assert "con effetto dal 05/03/2010" in page.content.decode()


@pytest.mark.django_db
def test_a_contact_with_the_household_meets_the_contact_deadline(client_for, utility, personas):
    protection = active_protection(sample_customer(utility), personas["comune.operatore"].user)
    open_deadline(
        step=steps.CONTACT_AFTER_REDUCTION, subject=protection, owner=protection.customer.person.organization
    )
    response = client_for("comune.operatore").post(
        reverse("protection:action", args=[protection.pk, "contact"]),
        {
            "contact-contacted_on": "01/03/2010",
            "contact-channel": "telefono",
            "contact-outcome": "fissato colloquio",
        },
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(step=steps.CONTACT_AFTER_REDUCTION)
    assert str(deadline.met_on) == "2010-03-01"


@pytest.mark.django_db
def test_the_utility_sees_flag_dates_and_status_never_the_reason(client_for, utility, personas):
    user = personas["comune.operatore"].user
    active_protection(sample_customer(utility), user, reason=REASON)
    services.propose_protection(customer=sample_customer(utility, "C100001"), reason="solo proposta", by=user)
    client = client_for("aem.operatore")
    page = client.get(reverse("protection:utility-list"))
    body = page.content.decode()
    assert "C100000" in body and "attiva" in body
    assert "C100001" not in body  # a proposal is not yet the utility's business
    export = b"".join(client.get(reverse("protection:utility-export")).streaming_content).decode()
    assert export.splitlines()[1].startswith("C100000;ROSSI;MARIO;RSSMRA61C14D150U;attiva;")
    for text in (body, export, client.get(reverse("home:dashboard")).content.decode()):
        assert REASON not in text and "solo proposta" not in text
    assert client.get(reverse("protection:detail", args=[Protection.objects.first().pk])).status_code == 404


@pytest.mark.django_db
def test_another_utility_sees_none_of_these_protections(client_for, utility, personas):
    from conftest import login
    from risorsa.organizations.models import OrganizationKind
    from risorsa.organizations.tests.factories import MembershipFactory, OrganizationFactory

    active_protection(sample_customer(utility), personas["comune.operatore"].user)
    other = MembershipFactory(organization=OrganizationFactory(kind=OrganizationKind.UTILITY, code="altro"))
    body = login(other).get(reverse("protection:utility-list")).content.decode()
    assert "C100000" not in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_protection_pages_issue_a_fixed_number_of_queries(client_for, utility, personas):
    user = personas["comune.operatore"].user
    urls = {
        "comune.operatore": [
            reverse("protection:list"),
            reverse("protection:evaluation-queue"),
            reverse("coordination:todo"),
        ],
        "aem.operatore": [reverse("protection:utility-list"), reverse("protection:incident-list")],
    }

    def measure():
        return {
            persona: [_queries(client_for(persona), url) for url in paths] for persona, paths in urls.items()
        }

    customers = [sample_customer(utility, code) for code in CUSTOMERS]
    active_protection(customers[0], user)
    open_deadline(step=steps.EVALUATE_REDUCTION, subject=customers[0], owner=customers[0].person.organization)
    few = measure()
    for customer in customers[1:]:
        active_protection(customer, user)
        open_deadline(step=steps.EVALUATE_REDUCTION, subject=customer, owner=customer.person.organization)
    assert measure() == few


@pytest.mark.django_db
def test_the_municipality_filters_protections_by_plan_status(client_for, utility, personas):
    from datetime import date
    from decimal import Decimal

    from risorsa.repayment.schedule import Terms
    from risorsa.repayment.services import draft_plan

    user = personas["comune.operatore"].user
    with_plan, without = (active_protection(sample_customer(utility, code), user) for code in CUSTOMERS[:2])
    terms = Terms(debt=Decimal("300.00"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1))
    draft_plan(customer=with_plan.customer, terms=terms, by=user)
    client = client_for("comune.lettore")

    def listed(**filters):
        return list(client.get(reverse("protection:list"), filters).context["page"].object_list)

    assert listed(piano="bozza") == [with_plan]
    assert listed(piano="nessuno") == [without]
    assert len(listed()) == 2
