"""A municipality operator finds a person; a utility operator cannot see them."""

import re

import pytest
from playwright.sync_api import expect

from risorsa.registry.tests.factories import PersonFactory


@pytest.fixture
def people(transactional_db, personas, municipality):
    PersonFactory.create_batch(5, organization=municipality, surname="ROSSI")
    return {"bertole": PersonFactory(organization=municipality, surname="BERTOLÈ", name="NICOLÒ")}


def test_municipality_operator_finds_a_person_typed_without_accents(
    page, live_server, log_in, people, screenshot
):
    # given a municipality operator logged in
    log_in("comune.operatore")
    expect(page.get_by_role("heading", name=re.compile("Cruscotto"))).to_be_visible()
    screenshot("cruscotto")
    # when they type part of the surname without its accent
    page.get_by_role("link", name="Persone").click()
    page.get_by_label("Cerca per cognome, nome o codice fiscale").fill("bertole")
    # then the results update in place and show the person
    result = page.locator("#results").get_by_role("link", name="BERTOLÈ NICOLÒ")
    expect(result).to_be_visible()
    expect(page.locator("#results")).not_to_contain_text("ROSSI")
    screenshot("ricerca")
    # and the person's page opens
    result.click()
    expect(page.get_by_role("heading", name="BERTOLÈ NICOLÒ")).to_be_visible()
    expect(page.get_by_text(people["bertole"].codice_fiscale)).to_be_visible()
    screenshot("scheda")


def test_utility_operator_gets_not_found_for_that_person(page, live_server, log_in, people, screenshot):
    log_in("aem.operatore")
    response = page.goto(f"{live_server.url}/registry/people/{people['bertole'].pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Pagina non trovata")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("BERTOLÈ")
    screenshot("non-trovata")
