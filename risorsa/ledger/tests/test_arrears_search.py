"""The arrears list's search box (issue 12, point 2): by name, codice fiscale or customer code, in
the member's scope, keeping the other filters; the utility finds only by what its files said."""

import re

import pytest
from django.urls import reverse

from risorsa.ledger.tests.helpers import import_sample
from risorsa.registry.models import Person

LABEL = "Cerca per nome, codice fiscale o codice cliente"


def found(client, **query) -> list[str]:
    response = client.get(reverse("ledger:arrears"), query)
    assert response.status_code == 200
    return [customer.code for customer in response.context["page"].object_list]


@pytest.fixture
def sample(utility):
    import_sample(utility, "fatture", "fatture_ok.csv")


@pytest.mark.django_db
def test_the_search_box_is_labelled_and_sent_with_the_other_filters(sample, client_for):
    page = client_for("comune.operatore").get(reverse("ledger:arrears")).content.decode()
    assert re.search(rf'<label for="id_q" class="[^"]*">{LABEL}</label>', page)
    assert 'type="search"' in page and 'method="get"' in page and 'role="search"' in page


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
    response = client.get(reverse("ledger:arrears"), {"q": "an", "ordine": "codice"})  # ANNA, D'ANGELO, …
    assert response.context["page"].paginator.count > 1
    next_page = response.content.decode().split('class="page-link" href="', 2)[1].split('"')[0]
    assert "q=an" in next_page and "ordine=codice" in next_page and "page=2" in next_page
    export = client.get(reverse("ledger:arrears-export", args=["csv"]), {"q": "bianchi"})
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
