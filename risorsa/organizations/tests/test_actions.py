"""Actions declared once (organizations.actions): the service refuses what the declaration does not
allow, and the detail pages show exactly the buttons it allows, persona by persona."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from risorsa.core.exceptions import DomainError, PermissionDenied
from risorsa.interventions import services as interventions
from risorsa.interventions.models import InterventionStatus
from risorsa.ledger.models import Bill
from risorsa.protection import services as protection
from risorsa.protection.models import EndReason, ProtectionStatus
from risorsa.protection.tests.helpers import active_protection, sample_customer
from risorsa.repayment import services as repayment
from risorsa.repayment.models import PlanStatus
from risorsa.repayment.schedule import Terms

TERMS = Terms(debt=Decimal("383.26"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1))
REASON = "Nucleo monoreddito con due minori; padre disoccupato."
PERSONAS = ("comune.operatore", "comune.responsabile", "comune.lettore", "aem.operatore", "aem.responsabile")


@pytest.fixture
def users(personas):
    return {name: membership.user for name, membership in personas.items()}


def buttons(client, url) -> list[str] | int:
    """The actions the page offers (the `data-action` of its buttons), or its status if not 200."""
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code
    return sorted(re.findall(r'data-action="([a-z]+)"', response.content.decode()))


def buttons_by_persona(client_for, url) -> dict[str, list[str] | int]:
    return {persona: buttons(client_for(persona), url) for persona in PERSONAS}


def draft(customer, users):
    return repayment.draft_plan(customer=customer, terms=TERMS, by=users["comune.operatore"])


def proposed_intervention(customer, users, on=None):
    bill = Bill.objects.filter(customer=customer, residual__gt=0).order_by("number").first()
    return interventions.propose_intervention(
        customer=customer, bills=[bill], by=users["comune.operatore"], on=on
    )


# The service checks the declaration


@pytest.mark.django_db
def test_a_service_refuses_a_member_of_another_organization_kind(utility, users):
    plan = draft(sample_customer(utility), users)
    repayment.propose_plan(plan=plan, by=users["comune.operatore"])
    with pytest.raises(PermissionDenied) as refused:
        repayment.approve_plan(plan=plan, by=users["comune.responsabile"])
    assert refused.value.message == "Il tuo ruolo non consente questa operazione."
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


@pytest.mark.django_db
def test_a_service_refuses_a_member_whose_role_may_not_do_the_action(utility, municipality, users):
    interventions.set_budget(municipality=municipality, year=date.today().year, amount=Decimal("1000.00"))  # noqa: DTZ011
    intervention = proposed_intervention(sample_customer(utility), users)
    interventions.confirm_customer_share(intervention=intervention, by=users["aem.operatore"])
    with pytest.raises(PermissionDenied) as refused:
        interventions.authorize_contribution(intervention=intervention, by=users["comune.operatore"])
    assert refused.value.message == "Il tuo ruolo non consente questa operazione."
    active = active_protection(sample_customer(utility, "C100001"), users["comune.operatore"])
    with pytest.raises(PermissionDenied):
        protection.suspend_protection(protection=active, by=users["comune.lettore"], why="ospite da parenti")
    intervention.refresh_from_db()
    active.refresh_from_db()
    assert (intervention.status, active.status) == (InterventionStatus.SHARE_PAID, ProtectionStatus.ACTIVE)


@pytest.mark.django_db
def test_a_service_refuses_a_subject_in_a_status_the_action_does_not_apply_from(utility, users):
    plan = draft(sample_customer(utility), users)
    repayment.propose_plan(plan=plan, by=users["comune.operatore"])
    # `plan` is the caller's copy, still a draft: the status checked is the one in the database
    with pytest.raises(DomainError) as refused:
        repayment.propose_plan(plan=plan, by=users["comune.operatore"])
    assert refused.value.message == "«Invia al gestore» non si può fare in stato «proposta al gestore»."
    ended = active_protection(sample_customer(utility, "C100001"), users["comune.operatore"])
    protection.end_protection(protection=ended, by=users["comune.operatore"], reason=EndReason.SETTLED)
    # `ended` is the caller's copy, still active: the status checked is the one in the database
    with pytest.raises(DomainError) as refused:
        protection.record_contact(
            protection=ended,
            by=users["comune.operatore"],
            contacted_on=date(2010, 3, 1),
            channel="telefono",
            outcome="nessuna risposta",
        )
    assert refused.value.message == "«Registra un contatto con il nucleo» non si può fare in stato «cessata»."
    plan.refresh_from_db()
    assert (plan.status, ended.contacts.count()) == (PlanStatus.PROPOSED, 0)


@pytest.mark.django_db
def test_a_service_tells_nothing_of_a_subject_the_member_does_not_see(utility, users):
    # A draft plan is the social worker's: the utility learns neither of it nor of its status.
    plan = draft(sample_customer(utility), users)
    with pytest.raises(PermissionDenied) as refused:
        repayment.approve_plan(plan=plan, by=users["aem.responsabile"])
    assert "bozza" not in refused.value.message


@pytest.mark.django_db
def test_the_system_is_let_through_by_the_declaration(utility, users):
    # given: an intervention proposed, whose customer's share the payments file shows paid
    intervention = proposed_intervention(sample_customer(utility), users)
    # when: the system confirms it (no member)
    interventions.confirm_customer_share(intervention=intervention, by=None, why="dal file dei pagamenti")
    # then
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.SHARE_PAID
    assert intervention.transitions.last().by is None


# The detail pages show exactly the buttons the declaration allows

NONE: list[str] = []


@pytest.mark.django_db
def test_the_protection_page_offers_each_persona_what_the_declaration_allows(client_for, utility, users):
    proposed = protection.propose_protection(
        customer=sample_customer(utility), reason=REASON, by=users["comune.operatore"]
    )
    url = reverse("protection:detail", args=[proposed.pk])
    writer = ["activate", "contact", "end"]
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": writer,
        "comune.responsabile": writer,
        "comune.lettore": NONE,
        "aem.operatore": 404,  # the utility has no protection pages
        "aem.responsabile": 404,
    }
    protection.activate_protection(protection=proposed, by=users["comune.operatore"])
    writer = ["contact", "end", "review", "suspend"]
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": writer,
        "comune.responsabile": writer,
        "comune.lettore": NONE,
        "aem.operatore": 404,
        "aem.responsabile": 404,
    }
    protection.end_protection(protection=proposed, by=users["comune.operatore"], reason=EndReason.MOVED)
    assert buttons(client_for("comune.responsabile"), url) == NONE
    proposed.refresh_from_db()
    assert proposed.status == ProtectionStatus.ENDED


@pytest.mark.django_db
def test_the_plan_page_offers_each_persona_what_the_declaration_allows(client_for, utility, users):
    plan = draft(sample_customer(utility), users)
    url = reverse("repayment:detail", args=[plan.pk])
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": ["cancel", "propose"],
        "comune.responsabile": ["cancel", "propose"],
        "comune.lettore": NONE,
        "aem.operatore": 404,  # a draft is the social worker's, not yet sent
        "aem.responsabile": 404,
    }
    repayment.propose_plan(plan=plan, by=users["comune.operatore"])
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": ["cancel"],
        "comune.responsabile": ["cancel"],
        "comune.lettore": NONE,
        "aem.operatore": NONE,
        "aem.responsabile": ["approve", "refuse"],
    }
    repayment.approve_plan(plan=plan, by=users["aem.responsabile"])
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": ["activate", "cancel"],
        "comune.responsabile": ["activate", "cancel"],
        "comune.lettore": NONE,
        "aem.operatore": NONE,
        "aem.responsabile": NONE,
    }


@pytest.mark.django_db
def test_the_intervention_page_offers_each_persona_what_the_declaration_allows(
    client_for, utility, municipality, users
):
    interventions.set_budget(municipality=municipality, year=date.today().year, amount=Decimal("1000.00"))  # noqa: DTZ011
    intervention = proposed_intervention(sample_customer(utility), users)
    url = reverse("interventions:detail", args=[intervention.pk])
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": ["withdraw"],
        "comune.responsabile": ["withdraw"],
        "comune.lettore": NONE,
        "aem.operatore": ["confirm"],  # cancelling waits for the share's due date
        "aem.responsabile": ["confirm"],
    }
    interventions.confirm_customer_share(intervention=intervention, by=users["aem.operatore"])
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": ["withdraw"],
        "comune.responsabile": ["authorize", "withdraw"],
        "comune.lettore": NONE,
        "aem.operatore": NONE,
        "aem.responsabile": NONE,
    }
    interventions.authorize_contribution(intervention=intervention, by=users["comune.responsabile"])
    assert buttons_by_persona(client_for, url) == {
        "comune.operatore": ["send", "withdraw"],
        "comune.responsabile": ["send", "withdraw"],
        "comune.lettore": NONE,
        "aem.operatore": NONE,
        "aem.responsabile": NONE,
    }


@pytest.mark.django_db
def test_the_utility_may_cancel_an_intervention_only_once_the_customers_share_was_due(
    client_for, utility, users
):
    # given: an intervention proposed on Monday 1 March 2010, the share due on 15 March
    intervention = proposed_intervention(sample_customer(utility), users, on=date(2010, 3, 1))
    # then: long after that day the utility may cancel it
    url = reverse("interventions:detail", args=[intervention.pk])
    assert buttons(client_for("aem.operatore"), url) == ["cancel", "confirm"]
    assert buttons(client_for("comune.operatore"), url) == ["withdraw"]


# The action view


@pytest.mark.django_db
def test_an_unknown_action_is_not_found(client_for, utility, users):
    plan = draft(sample_customer(utility), users)
    response = client_for("comune.operatore").post(reverse("repayment:action", args=[plan.pk, "delete"]))
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.django_db
def test_a_refused_action_shows_its_page_again_with_its_form_and_errors(client_for, utility, users):
    plan = draft(sample_customer(utility), users)
    response = client_for("comune.operatore").post(
        reverse("repayment:action", args=[plan.pk, "cancel"]), {"confirm": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "data-error-summary" in body and "Il modulo contiene 1 errore" in body
    assert 'id="id_cancel-why"' in body and 'aria-invalid="true"' in body
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.django_db
def test_a_member_the_declaration_does_not_allow_is_forbidden_and_nothing_changes(client_for, utility, users):
    plan = draft(sample_customer(utility), users)
    response = client_for("comune.lettore").post(
        reverse("repayment:action", args=[plan.pk, "cancel"]), {"cancel-why": "errore"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.django_db
def test_a_done_action_says_so_and_goes_back_to_the_page(client_for, utility, users):
    plan = draft(sample_customer(utility), users)
    client = client_for("comune.operatore")
    response = client.post(
        reverse("repayment:action", args=[plan.pk, "cancel"]), {"cancel-why": "errore", "confirm": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("repayment:detail", args=[plan.pk])
    assert "Piano annullato." in client.get(response["Location"]).content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED
