from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risorsa.coordination.models import Deadline, SlaRule
from risorsa.coordination.selectors import todo_for
from risorsa.coordination.services import meet_deadlines, open_deadline, sla_rule
from risorsa.ledger.models import Customer
from risorsa.protection import steps as protection_steps
from risorsa.registry.tests.factories import PersonFactory


def customer_of(utility, municipality, code="C1"):
    person = PersonFactory(organization=municipality)
    return Customer.objects.create(
        utility=utility,
        code=code,
        person=person,
        holder_surname=person.surname,
        holder_name=person.name,
        municipality=municipality,
    )


@pytest.mark.django_db
def test_a_deadline_is_due_after_the_sla_working_days(utility, municipality):
    # given: contact after a power reduction within 3 working days (the default)
    customer = customer_of(utility, municipality)
    # when: the reduction happens on Wednesday 11 November 2026
    deadline = open_deadline(
        step=protection_steps.CONTACT_AFTER_REDUCTION,
        subject=customer,
        owner=municipality,
        opened_on=date(2026, 11, 11),
    )
    # then: Thursday 12, (Friday 13 is Sant'Omobono), Monday 16, Tuesday 17
    assert deadline.due_on == date(2026, 11, 17)


@pytest.mark.django_db
def test_the_day_of_the_event_is_not_counted_even_on_a_saturday(utility, municipality):
    # given: contact after a power reduction within 3 working days (the default)
    customer = customer_of(utility, municipality)
    # when: the reduction happens on Saturday 28 November 2026
    deadline = open_deadline(
        step=protection_steps.CONTACT_AFTER_REDUCTION,
        subject=customer,
        owner=municipality,
        opened_on=date(2026, 11, 28),
    )
    # then: Monday 30 November is the first working day, Tuesday 1 and Wednesday 2 December the others
    assert deadline.due_on == date(2026, 12, 2)


@pytest.mark.django_db
def test_one_deadline_stays_open_per_step_and_subject_until_it_is_met(utility, municipality):
    customer = customer_of(utility, municipality)
    first = open_deadline(step=protection_steps.EVALUATE_REDUCTION, subject=customer, owner=municipality)
    assert (
        open_deadline(step=protection_steps.EVALUATE_REDUCTION, subject=customer, owner=municipality) == first
    )
    assert meet_deadlines(subject=customer, steps=[protection_steps.EVALUATE_REDUCTION]) == 1
    again = open_deadline(step=protection_steps.EVALUATE_REDUCTION, subject=customer, owner=municipality)
    assert again != first
    assert Deadline.objects.count() == 2


@pytest.mark.django_db
@time_machine.travel(date(2026, 11, 25), tick=False)
def test_the_queue_lists_what_waits_on_the_organization_overdue_first(utility, municipality, personas):
    late = open_deadline(
        step=protection_steps.EVALUATE_REDUCTION,
        subject=customer_of(utility, municipality, "C1"),
        owner=municipality,
        opened_on=date(2026, 11, 2),
    )
    later = open_deadline(
        step=protection_steps.EVALUATE_REDUCTION,
        subject=customer_of(utility, municipality, "C2"),
        owner=municipality,
    )
    not_yet = open_deadline(
        step=protection_steps.PROTECTION_REVIEW,
        subject=customer_of(utility, municipality, "C3"),
        owner=municipality,
        opened_on=date(2027, 1, 4),
        due_on=date(2027, 1, 18),
    )
    theirs = open_deadline(
        step=protection_steps.INCIDENT, subject=customer_of(utility, municipality, "C4"), owner=utility
    )
    municipality_queue = list(todo_for(membership=personas["comune.operatore"]))
    assert municipality_queue == [late, later]
    assert not_yet not in municipality_queue
    assert list(todo_for(membership=personas["aem.operatore"])) == [theirs]
    assert list(todo_for(membership=personas["aem.operatore"], everyone=True)) == [theirs]
    assert list(todo_for(membership=personas["comune.lettore"], everyone=True)) == [late, theirs, later]
    assert list(todo_for(membership=personas["ponte.operatore"])) == []


@pytest.mark.django_db
def test_the_queue_page_marks_late_steps_with_fixed_queries(client_for, utility, municipality):
    client = client_for("comune.operatore")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("coordination:todo"))
        assert response.status_code == 200
        return len(captured)

    open_deadline(
        step=protection_steps.EVALUATE_REDUCTION,
        subject=customer_of(utility, municipality, "C0"),
        owner=municipality,
        opened_on=date(2010, 2, 1),
    )
    few = queries()
    for number in range(1, 8):
        open_deadline(
            step=protection_steps.EVALUATE_REDUCTION,
            subject=customer_of(utility, municipality, f"C{number}"),
            owner=municipality,
        )
    assert queries() == few
    body = client.get(reverse("coordination:todo")).content.decode()
    assert body.count("in ritardo") == 1


@pytest.mark.django_db
def test_a_municipality_manager_changes_the_sla_and_others_cannot(client_for, municipality):
    rule = sla_rule(protection_steps.CONTACT_AFTER_REDUCTION, municipality)
    url = reverse("coordination:sla-update", args=[rule.pk])
    response = client_for("comune.responsabile").post(url, {"working_days": "5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    rule.refresh_from_db()
    assert rule.working_days == 5
    assert rule.updated_by.username == "comune.responsabile"
    assert client_for("comune.operatore").post(url, {"working_days": "9"}).status_code == 403
    assert client_for("aem.responsabile").post(url, {"working_days": "9"}).status_code == 404
    assert client_for("crema.responsabile").post(url, {"working_days": "9"}).status_code == 404
    rule.refresh_from_db()
    assert rule.working_days == 5


@pytest.mark.django_db
def test_an_sla_out_of_range_is_refused_in_italian(client_for, municipality):
    rule = sla_rule(protection_steps.CONTACT_AFTER_REDUCTION, municipality)
    response = client_for("comune.responsabile").post(
        reverse("coordination:sla-update", args=[rule.pk]), {"working_days": "400"}, HTTP_HX_REQUEST="true"
    )
    assert "250" in response.content.decode()
    rule.refresh_from_db()
    assert rule.working_days == 3


@pytest.mark.django_db
def test_each_territory_starts_from_the_codes_defaults_and_keeps_its_own_table(client_for, organizations):
    from risorsa.coordination.steps import all_steps

    assert client_for("comune.lettore").get(reverse("coordination:sla-list")).status_code == 200
    rows = {
        rule.step: (rule.owner_kind, rule.working_days)
        for rule in SlaRule.objects.filter(municipality=organizations["comune"])
    }
    assert rows == {step.code: (str(step.owner_kind), step.default_days) for step in all_steps()}
    assert rows["contatto_riduzione"] == ("COMUNE", 3)  # DOMAIN.md: contact after a reduction, 3

    # Crema's manager shortens Crema's evaluation; Cremona's deadlines keep Cremona's table.
    crema_rule = sla_rule(protection_steps.EVALUATE_REDUCTION, organizations["crema"])
    client_for("crema.responsabile").post(
        reverse("coordination:sla-update", args=[crema_rule.pk]), {"working_days": "1"}
    )
    utility = organizations["aem"]
    monday = date(2026, 11, 23)
    in_cremona = open_deadline(
        step=protection_steps.EVALUATE_REDUCTION,
        subject=customer_of(utility, organizations["comune"], "C1"),
        owner=organizations["comune"],
        opened_on=monday,
    )
    in_crema = open_deadline(
        step=protection_steps.EVALUATE_REDUCTION,
        subject=customer_of(utility, organizations["crema"], "C2"),
        owner=organizations["crema"],
        opened_on=monday,
    )
    assert (in_cremona.due_on, in_crema.due_on) == (date(2026, 11, 30), date(2026, 11, 24))
    page = client_for("crema.responsabile").get(reverse("coordination:sla-list")).content.decode()
    assert 'name="working_days" value="1"' in page
    assert page.count('id="sla-') == len(all_steps())  # its own table only, not Cremona's too
