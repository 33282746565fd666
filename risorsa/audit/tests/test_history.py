"""Field-level history: edits through forms and services keep who changed what, shown to the
municipality's manager only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import login
from risorsa.interventions.models import Budget
from risorsa.ledger.models import Customer
from risorsa.organizations.models import OrganizationKind, Role
from risorsa.organizations.tests.factories import MembershipFactory, OrganizationFactory
from risorsa.protection import services as protection_services
from risorsa.registry import services as registry_services
from risorsa.registry.models import Household, Person
from risorsa.registry.tests.factories import PersonFactory


@pytest.fixture
def person(municipality):
    return PersonFactory(organization=municipality, phone="0372 1")


def _edit(client, person, **changes):
    data = {
        "codice_fiscale": person.codice_fiscale,
        "surname": person.surname,
        "name": person.name,
        "citizenship": "IT",
        "phone": person.phone,
        "city": person.city,
        **changes,
    }
    response = client.post(reverse("registry:person-update", args=[person.pk]), data)
    assert response.status_code == 302


def _changes(response):
    return [
        (entry.user.username if entry.user else None, change.field, change.old, change.new)
        for entry in response.context["entries"]
        for change in entry.changes
        if entry.kind == "modifica"
    ]


@pytest.mark.django_db
def test_an_edit_through_the_form_is_kept_field_by_field_with_its_user(client_for, person):
    # when an operator changes the phone through the form
    _edit(client_for("comune.operatore"), person, phone="0372 407111")
    # then the history keeps who changed which field, from what to what
    latest = person.history.first()
    assert latest.history_user.username == "comune.operatore"
    delta = latest.diff_against(latest.prev_record)
    assert [(change.field, change.old, change.new) for change in delta.changes] == [
        ("phone", "0372 1", "0372 407111")
    ]
    # and the manager reads it on the person's history page
    response = client_for("comune.responsabile").get(reverse("registry:person-history", args=[person.pk]))
    assert response.status_code == 200
    assert _changes(response) == [("comune.operatore", "telefono", "0372 1", "0372 407111")]
    assert "0372 407111" in response.content.decode()


@pytest.mark.django_db
def test_household_isee_and_assessment_changes_are_in_the_persons_history(client_for, personas, person):
    operator = personas["comune.operatore"]
    household = registry_services.create_household(membership=operator, person=person, size=2, minors=0)
    registry_services.update_household(membership=operator, household=household, life_support=True)
    registry_services.record_isee(
        membership=operator,
        household=household,
        value=Decimal("7000.00"),
        protocol="INPS-1",
        issued_on="2010-01-10",
        expires_on="2011-01-10",
    )
    registry_services.record_assessment(
        membership=operator, person=person, assessed_on="2010-02-01", fragility="ALTA"
    )
    response = client_for("comune.responsabile").get(reverse("registry:person-history", args=[person.pk]))
    subjects = {entry.subject.split(" n.")[0] for entry in response.context["entries"]}
    assert subjects == {"persona", "nucleo familiare", "ISEE", "valutazione sociale"}
    assert ("componente con apparecchiature salvavita", "no", "sì") in [
        (change.field, change.old, change.new)
        for entry in response.context["entries"]
        for change in entry.changes
    ]


@pytest.mark.django_db
def test_the_history_shows_nothing_of_another_municipalitys_rows(client_for, personas, person):
    # given the person once kept by another municipality (a history row of its registry)
    other = OrganizationFactory(kind=OrganizationKind.MUNICIPALITY, code="comune-b")
    Person.objects.filter(pk=person.pk).update(organization=other)
    moved = Person.objects.get(pk=person.pk)
    moved.phone = "0372 2"
    moved.save()
    Person.objects.filter(pk=person.pk).update(organization=personas["comune.operatore"].organization)
    # then our manager's page shows only the rows of our registry
    response = client_for("comune.responsabile").get(reverse("registry:person-history", args=[person.pk]))
    assert response.status_code == 200
    assert "0372 2" not in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("comune.operatore", 403),
        ("comune.lettore", 403),
        ("aem.responsabile", 404),
        ("ponte.responsabile", 404),
    ],
)
@pytest.mark.django_db
def test_only_the_manager_sees_the_history(client_for, person, persona, status):
    response = client_for(persona).get(reverse("registry:person-history", args=[person.pk]))
    assert response.status_code == status


@pytest.mark.django_db
def test_another_municipalitys_manager_finds_no_history(person):
    other = OrganizationFactory(kind=OrganizationKind.MUNICIPALITY, code="comune-b")
    manager = MembershipFactory(organization=other, role=Role.MANAGER)
    assert login(manager).get(reverse("registry:person-history", args=[person.pk])).status_code == 404


@pytest.fixture
def protection(personas, municipality, utility):
    customer = Customer.objects.create(
        utility=utility, municipality=municipality, code="C1", person=PersonFactory(organization=municipality)
    )
    return protection_services.propose_protection(
        customer=customer, reason="nucleo fragile", by=personas["comune.operatore"].user
    )


@pytest.mark.django_db
def test_a_protection_keeps_its_field_history(client_for, personas, protection):
    protection.reason = "nucleo molto fragile"
    protection.save()
    response = client_for("comune.responsabile").get(reverse("protection:history", args=[protection.pk]))
    assert response.status_code == 200
    assert ("motivazione", "nucleo fragile", "nucleo molto fragile") in [
        (change.field, change.old, change.new)
        for entry in response.context["entries"]
        for change in entry.changes
    ]
    for persona, status in (("comune.operatore", 403), ("aem.responsabile", 404), ("aem.lettore", 404)):
        assert (
            client_for(persona).get(reverse("protection:history", args=[protection.pk])).status_code == status
        )


@pytest.mark.django_db
def test_a_budget_change_is_kept_with_its_user(client_for, municipality):
    client = client_for("comune.responsabile")
    client.post(reverse("interventions:budget"), {"year": "2010", "amount": "1.000,00"})
    client.post(reverse("interventions:budget"), {"year": "2010", "amount": "1.500,00"})
    budget = Budget.objects.get(municipality=municipality, year=2010)
    assert [record.history_user.username for record in budget.history.all()] == ["comune.responsabile"] * 2
    response = client.get(reverse("interventions:budget-history"))
    assert ("comune.responsabile", "stanziamento", Decimal("1000.00"), Decimal("1500.00")) in _changes(
        response
    )
    assert client_for("comune.operatore").get(reverse("interventions:budget-history")).status_code == 403


@pytest.mark.django_db
def test_another_municipalitys_budget_is_not_in_the_history(client_for, municipality):
    other = OrganizationFactory(kind=OrganizationKind.MUNICIPALITY, code="comune-b")
    Budget.objects.create(municipality=other, year=2010, amount=Decimal("99.00"))
    response = client_for("comune.responsabile").get(reverse("interventions:budget-history"))
    assert response.context["entries"] == []


@pytest.mark.django_db
def test_the_history_page_is_audited(client_for, person):
    from risorsa.audit.models import AccessLog

    client_for("comune.responsabile").get(reverse("registry:person-history", args=[person.pk]))
    access = AccessLog.objects.get()
    assert (access.what, access.person_id) == ("registry:person-history", person.pk)


@pytest.mark.django_db
def test_a_household_created_in_bulk_has_no_history_row(municipality):
    Household.objects.bulk_create([Household(organization=municipality)])
    assert not Household.history.exists()
