import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risorsa.registry.tests.factories import PersonFactory


@pytest.fixture
def people(municipality):
    return {
        "bertole": PersonFactory(organization=municipality, surname="BERTOLÈ", name="NICOLÒ"),
        "rossi": PersonFactory(organization=municipality, surname="ROSSI", name="MARIO"),
        "rossetti": PersonFactory(organization=municipality, surname="ROSSETTI", name="ANNA"),
    }


def _found(response):
    return {person.surname for person in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bertole", {"BERTOLÈ"}),
        ("BERTOLÈ", {"BERTOLÈ"}),
        ("ertol", {"BERTOLÈ"}),
        ("nicolo", {"BERTOLÈ"}),
        ("ross", {"ROSSI", "ROSSETTI"}),
        ("rossi mario", {"ROSSI"}),
        ("mario rossi", {"ROSSI"}),
        ("", {"BERTOLÈ", "ROSSI", "ROSSETTI"}),
        ("verdi", set()),
    ],
)
@pytest.mark.django_db
def test_finds_people_by_part_of_surname_or_name_ignoring_case_and_accents(
    client_for, people, query, expected
):
    response = client_for("comune.operatore").post(reverse("registry:person-list"), {"q": query})
    assert _found(response) == expected


@pytest.mark.django_db
def test_finds_a_person_by_codice_fiscale(client_for, people):
    code = people["rossi"].codice_fiscale
    response = client_for("comune.operatore").post(reverse("registry:person-list"), {"q": code.lower()[:11]})
    assert _found(response) == {"ROSSI"}


@pytest.mark.django_db
def test_htmx_search_returns_only_the_results(client_for, people):
    response = client_for("comune.operatore").post(
        reverse("registry:person-list"), {"q": "ross"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "ROSSETTI" in body
    assert "<html" not in body


@pytest.mark.django_db
def test_pages_the_results(client_for, municipality, settings):
    settings.PAGE_SIZE = 25
    PersonFactory.create_batch(30, organization=municipality)
    client = client_for("comune.operatore")
    first = client.get(reverse("registry:person-list"))
    second = client.get(reverse("registry:person-list"), {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Pagina 1 di 2" in first.content.decode()


@pytest.mark.django_db
def test_other_organizations_see_no_one_they_do_not_serve(client_for, people):
    # Another territory's municipality and the partner (no one referred yet) find no one.
    for persona in ("crema.operatore", "ponte.operatore"):
        response = client_for(persona).get(reverse("registry:person-list"))
        assert _found(response) == set()
    # A utility knows its customers, not the registry: the page does not exist for it.
    assert client_for("aem.operatore").get(reverse("registry:person-list")).status_code == 404


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, params) if "q" in params else client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "ros"}, {"q": "ros", "page": "2"}])
@pytest.mark.django_db
def test_list_and_search_queries_do_not_grow_with_the_people(client_for, municipality, params, settings):
    settings.PAGE_SIZE = 10
    client = client_for("comune.operatore")
    url = reverse("registry:person-list")
    PersonFactory.create_batch(12, organization=municipality, surname="ROSSI")
    few = _queries(client, url, params)
    PersonFactory.create_batch(150, organization=municipality, surname="ROSSINI")
    many = _queries(client, url, params)
    assert many == few
    assert few <= 7  # 6 reads and the one INSERT of the access row


@pytest.mark.django_db
def test_the_search_form_sends_the_codice_fiscale_by_post_never_in_a_url(client_for, people):
    # given a search by codice fiscale
    code = people["rossi"].codice_fiscale
    response = client_for("comune.operatore").post(reverse("registry:person-list"), {"q": code})
    body = response.content.decode()
    # then the page's forms post, no link or form target carries the code, no URL is pushed
    assert _found(response) == {"ROSSI"}
    assert 'method="get"' not in body
    assert "hx-get" not in body
    assert "hx-push-url" not in body
    assert not re.search(rf"(href|action|hx-post)=\"[^\"]*{code}", body, re.IGNORECASE)


@pytest.mark.django_db
def test_a_query_in_the_url_is_ignored(client_for, people):
    response = client_for("comune.operatore").get(reverse("registry:person-list"), {"q": "rossi"})
    assert _found(response) == {"BERTOLÈ", "ROSSI", "ROSSETTI"}


@pytest.mark.django_db
def test_pages_through_a_search_by_post(client_for, municipality, settings):
    # given 30 people called ROSSI and pages of 25
    settings.PAGE_SIZE = 25
    PersonFactory.create_batch(30, organization=municipality, surname="ROSSI")
    client = client_for("comune.operatore")
    first = client.post(reverse("registry:person-list"), {"q": "rossi"}, headers={"HX-Request": "true"})
    # when the next page is asked for from the search's own pagination form
    body = first.content.decode()
    assert 'name="page" value="2"' in body
    assert 'name="q" value="rossi"' in body
    second = client.post(reverse("registry:person-list"), {"q": "rossi", "page": "2"})
    # then it holds the rest of the same search
    assert len(second.context["page"].object_list) == 5
    assert "Pagina 2 di 2" in second.content.decode()


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("D'Angelo  Nicolò", "dangelo nicolo"),
        ("BERTOLE'", "bertole"),
        ("BERTOLÈ", "bertole"),
        ("  Rossi Mario ", "rossi mario"),
    ],
)
def test_fold_ignores_case_accents_apostrophes_and_spacing(text, folded):
    from risorsa.registry.text import fold

    assert fold(text) == folded
