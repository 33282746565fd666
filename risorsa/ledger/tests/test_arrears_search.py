"""The arrears list's search box (issue 12, point 2): by name, codice fiscale or customer code, in
the member's scope, keeping the other filters; the utility finds only by what its files said."""

import re

import pytest
from django.urls import reverse

from risorsa.audit.models import AccessLog
from risorsa.ledger.tests.helpers import import_sample
from risorsa.registry.models import Person

LABEL = "Cerca per nome, codice fiscale o codice cliente"


def found(client, **query) -> list[str]:
    response = client.post(reverse("ledger:arrears"), query)
    assert response.status_code == 200
    return [customer.code for customer in response.context["page"].object_list]


@pytest.fixture
def sample(utility):
    import_sample(utility, "fatture", "fatture_ok.csv")


@pytest.mark.django_db
def test_the_search_box_is_labelled_and_sent_with_the_other_filters(sample, client_for):
    page = client_for("comune.operatore").get(reverse("ledger:arrears")).content.decode()
    assert re.search(rf'<label for="id_q" class="[^"]*">{LABEL}</label>', page)
    assert 'type="search"' in page and 'method="post"' in page and 'role="search"' in page


@pytest.mark.django_db
def test_a_searched_codice_fiscale_never_travels_in_a_url(sample, client_for):
    client = client_for("comune.operatore")
    # a search in the query string (a pasted link) is not read: the whole list answers
    everyone = found(client)
    listed = client.get(reverse("ledger:arrears"), {"q": "BNCLCU75S42D150C"}).context["page"].object_list
    assert len(everyone) > 1 and [customer.code for customer in listed] == everyone
    # and the page of a posted search links nowhere with it: its pages and exports post it again
    page = client.post(reverse("ledger:arrears"), {"q": "BNCLCU75S42D150C"}).content.decode()
    assert "BNCLCU75S42D150C" not in "".join(re.findall(r'(?:href|action|hx-post|hx-get)="([^"]*)"', page))
    assert '<input type="hidden" name="q" value="BNCLCU75S42D150C">' in page


@pytest.mark.django_db
def test_a_municipality_finds_a_debtor_by_surname_name_codice_fiscale_or_customer_code(sample, client_for):
    client = client_for("comune.operatore")
    assert found(client, q="bianchi") == ["C100001"]
    assert found(client, q="Lucia  BIANCHI") == ["C100001"]  # every word, in any order and case
    assert found(client, q="d'angelo") == ["C100005"]
    assert found(client, q="bnclcu75s42d150c") == ["C100001"]  # the whole code, in lower case
    assert found(client, q="BNCLCU") == ["C100001"]  # its first characters
    assert found(client, q="c100002") == ["C100002"]
    assert found(client, q="nessuno") == []


@pytest.mark.django_db
def test_the_search_keeps_the_other_filters_and_the_pages(sample, client_for, settings):
    client = client_for("comune.operatore")
    assert found(client, q="bianchi", servizio="GAS") == ["C100001"]
    assert found(client, q="bianchi", minimo="5.000,00") == []
    settings.PAGE_SIZE = 1
    response = client.post(reverse("ledger:arrears"), {"q": "an", "ordine": "codice"})  # ANNA, D'ANGELO, …
    assert response.context["page"].paginator.count > 1
    pages = response.content.decode().split('<nav class="pagination-wrapper"')[0].rsplit("<form", 1)[1]
    pages += response.content.decode().split('<nav class="pagination-wrapper"')[1].split("</form>")[0]
    assert '<input type="hidden" name="q" value="an">' in pages
    assert '<input type="hidden" name="ordine" value="codice">' in pages
    assert 'name="page" value="2"' in pages
    second = client.post(reverse("ledger:arrears"), {"q": "an", "ordine": "codice", "page": "2"})
    assert second.context["page"].number == 2
    assert second.context["page"].object_list[0] not in response.context["page"].object_list
    export = client.post(reverse("ledger:arrears-export", args=["csv"]), {"q": "bianchi"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(";")[0] for line in lines[1:]] == ["C100001"]


@pytest.mark.django_db
def test_the_search_stays_in_the_member_s_scope(sample, client_for):
    assert found(client_for("crema.operatore"), q="bianchi") == []  # Cremona's customer
    assert found(client_for("a2a.operatore"), q="C100001") == []  # AEM's customer
    assert found(client_for("aem.operatore"), q="C100001") == ["C100001"]


@pytest.mark.django_db
def test_the_utility_finds_no_one_by_what_only_the_registry_knows(sample, client_for):
    # given the municipality's registry names BIANCHI otherwise than the utility's file
    Person.objects.filter(codice_fiscale="BNCLCU75S42D150C").update(
        surname="BIANCHINI", name="LUCIANA", search_text="bianchini luciana bnclcu75s42d150c"
    )
    # then the municipality finds her by either name, the utility only by what it sent
    assert found(client_for("comune.operatore"), q="luciana") == ["C100001"]
    assert found(client_for("aem.operatore"), q="luciana") == []
    assert found(client_for("aem.operatore"), q="bianchini") == []
    assert found(client_for("aem.operatore"), q="lucia bianchi") == ["C100001"]
    assert found(client_for("aem.operatore"), q="BNCLCU75S42D150C") == ["C100001"]  # the code it sent


@pytest.mark.django_db
def test_a_posted_search_is_logged_with_its_filters_and_the_codice_fiscale_masked(sample, client_for):
    client_for("comune.operatore").post(
        reverse("ledger:arrears"), {"q": "BNCLCU75S42D150C", "servizio": "GAS"}
    )

    access = AccessLog.objects.latest("pk")
    assert access.what == "ledger:arrears" and access.rows == 1
    assert access.filters["servizio"] == "GAS"
    assert "BNCLCU75S42D150C" not in str(access.filters) and access.filters["q"]
