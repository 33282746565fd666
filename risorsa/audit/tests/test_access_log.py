"""The access log: one masked row per request, scoped to the municipality's manager."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import login
from risorsa.audit.models import AccessLog
from risorsa.audit.services import audited_rows, mask_codici_fiscali, record_access
from risorsa.organizations.models import OrganizationKind, Role
from risorsa.organizations.tests.factories import MembershipFactory, OrganizationFactory
from risorsa.registry.tests.factories import PersonFactory

CF = "RSSMRA80A01D150X"


@pytest.fixture
def second_municipality(db):
    return OrganizationFactory(kind=OrganizationKind.MUNICIPALITY, code="comune-b", name="Comune B")


@pytest.fixture
def second_manager(second_municipality):
    return MembershipFactory(
        organization=second_municipality, role=Role.MANAGER, user__username="comune-b.responsabile"
    )


def _request(membership, path="/registry/people/", data=None):
    request = RequestFactory().get(path, data or {})
    request.user = membership.user
    request.membership = membership
    request.resolver_match = None
    return request


def _row(membership, *, person=None, what="registry:person-list"):
    return AccessLog.objects.create(
        user=membership.user,
        organization=membership.organization,
        what=what,
        path="/",
        rows=1,
        person=person,
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (CF, "*" * 16),
        (CF.lower(), "*" * 16),
        (f"rossi {CF} mario", f"rossi {'*' * 16} mario"),
        ("RSSMRALMALMDLRVX", "*" * 16),  # omocodia: digits replaced by letters
        ("ROSSI MARIO", "ROSSI MARIO"),
        ("RSSMRA80A01", "RSSMRA80A01"),  # a piece of a code is not one
    ],
)
def test_codici_fiscali_are_masked_wherever_they_appear(text, masked):
    assert mask_codici_fiscali(text) == masked


@pytest.mark.django_db
def test_a_recorded_access_keeps_no_codice_fiscale(personas):
    # given a search by codice fiscale, in the query string and in a nested filter
    membership = personas["aem.operatore"]
    request = _request(membership, f"/registry/people/{CF}/", {"q": CF, "page": "2"})
    # when the access is recorded
    access = record_access(request, what="registry:person-list", rows=3)
    # then the row says who, where and how many, and no codice fiscale is stored
    access.refresh_from_db()
    assert (access.user, access.organization, access.what, access.rows) == (
        membership.user,
        membership.organization,
        "registry:person-list",
        3,
    )
    assert access.filters == {"q": "*" * 16, "page": "2"}
    assert access.path == f"/registry/people/{'*' * 16}/"
    assert CF not in str(record_access(request, rows=0, filters={"cf": [CF], "n": 1}).filters)


@pytest.mark.django_db
def test_recording_an_access_costs_one_insert(personas, django_assert_num_queries):
    request = _request(personas["comune.operatore"], data={"q": "rossi"})
    with django_assert_num_queries(1):
        record_access(request, what="registry:person-list", rows=0)


@pytest.mark.django_db
def test_an_export_is_recorded_once_with_the_rows_that_went_out(personas):
    request = _request(personas["aem.operatore"], "/ledger/arrears/export.csv")
    rows = audited_rows(request, iter([("a",), ("b",), ("c",)]), what="ledger:arrears-export")
    assert not AccessLog.objects.exists()  # nothing has gone out yet
    assert list(rows) == [("a",), ("b",), ("c",)]
    assert AccessLog.objects.get().rows == 3


@pytest.mark.django_db
def test_a_download_stopped_halfway_is_recorded_with_what_went_out(personas):
    request = _request(personas["aem.operatore"], "/ledger/arrears/export.csv")
    rows = audited_rows(request, iter(range(10)), what="ledger:arrears-export")
    next(rows), next(rows)
    rows.close()
    assert AccessLog.objects.get().rows == 2


@pytest.mark.django_db
def test_the_manager_sees_reads_of_its_people_its_users_and_shared_lists(
    personas, municipality, second_municipality, second_manager
):
    # given reads about each municipality's people and list reads by everyone
    ours = PersonFactory(organization=municipality)
    theirs = PersonFactory(organization=second_municipality)
    their_operator = MembershipFactory(organization=second_municipality, role=Role.OPERATOR)
    about_ours_by_utility = _row(personas["aem.operatore"], person=ours)
    about_ours_by_us = _row(personas["comune.operatore"], person=ours)
    our_list = _row(personas["comune.lettore"])
    utility_list = _row(personas["aem.lettore"], what="ledger:arrears")
    partner_list = _row(personas["ponte.operatore"])
    about_theirs_by_utility = _row(personas["aem.operatore"], person=theirs)
    their_list = _row(their_operator)
    about_theirs_by_them = _row(their_operator, person=theirs)
    # then each manager sees its own side only
    assert set(AccessLog.objects.visible_to(personas["comune.responsabile"])) == {
        about_ours_by_utility,
        about_ours_by_us,
        our_list,
        utility_list,
        partner_list,
    }
    assert set(AccessLog.objects.visible_to(second_manager)) == {
        about_theirs_by_utility,
        their_list,
        about_theirs_by_them,
        utility_list,
        partner_list,
    }


@pytest.mark.parametrize(
    "persona",
    ["comune.operatore", "comune.lettore", "aem.responsabile", "aem.operatore", "ponte.responsabile"],
)
@pytest.mark.django_db
def test_no_one_but_the_municipality_manager_sees_the_log(personas, persona):
    _row(personas["aem.operatore"], person=PersonFactory())
    _row(personas[persona])
    assert not AccessLog.objects.visible_to(personas[persona]).exists()
    assert not AccessLog.objects.visible_to(None).exists()


@pytest.mark.django_db
def test_the_manager_browses_the_log_filtered_by_user_organization_and_day(client_for, personas):
    person = PersonFactory(surname="BARBIERI")
    with time_machine.travel("2010-03-01 10:00 +01:00"):
        _row(personas["aem.lettore"], person=person)
    with time_machine.travel("2010-03-05 10:00 +01:00"):
        _row(personas["ponte.operatore"], what="registry:person-list")
    client = client_for("comune.responsabile")
    url = reverse("registry:access-log")

    def shown(**params):
        rows = client.get(url, params).context["page"].object_list
        return [(row.user.username, row.what) for row in rows if row.what != "registry:access-log"]

    assert shown() == [("ponte.operatore", "registry:person-list"), ("aem.lettore", "registry:person-list")]
    assert shown(organizzazione=personas["aem.lettore"].organization_id) == [
        ("aem.lettore", "registry:person-list")
    ]
    assert shown(utente="ponte") == [("ponte.operatore", "registry:person-list")]
    assert shown(dal="02/03/2010", al="05/03/2010") == [("ponte.operatore", "registry:person-list")]
    assert shown(al="01/03/2010") == [("aem.lettore", "registry:person-list")]
    assert shown(q="barbieri") == [("aem.lettore", "registry:person-list")]
    body = client.get(url).content.decode()
    assert "BARBIERI" in body


@pytest.mark.django_db
def test_the_log_page_is_paginated_with_constant_queries(
    client_for, personas, settings, django_assert_max_num_queries
):
    settings.PAGE_SIZE = 5
    client = client_for("comune.responsabile")
    for _ in range(3):
        _row(personas["aem.operatore"], person=PersonFactory())
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("registry:access-log"))
    for _ in range(20):
        _row(personas["aem.operatore"], person=PersonFactory())
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(reverse("registry:access-log"))
    assert len(many) == len(few)
    assert len(response.context["page"].object_list) == 5
    assert response.context["page"].paginator.num_pages == 5  # 23 reads + 1 visit of the page


@pytest.mark.django_db
def test_the_log_page_is_the_municipality_managers(client_for, second_manager):
    assert client_for("comune.operatore").get(reverse("registry:access-log")).status_code == 403
    assert client_for("aem.responsabile").get(reverse("registry:access-log")).status_code == 404
    assert login(second_manager).get(reverse("registry:access-log")).status_code == 200


@pytest.mark.django_db
def test_the_dashboard_counts_the_last_30_days_of_reads_by_other_organizations(client_for, personas):
    person = PersonFactory()
    _row(personas["aem.operatore"], person=person)
    _row(personas["comune.operatore"], person=person)  # our own: not counted
    old = _row(personas["aem.operatore"], person=person)
    AccessLog.objects.filter(pk=old.pk).update(accessed_at=timezone.now() - timedelta(days=31))
    response = client_for("comune.responsabile").get(reverse("home:dashboard"))
    assert response.context["recent_reads"] == 1
