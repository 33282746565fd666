"""On a phone (390 px wide) the main menu opens from its toggler and reaches every page, no page
scrolls sideways and "Esci" stays at hand; on a desktop screen the same menu is a bar."""

import re

import pytest
from playwright.sync_api import expect

from risorsa.ledger.tests.helpers import import_sample

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
TAKES_FOCUS = "element => { element.focus(); return document.activeElement === element; }"


@pytest.fixture
def arrears(transactional_db, personas, utility):
    """AEM's bills: the lists have rows (and wide tables) to show."""
    import_sample(utility, "fatture", "fatture_ok.csv")


def test_municipality_operator_reaches_every_page_from_the_phone_menu(
    page, live_server, log_in, arrears, screenshot
):
    # given a municipality operator on a phone
    page.set_viewport_size(PHONE)
    log_in("comune.operatore")
    toggler = page.get_by_role("button", name="Apri il menu")
    menu = page.locator("#menu-principale")
    links = menu.locator(".nav-link")
    labels = [label.strip() for label in links.all_text_contents()]
    assert labels[0] == "Cruscotto" and labels[-1] == "Guida" and len(labels) == 12
    # then the closed menu's links are hidden and take no focus; the header fits and "Esci" shows
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(toggler).to_have_attribute("aria-controls", "menu-principale")
    expect(menu).to_be_hidden()
    assert not links.first.evaluate(TAKES_FOCUS)
    assert page.evaluate(SIDEWAYS) <= 0
    expect(page.get_by_role("button", name="Esci")).to_be_visible()
    screenshot("chiuso")

    # when they open the menu, the focus moves into it; Escape closes it and gives the focus back
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="Chiudi il menu")).to_be_focused()
    expect(page.get_by_test_id("menu-profile")).to_contain_text("operatore")
    screenshot("aperto")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggler).to_be_focused()

    # and they visit every page through the menu: each fits the phone's width
    visit_every_menu_page(page, labels, screenshot)


def visit_every_menu_page(page, labels, screenshot=None):
    """Open each page through the phone menu: it is the current one, fits the width, "Esci" shows."""
    toggler = page.get_by_role("button", name="Apri il menu")
    menu = page.locator("#menu-principale")
    for label in labels:
        toggler.click()
        menu.get_by_role("link", name=label, exact=True).click()
        current = menu.get_by_role("link", name=label, exact=True, include_hidden=True)
        expect(current).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(menu).to_be_hidden()
        assert page.evaluate(SIDEWAYS) <= 0, f"{label} ({page.url}) scorre di lato"
        expect(page.get_by_role("button", name="Esci")).to_be_in_viewport()
        if screenshot:
            screenshot(re.sub(r"\W+", "-", label.lower()))


@pytest.mark.parametrize("persona", ["aem.operatore", "ponte.operatore", "comune.responsabile"])
def test_every_organization_reaches_every_page_of_its_menu_from_a_phone(
    page, live_server, log_in, arrears, persona
):
    page.set_viewport_size(PHONE)
    log_in(persona)
    labels = [label.strip() for label in page.locator("#menu-principale .nav-link").all_text_contents()]
    assert labels[0] == "Cruscotto" and labels[-1] == "Guida"
    visit_every_menu_page(page, labels)


def test_on_a_desktop_screen_the_menu_is_a_bar_without_toggler(page, live_server, log_in, arrears):
    page.set_viewport_size(DESKTOP)
    log_in("comune.responsabile")
    expect(page.get_by_role("button", name="Apri il menu")).to_be_hidden()
    bar = page.get_by_role("navigation", name="Menu principale")
    expect(bar.get_by_role("link", name="Registro accessi")).to_be_visible()
    expect(bar.get_by_role("link", name="Guida")).to_be_visible()
    expect(page.get_by_test_id("menu-profile")).to_be_hidden()
    expect(page.get_by_test_id("user")).to_contain_text("responsabile")
    assert page.evaluate(SIDEWAYS) <= 0
