"""Each kind of user switches Risorsa to English, walks the whole menu and finds no Italian left.

The harness (conftest) checks every page with axe at both widths; this journey makes sure it
checked each English page, and reads each page for Italian words.

What counts as Italian. The vocabulary is the catalogue's own: the words of every Italian msgid
that has an English translation, less every word that also occurs in some English msgstr (words
the two languages share, or that English keeps on purpose: "Risorsa", "ISEE", "partner", "per")
and less codes, numbers and single letters. A page's text is read whole (title, text nodes,
hidden ones too, such as a collapsed menu or a progress message, and the aria-label, placeholder,
title and alt attributes a screen reader speaks). Data is not UI: what the journey's own database
holds as names (organizations, users, holders, people, addresses, file names) is taken out of the
text before it is read, as is anything inside `<code>`/`<kbd>` (codes, keys) or an element marked
`data-i18n-skip`, the mark for content that is Italian by nature.
"""

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from risorsa.ledger.models import Customer, ImportRun, SupplyPoint
from risorsa.ledger.tests.helpers import import_sample
from risorsa.organizations.models import Organization
from risorsa.registry.models import Person

CATALOGUE = Path(__file__).resolve().parents[2] / "risorsa" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MARKUP = re.compile(r"<[^>]*>|%\(\w+\)[sdif]|%[sdif]|\{[^}]*\}|&\w+;")
WORD = re.compile(r"[^\W\d_]+")

# Every piece of text of the page, as a screen reader or a sighted reader may meet it.
PAGE_TEXTS = """
() => {
  // codes (a secret key, a customer code) are data
  const skip = "script, style, code, kbd, [data-i18n-skip]";
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && !node.parentElement.closest(skip) && node.data.trim()) texts.push(node.data);
  }
  for (const element of document.body.querySelectorAll("[aria-label], [placeholder], [title], [alt]")) {
    if (element.closest(skip)) continue;
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
    }
  }
  for (const button of document.body.querySelectorAll("input[type=submit], input[type=button]")) {
    if (!button.closest(skip) && button.value) texts.push(button.value);
  }
  return texts;
}
"""

PERSONAS = {
    "comune.operatore": "municipality operator",
    "comune.responsabile": "municipality manager",
    "aem.operatore": "utility operator",
    "ponte.operatore": "partner operator",
}


def words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(MARKUP.sub(" ", text))}


@cache
def italian_vocabulary() -> frozenset[str]:
    """The catalogue's Italian words that no English translation uses."""
    italian: set[str] = set()
    english: set[str] = set()
    for entry in polib.pofile(str(CATALOGUE)):
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        if entry.obsolete or entry.fuzzy or not any(translations):
            continue
        italian |= words(entry.msgid) | words(entry.msgid_plural or "")
        for translation in translations:
            english |= words(translation)
    return frozenset(word for word in italian - english if len(word) > 1 or not word.isascii())


def data_values() -> list[str]:
    """The names the database holds: data shown as it is, in any language."""
    values: set[str] = set(Organization.objects.values_list("name", flat=True))
    for user in get_user_model().objects.all():
        values |= {user.get_full_name(), user.first_name, user.last_name, user.username}
    for surname, name in Customer.objects.values_list("holder_surname", "holder_name"):
        values |= {surname, name}
    for surname, name, address, city in Person.objects.values_list("surname", "name", "address", "city"):
        values |= {surname, name, address, city}
    values |= set(SupplyPoint.objects.values_list("address", flat=True))
    values |= set(ImportRun.objects.values_list("file_name", flat=True))
    return sorted((value for value in values if value and value.strip()), key=len, reverse=True)


def italian_on_page(page, data: list[str]) -> dict[str, str]:
    """Italian word -> the text it was found in, on the page as it is now."""
    data_pattern = re.compile("|".join(rf"\b{re.escape(value)}\b" for value in data), re.IGNORECASE)
    vocabulary = italian_vocabulary()
    found: dict[str, str] = {}
    for text in page.evaluate(PAGE_TEXTS):
        text = " ".join(text.split())
        for word in sorted(words(data_pattern.sub(" ", text)) & vocabulary):
            found.setdefault(word, text[:100])
    return found


def switch_to_english(page) -> None:
    """Through the header's language form: choose English, then submit."""
    language = page.locator("select[name=language]")
    submits_itself = language.get_attribute("data-submit-on-change") is not None
    language.select_option("en")
    if not submits_itself:
        page.locator("form").filter(has=language).get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.fixture
def world(transactional_db, personas, utility):
    """AEM's bills file: the lists have rows, the customer's page has bills."""
    import_sample(utility, "fatture", "fatture_ok.csv")


@pytest.mark.parametrize("persona", list(PERSONAS), ids=list(PERSONAS.values()))
def test_every_menu_page_in_english_is_accessible_and_has_no_italian_left(
    page, live_server, log_in, world, axe, persona
):
    # given a user logged in who switches to English
    log_in(persona)
    switch_to_english(page)
    menu = page.locator("nav a[href^='/']")
    paths = list(dict.fromkeys(menu.evaluate_all("links => links.map(a => a.pathname)")))
    assert "/" in paths and len(paths) >= 3, paths  # at least the dashboard and the to-do list
    if "/ledger/arrears/" in paths:
        paths.append("customer")  # the page a social worker or a credit officer opens most
    data = data_values()
    italian: dict[str, dict[str, str]] = {}
    visited = []

    # when they open every page of the menu
    for path in paths:
        if path == "customer":
            page.goto(f"{live_server.url}/ledger/arrears/")
            page.get_by_role("link", name="C100000").click()
            page.wait_for_url(re.compile(r"/ledger/customers/\d+/$"))
        else:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "en")
        visited.append(page.evaluate("location.pathname"))
        if found := italian_on_page(page, data):
            italian[visited[-1]] = found

    # and log out, back on the login page
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    visited.append(page.evaluate("location.pathname"))
    if found := italian_on_page(page, data):
        italian[visited[-1]] = found

    # then every page was checked by axe in English at both widths (its findings fail the test
    # at teardown) and none shows Italian words
    checked = axe.checked_paths(lang="en")
    assert {path: checked.get(path) for path in visited} == {path: {1366, 390} for path in visited}
    assert not italian, "Parole italiane nelle pagine inglesi:\n" + "\n".join(
        f"  {path}: " + "; ".join(f"{word!r} in «{text}»" for word, text in found.items())
        for path, found in italian.items()
    )


def test_the_vocabulary_knows_italian_ui_words_and_not_the_english_ones():
    vocabulary = italian_vocabulary()
    assert {"cruscotto", "morosità", "esci", "persone"} <= vocabulary
    assert not {"dashboard", "arrears", "log", "risorsa", "isee"} & vocabulary


def test_data_is_masked_but_the_same_word_as_ui_is_not(transactional_db, personas, page, live_server):
    # given an organization whose name holds an Italian UI word
    Organization.objects.filter(code="comune").update(name="Organizzazione di prova")
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
        "<p>Organizzazione di prova</p><p>Organizzazione</p><p data-i18n-skip>Cruscotto</p>")"""
    )
    # when the page is read, the name is data, the bare word and the login page's Italian are not
    found = italian_on_page(page, data_values())
    assert found["organizzazione"] == "Organizzazione"
    assert "cruscotto" not in found
    assert "accedi" in found  # the login page is in Italian here
