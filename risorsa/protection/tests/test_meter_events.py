"""The meter events of the utility's files set off the municipality's work and the incidents."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from risorsa.coordination.models import Deadline, Step
from risorsa.core.money import quantize
from risorsa.ledger.models import ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES, import_file, import_sample
from risorsa.protection.models import Incident, IncidentKind
from risorsa.protection.tests.helpers import active_protection, sample_customer


def first_lines(tmp_path, name, count):
    """The sample's header and its first `count` events, as a file of their own."""
    path = tmp_path / f"first-{count}-{name}"
    path.write_text("".join((SAMPLES / name).read_text().splitlines(keepends=True)[: count + 1]))
    return path


def banner(client) -> str:
    body = client.get(reverse("home:dashboard")).content.decode()
    return ("incident-banner" in body and body) or ""


@pytest.mark.django_db
def test_events_of_a_protected_customer_open_the_contact_then_an_incident_closed_at_reconnection(
    utility, personas, client_for, tmp_path
):
    # given: ROSSI MARIO (C100000) is protected
    customer = sample_customer(utility)
    protection = active_protection(customer, personas["comune.operatore"].user)

    # when: the utility reports the power reduction and the cut
    run = import_file(utility, "eventi", first_lines(tmp_path, "eventi_ok.csv", 2))
    assert run.status == ImportStatus.DONE

    # then: the municipality must evaluate the customer and contact the household within 3 working days
    contact = Deadline.objects.get(step=Step.CONTACT_AFTER_REDUCTION)
    assert (contact.subject, contact.owner, contact.opened_on) == (
        protection,
        customer.person.organization,
        date(2010, 2, 10),
    )
    assert contact.due_on == date(2010, 2, 15)  # Wednesday + 3 working days
    assert Deadline.objects.get(step=Step.EVALUATE_REDUCTION).subject == customer
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
    assert Deadline.objects.filter(step=Step.CONTACT_AFTER_REDUCTION).count() == 0
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
