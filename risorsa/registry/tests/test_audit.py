import pytest
from django.db.models import Q
from django.urls import reverse

from risorsa.organizations.models import OrganizationKind
from risorsa.registry import access
from risorsa.registry.models import PersonRead
from risorsa.registry.tests.factories import PersonFactory


@pytest.fixture
def person(municipality):
    return PersonFactory(organization=municipality)


@pytest.fixture
def utility_serves(monkeypatch, person):
    """Let the utility see `person`, as the ledger's grant will for its own customers."""
    monkeypatch.setitem(access._grants, OrganizationKind.UTILITY, [lambda membership: Q(pk=person.pk)])


@pytest.mark.django_db
def test_a_read_by_another_organization_leaves_an_audit_row(client_for, personas, person, utility_serves):
    # when a utility operator opens the person's page
    response = client_for("aem.operatore").get(reverse("registry:person-detail", args=[person.pk]))
    # then the page is shown without social data, and the read is recorded
    assert response.status_code == 200
    assert "Valutazioni sociali" not in response.content.decode()
    read = PersonRead.objects.get()
    assert (read.person, read.user, read.organization) == (
        person,
        personas["aem.operatore"].user,
        person_org(personas),
    )
    assert read.path == reverse("registry:person-detail", args=[person.pk])


def person_org(personas):
    return personas["aem.operatore"].organization


@pytest.mark.django_db
def test_reads_by_the_municipality_keeping_the_record_are_not_audited(client_for, person):
    client_for("comune.operatore").get(reverse("registry:person-detail", args=[person.pk]))
    assert not PersonRead.objects.exists()


@pytest.mark.django_db
def test_a_refused_read_leaves_no_audit_row(client_for, person):
    response = client_for("ponte.operatore").get(reverse("registry:person-detail", args=[person.pk]))
    assert response.status_code == 404
    assert not PersonRead.objects.exists()


@pytest.mark.django_db
def test_the_municipality_manager_browses_the_audit_log(client_for, person, utility_serves):
    client_for("aem.lettore").get(reverse("registry:person-detail", args=[person.pk]))
    response = client_for("comune.responsabile").get(reverse("registry:access-log"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{person.surname} {person.name}" in body
    assert "aem.lettore" in body or "Anna" in body


@pytest.mark.django_db
def test_the_audit_log_filters_by_organization(client_for, person, utility_serves, personas):
    client_for("aem.lettore").get(reverse("registry:person-detail", args=[person.pk]))
    partner = personas["ponte.operatore"].organization
    response = client_for("comune.responsabile").get(
        reverse("registry:access-log"), {"organizzazione": partner.pk}
    )
    assert list(response.context["page"].object_list) == []


@pytest.mark.django_db
def test_operators_cannot_browse_the_audit_log(client_for):
    assert client_for("comune.operatore").get(reverse("registry:access-log")).status_code == 403
