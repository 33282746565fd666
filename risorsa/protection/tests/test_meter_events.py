"""The meter events of the utility's files set off the municipality's work and the incidents."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from risorsa.coordination.models import Deadline
from risorsa.core.money import quantize
from risorsa.ledger.models import ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES, import_file, import_sample
from risorsa.protection import services, steps
from risorsa.protection.models import EndReason, Incident, IncidentKind
from risorsa.protection.tests.helpers import active_protection, sample_customer


def first_lines(tmp_path, name, count):
    """The sample's header and its first `count` events, as a file of their own."""
    path = tmp_path / f"first-{count}-{name}"
    path.write_text("".join((SAMPLES / name).read_text().splitlines(keepends=True)[: count + 1]))
    return path


def events_file(tmp_path, customer, *events) -> Path:
    """A file of the utility with the customer's events, each (id, kind, day) on its first supply point."""
    point = customer.supply_points.order_by("pk").first().code
    lines = ["id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note"]
    lines += [
        f"{external_id};{customer.code};{point};{kind};{day:%d/%m/%Y};" for external_id, kind, day in events
    ]
    path = tmp_path / f"eventi-{events[0][0]}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def banner(client) -> str:
    body = client.get(reverse("home:dashboard")).content.decode()
    return ("incident-banner" in body and body) or ""


@pytest.mark.django_db
def test_events_of_a_protected_customer_open_the_contact_then_an_incident_closed_at_reconnection(
    utility, personas, client_for, tmp_path
):
    # given: ROSSI MARIO (C100000) is protected since before the events
    customer = sample_customer(utility)
    protection = active_protection(customer, personas["comune.operatore"].user, on=date(2010, 2, 1))

    # when: the utility reports the power reduction and the cut
    run = import_file(utility, "eventi", first_lines(tmp_path, "eventi_ok.csv", 2))
    assert run.status == ImportStatus.DONE

    # then: the municipality must evaluate the customer and contact the household within 3 working days
    contact = Deadline.objects.get(step=steps.CONTACT_AFTER_REDUCTION)
    assert (contact.subject, contact.owner, contact.opened_on) == (
        protection,
        customer.person.organization,
        date(2010, 2, 10),
    )
    assert contact.due_on == date(2010, 2, 15)  # Wednesday + 3 working days
    assert Deadline.objects.get(step=steps.EVALUATE_REDUCTION).subject == customer
    # and the cut is an incident that the utility and the municipality see at once, the partner not
    incident = Incident.objects.get()
    assert (incident.kind, incident.opened_on, incident.closed_on) == (
        IncidentKind.PROTECTED,
        date(2010, 3, 1),
        None,
    )
    for persona in ("comune.operatore", "comune.lettore", "aem.operatore", "aem.lettore"):
        assert "1 fornitura protetta è sospesa" in banner(client_for(persona)), persona
    assert banner(client_for("ponte.responsabile")) == ""

    # when: the whole file arrives, with the reconnection (the first two events are already known)
    again = import_sample(utility, "eventi", "eventi_ok.csv")
    assert (again.created, again.unchanged) == (1, 2)

    # then: the incident is closed at the reconnection and the banner is gone
    incident.refresh_from_db()
    assert incident.closed_on == date(2010, 3, 3)
    assert incident.reconnection.external_id == "E0003"
    assert Incident.objects.count() == 1
    assert banner(client_for("aem.operatore")) == ""
    timeline = client_for("aem.operatore").get(reverse("protection:incident-detail", args=[incident.pk]))
    assert [event.external_id for event in timeline.context["timeline"]] == ["E0001", "E0002", "E0003"]


@pytest.mark.django_db
def test_a_reduction_on_any_customer_queues_them_for_evaluation_without_a_contact_deadline(
    utility, client_for, tmp_path
):
    customer = sample_customer(utility)
    import_file(utility, "eventi", first_lines(tmp_path, "eventi_ok.csv", 1))
    assert Deadline.objects.filter(step=steps.CONTACT_AFTER_REDUCTION).count() == 0
    response = client_for("comune.operatore").get(reverse("protection:evaluation-queue"))
    (row,) = response.context["page"].object_list
    assert (row.subject, row.customer_code, row.reduced_on) == (customer, "C100000", date(2010, 2, 10))
    assert quantize(row.balance) == Decimal("383.26")  # SQLite sums in floating point


@pytest.mark.django_db
def test_a_cut_of_an_unprotected_customer_is_no_incident_but_of_a_life_support_household_it_is(
    utility, municipality, tmp_path
):
    from risorsa.registry.tests.factories import HouseholdFactory

    customer = sample_customer(utility)
    import_file(utility, "eventi", first_lines(tmp_path, "eventi_ok.csv", 2))
    assert not Incident.objects.exists()

    customer.person.household = HouseholdFactory(organization=municipality, life_support=True)
    customer.person.save()
    cut = tmp_path / "cut.csv"
    cut.write_text(
        "id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note\nE0100;C100000;IT012E10000007;SOSPENSIONE;05/03/2010;\n"
    )
    import_file(utility, "eventi", cut)
    assert Incident.objects.get().kind == IncidentKind.NON_DISCONNECTABLE


@pytest.mark.django_db
def test_a_cut_dated_while_the_protection_was_active_is_an_incident_even_if_it_has_ended_since(
    utility, personas, tmp_path
):
    # given: C100000 protected from 1 February 2010, the protection ended since (today)
    operator = personas["comune.operatore"].user
    customer = sample_customer(utility)
    protection = active_protection(customer, operator, on=date(2010, 2, 1))
    services.end_protection(protection=protection, by=operator, reason=EndReason.MOVED)
    # when: the file with the cut of 1 March 2010 arrives after the ending
    import_file(
        utility, "eventi", events_file(tmp_path, customer, ("E0100", "SOSPENSIONE", date(2010, 3, 1)))
    )
    # then: on that day the supply was protected: an incident
    incident = Incident.objects.get()
    assert (incident.customer, incident.kind, incident.opened_on) == (
        customer,
        IncidentKind.PROTECTED,
        date(2010, 3, 1),
    )
    assert Deadline.objects.get(step=steps.INCIDENT).subject == incident


@pytest.mark.django_db
def test_a_cut_dated_before_the_activation_is_no_incident(utility, personas, tmp_path):
    # given: C100000 protected from 15 March 2010, and active now
    customer = sample_customer(utility)
    active_protection(customer, personas["comune.operatore"].user, on=date(2010, 3, 15))
    # when: the utility reports a cut of 1 March 2010
    import_file(
        utility, "eventi", events_file(tmp_path, customer, ("E0100", "SOSPENSIONE", date(2010, 3, 1)))
    )
    # then: on that day the customer was not protected yet
    assert not Incident.objects.exists()
    assert not Deadline.objects.filter(step=steps.INCIDENT).exists()


@pytest.mark.django_db
def test_a_cut_during_a_suspension_of_the_protection_is_no_incident_one_after_the_resumption_is(
    utility, personas, tmp_path
):
    # given: C100000 protected from 1 February 2010, suspended from 20 February, resumed on 10 March
    operator = personas["comune.operatore"].user
    customer = sample_customer(utility)
    protection = active_protection(customer, operator, on=date(2010, 2, 1))
    with time_machine.travel(date(2010, 2, 20), tick=False):
        services.suspend_protection(protection=protection, by=operator, why="ospite da parenti")
    with time_machine.travel(date(2010, 3, 10), tick=False):
        services.activate_protection(protection=protection, by=operator, why="rientrato")
    # when: the utility reports a cut on 1 March, restored on 3 March, and another on 12 March
    import_file(
        utility,
        "eventi",
        events_file(
            tmp_path,
            customer,
            ("E0100", "SOSPENSIONE", date(2010, 3, 1)),
            ("E0101", "RIATTIVAZIONE", date(2010, 3, 3)),
            ("E0102", "SOSPENSIONE", date(2010, 3, 12)),
        ),
    )
    # then: only the cut of 12 March, when the protection was active again, is an incident
    assert list(Incident.objects.values_list("opened_on", "closed_on")) == [(date(2010, 3, 12), None)]


@pytest.mark.django_db
def test_a_reduction_opens_the_contact_deadline_only_if_the_customer_was_protected_that_day(
    utility, personas, tmp_path
):
    # given: C100000 protected from 15 February 2010
    operator = personas["comune.operatore"].user
    customer = sample_customer(utility)
    protection = active_protection(customer, operator, on=date(2010, 2, 15))
    # when: a reduction of 10 February arrives, before the activation
    import_file(
        utility, "eventi", events_file(tmp_path, customer, ("E0100", "RIDUZIONE_POTENZA", date(2010, 2, 10)))
    )
    # then: the municipality evaluates the customer, but there was no protected household to contact
    assert Deadline.objects.filter(step=steps.EVALUATE_REDUCTION).count() == 1
    assert not Deadline.objects.filter(step=steps.CONTACT_AFTER_REDUCTION).exists()

    # when: the protection is suspended, then a reduction of Saturday 20 February arrives
    services.suspend_protection(protection=protection, by=operator, why="ospite da parenti")
    import_file(
        utility, "eventi", events_file(tmp_path, customer, ("E0101", "RIDUZIONE_POTENZA", date(2010, 2, 20)))
    )
    # then: on that day it was protected: contact within 3 working days, Saturday not counted
    contact = Deadline.objects.get(step=steps.CONTACT_AFTER_REDUCTION)
    assert (contact.subject, contact.opened_on, contact.due_on) == (
        protection,
        date(2010, 2, 20),
        date(2010, 2, 24),
    )


@pytest.mark.django_db
def test_a_reduction_while_protected_opens_no_contact_deadline_once_the_protection_has_ended(
    utility, personas, tmp_path
):
    # given: C100000 protected from 1 February 2010, the protection ended since (today)
    operator = personas["comune.operatore"].user
    customer = sample_customer(utility)
    protection = active_protection(customer, operator, on=date(2010, 2, 1))
    services.end_protection(protection=protection, by=operator, reason=EndReason.SETTLED)
    # when: a reduction of 10 February 2010 arrives
    import_file(
        utility, "eventi", events_file(tmp_path, customer, ("E0100", "RIDUZIONE_POTENZA", date(2010, 2, 10)))
    )
    # then: the customer is evaluated, but nobody is left to contact as a protected household
    assert Deadline.objects.filter(step=steps.EVALUATE_REDUCTION).count() == 1
    assert not Deadline.objects.filter(step=steps.CONTACT_AFTER_REDUCTION).exists()
