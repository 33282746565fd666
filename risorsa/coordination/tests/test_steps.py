"""Steps are declared by the apps that own them: coordination lists none of its own."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from risorsa.coordination import steps
from risorsa.coordination.models import SlaRule
from risorsa.coordination.services import open_deadline
from risorsa.organizations.access import MANAGERS, WRITERS
from risorsa.organizations.models import OrganizationKind, Role
from risorsa.registry.tests.factories import PersonFactory


@pytest.fixture
def a_new_step():
    """A step some later app declares (no coordination migration, no coordination code)."""
    code = steps.register_step(
        "prova_nuovo_passo", "Passaggio di prova", OrganizationKind.PARTNER, 7, roles=WRITERS
    )
    yield code
    steps._steps.pop(code)


def test_every_app_declares_its_own_steps():
    owners = {step.code: step.owner_kind for step in steps.all_steps()}
    assert owners["contatto_riduzione"] == OrganizationKind.MUNICIPALITY  # protection
    assert owners["approvazione_piano"] == OrganizationKind.UTILITY  # repayment
    assert owners["autorizzazione_contributo"] == OrganizationKind.MUNICIPALITY  # interventions


def test_a_step_declared_twice_with_other_terms_is_a_configuration_error(a_new_step):
    same = steps.register_step(a_new_step, "Passaggio di prova", OrganizationKind.PARTNER, 7, roles=WRITERS)
    assert same == a_new_step
    with pytest.raises(ImproperlyConfigured):
        steps.register_step(a_new_step, "Passaggio di prova", OrganizationKind.PARTNER, 8, roles=WRITERS)
    with pytest.raises(ImproperlyConfigured):
        steps.register_step(a_new_step, "Passaggio di prova", OrganizationKind.PARTNER, 7, roles=MANAGERS)


def test_a_step_takes_its_roles_from_the_action_that_meets_it():
    from risorsa.interventions.actions import ACTIONS as INTERVENTION_ACTIONS
    from risorsa.repayment.actions import ACTIONS as PLAN_ACTIONS

    roles = {step.code: set(step.roles) for step in steps.all_steps()}
    assert roles["approvazione_piano"] == set(PLAN_ACTIONS["approve"].roles) == {Role.MANAGER}
    assert (
        roles["autorizzazione_contributo"] == set(INTERVENTION_ACTIONS["authorize"].roles) == {Role.MANAGER}
    )
    assert roles["quota_utente"] == {Role.OPERATOR, Role.MANAGER}
    assert all(Role.READER not in step.roles for step in steps.all_steps())  # a reader meets nothing
    assert "approvazione_piano" not in steps.steps_met_by(Role.OPERATOR)
    assert "approvazione_piano" in steps.steps_met_by(Role.MANAGER)
    assert steps.steps_met_by(Role.READER) == []


def test_a_step_says_which_action_or_roles_meet_it_and_its_owner_may_do_that_action():
    from risorsa.repayment.actions import ACTIONS as PLAN_ACTIONS

    with pytest.raises(ImproperlyConfigured):  # neither
        steps.register_step("prova_senza_ruoli", "Prova", OrganizationKind.PARTNER, 1)
    with pytest.raises(ImproperlyConfigured):  # the municipality may not approve a plan
        steps.register_step(
            "prova_altro_ente", "Prova", OrganizationKind.MUNICIPALITY, 1, met_by=PLAN_ACTIONS["approve"]
        )
    assert "prova_senza_ruoli" not in {step.code for step in steps.all_steps()}


@pytest.mark.django_db
def test_a_newly_declared_step_gets_its_sla_row_and_deadline_without_a_migration(
    a_new_step, organizations, client_for
):
    municipality, partner = organizations["comune"], organizations["ponte"]
    person = PersonFactory(organization=municipality)
    deadline = open_deadline(step=a_new_step, subject=person, owner=partner)
    rule = SlaRule.objects.get(municipality=municipality, step=a_new_step)
    assert (rule.owner_kind, rule.working_days) == (OrganizationKind.PARTNER, 7)
    assert deadline.step_label == "Passaggio di prova"
    page = client_for("comune.lettore").get(reverse("coordination:sla-list")).content.decode()
    assert "Passaggio di prova" in page
