"""The to-do list gives each member the steps their role meets (issue 12, point 3).

A step's roles are those of the declared action that meets it (coordination.steps): the utility's
manager approves a plan, the municipality's manager authorizes a contribution. An operator reads
those steps of their organization as waiting for the manager, a reader reads every step and acts
on none, and the dashboard's card counts what the list shows.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from risorsa.coordination.selectors import awaiting_other_role_for, todo_counts, todo_for
from risorsa.interventions import services as interventions
from risorsa.protection.tests.helpers import sample_customer
from risorsa.repayment import services as repayment
from risorsa.repayment.schedule import Terms

APPROVE = "Approvare il piano di rientro"
AUTHORIZE = "Autorizzare il contributo del Comune"
TERMS = Terms(debt=Decimal("383.26"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1))


@pytest.fixture
def plan_proposed(utility, personas):
    """A plan the municipality sent to the utility: its approval waits on AEM."""
    plan = repayment.draft_plan(
        customer=sample_customer(utility), terms=TERMS, by=personas["comune.operatore"].user
    )
    return repayment.propose_plan(plan=plan, by=personas["comune.operatore"].user)


@pytest.fixture
def share_paid(utility, municipality, personas):
    """An intervention whose customer paid their share: the contribution waits on the municipality."""
    customer = sample_customer(utility, "C100001")  # another customer than the plan's
    interventions.set_budget(
        municipality=municipality,
        year=date.today().year,  # noqa: DTZ011 - the budget of the intervention's year
        amount=Decimal("1000.00"),
    )
    intervention = interventions.propose_intervention(
        customer=customer,
        bills=[customer.bills.filter(residual__gt=0).order_by("number").first()],
        by=personas["comune.operatore"].user,
    )
    return interventions.confirm_customer_share(intervention=intervention, by=personas["aem.operatore"].user)


def steps_of(deadlines) -> list[str]:
    return [deadline.step_label for deadline in deadlines]


def sections(client) -> tuple[str, str]:
    """The to-do page's two tables: what the member does, what waits on another role."""
    body = client.get(reverse("coordination:todo")).content.decode()
    todo = body.split('data-testid="todo"', 1)[1].split("</table>")[0] if 'data-testid="todo"' in body else ""
    awaiting = (
        body.split('data-testid="todo-awaiting"', 1)[1].split("</table>")[0]
        if "todo-awaiting" in body
        else ""
    )
    return todo, awaiting


@pytest.mark.django_db
def test_a_utility_operator_reads_the_plan_approval_as_waiting_for_the_manager_who_has_it_to_do(
    plan_proposed, personas, client_for
):
    operator, manager = personas["aem.operatore"], personas["aem.responsabile"]
    assert APPROVE not in steps_of(todo_for(membership=operator))
    assert steps_of(awaiting_other_role_for(membership=operator)) == [APPROVE]
    assert steps_of(todo_for(membership=manager)) == [APPROVE]
    assert list(awaiting_other_role_for(membership=manager)) == []

    todo, awaiting = sections(client_for("aem.operatore"))
    assert APPROVE not in todo
    assert APPROVE in awaiting and "in attesa del responsabile" in awaiting
    assert f">{APPROVE}</a>" not in awaiting  # said, not offered as a link to act on
    plan_page = reverse("repayment:detail", args=[plan_proposed.pk])
    assert plan_page in awaiting  # the plan can still be read
    assert "Approva il piano" not in client_for("aem.operatore").get(plan_page).content.decode()

    todo, awaiting = sections(client_for("aem.responsabile"))
    assert f">{APPROVE}</a>" in todo and awaiting == ""
    assert "Approva il piano" in client_for("aem.responsabile").get(plan_page).content.decode()


@pytest.mark.django_db
def test_a_municipal_operator_waits_for_the_manager_to_authorize_a_contribution(
    share_paid, personas, client_for
):
    operator, manager = personas["comune.operatore"], personas["comune.responsabile"]
    assert AUTHORIZE not in steps_of(todo_for(membership=operator))
    assert steps_of(awaiting_other_role_for(membership=operator)) == [AUTHORIZE]
    assert steps_of(todo_for(membership=manager)) == [AUTHORIZE]

    todo, awaiting = sections(client_for("comune.operatore"))
    assert AUTHORIZE not in todo and "in attesa del responsabile" in awaiting
    todo, awaiting = sections(client_for("comune.responsabile"))
    assert AUTHORIZE in todo and awaiting == ""
    # The utility, whose step (confirming the share) is met, has nothing left about it.
    assert list(todo_for(membership=personas["aem.operatore"])) == []


@pytest.mark.django_db
def test_a_reader_reads_every_step_of_their_organization_and_acts_on_none(
    plan_proposed, share_paid, personas, client_for
):
    for persona, step in (("aem.lettore", APPROVE), ("comune.lettore", AUTHORIZE)):
        reader = personas[persona]
        assert list(todo_for(membership=reader)) == []
        assert step in steps_of(awaiting_other_role_for(membership=reader))
        body = client_for(persona).get(reverse("coordination:todo")).content.decode()
        assert 'data-testid="read-only"' in body and 'data-testid="todo"' not in body
        _todo, awaiting = sections(client_for(persona))
        assert step in awaiting and f">{step}</a>" not in awaiting


@pytest.mark.django_db
def test_the_dashboard_card_counts_what_the_queue_lists_for_each_role(
    plan_proposed, share_paid, personas, client_for
):
    for persona in ("aem", "comune"):
        for role in ("responsabile", "operatore", "lettore"):
            membership = personas[f"{persona}.{role}"]
            counts = todo_counts(membership=membership)
            assert counts["total"] == todo_for(membership=membership).count()
            assert counts["awaiting"] == awaiting_other_role_for(membership=membership).count()
            context = client_for(f"{persona}.{role}").get(reverse("home:dashboard")).context
            assert context["todo"] == counts
    assert todo_counts(membership=personas["aem.operatore"]) == {"total": 0, "late": 0, "awaiting": 1}
    assert todo_counts(membership=personas["aem.responsabile"]) == {"total": 1, "late": 0, "awaiting": 0}
    assert todo_counts(membership=personas["comune.lettore"])["total"] == 0
    card = client_for("aem.operatore").get(reverse("home:dashboard")).content.decode()
    assert "1 in attesa del responsabile" in card
