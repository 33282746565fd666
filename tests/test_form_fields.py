"""Every form is drawn by one partial (partials/form_fields.html): a refused submit opens with an
error summary whose links go to the fields, and every `aria-describedby` names something on the
page, so that a screen reader reads each field's hint and error.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from risorsa.protection.tests.helpers import active_protection, sample_customer


class Page(HTMLParser):
    """The ids of a page, what its fields point to, and its error summaries."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []  # (tag#id, aria-describedby)
        self.invalid: list[tuple[str, str]] = []  # (id, aria-describedby) of the fields marked invalid
        self.summaries: list[dict] = []
        self._summary: dict | None = None
        self._depth = 0
        self._heading = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if "aria-describedby" in attrs:
            self.described.append((f"{tag}#{attrs.get('id')}", attrs["aria-describedby"] or ""))
        if attrs.get("aria-invalid") == "true":
            self.invalid.append((attrs.get("id") or "", attrs.get("aria-describedby") or ""))
        if "data-error-summary" in attrs:
            self._summary = {"attrs": attrs, "heading": "", "links": [], "items": 0}
            self._depth = 0
            self.summaries.append(self._summary)
        if self._summary is not None:
            if tag == "div":
                self._depth += 1
            self._heading = tag == "h2" or self._heading
            if tag == "li":
                self._summary["items"] += 1
            if tag == "a":
                self._summary["links"].append(attrs.get("href", ""))

    def handle_endtag(self, tag):
        if self._summary is None:
            return
        if tag == "h2":
            self._heading = False
        if tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self._summary = None

    def handle_data(self, data):
        if self._summary is not None and self._heading:
            self._summary["heading"] += data


def assert_fields_described_by_what_is_on_the_page(page: Page, where: str):
    for element, ids in page.described:
        missing = [each for each in ids.split() if each not in page.ids]
        assert not missing, f"{where}: {element} aria-describedby names {missing}, not on the page"
    named = {each for _element, ids in page.described for each in ids.split()}
    for element, _ids in page.invalid:
        # an option of a group (id_bills_0) is described by its fieldset, with the group's error
        error = re.sub(r"_\d+$", "", element) + "_error"
        assert error in page.ids and error in named, f"{where}: {element} is invalid, its error not named"


def assert_one_summary_linking_the_invalid_fields(page: Page, where: str):
    assert len(page.summaries) == 1, f"{where}: {len(page.summaries)} error summaries"
    summary = page.summaries[0]
    assert summary["attrs"].get("role") == "alert" and summary["attrs"].get("tabindex") == "-1", where
    count = int(re.search(r"Il modulo contiene (\d+) error[ei]", summary["heading"]).group(1))
    assert count == summary["items"] == len(summary["links"]) > 0, where
    for href in summary["links"]:
        assert href.startswith("#") and href[1:] in page.ids, (
            f"{where}: the summary links {href}, not on the page"
        )
    fields = {re.sub(r"_\d+$", "", element) for element, _ids in page.invalid}
    assert fields <= {re.sub(r"_\d+$", "", href[1:]) for href in summary["links"]}, where


@pytest.fixture
def world(personas, utility):
    user = personas["comune.operatore"].user
    free = sample_customer(utility)
    protected = sample_customer(utility, "C100001")
    return {"free": free, "protection": active_protection(protected, user)}


def refused_forms(world) -> list[tuple[str, str, str, dict]]:
    """(persona, method, URL, data) of a submit that each form refuses."""
    protection = world["protection"]
    return [
        ("", "post", reverse("login"), {"username": "comune.operatore", "password": "sbagliata"}),
        ("comune.operatore", "post", reverse("password_change"), {}),
        ("comune.operatore", "post", reverse("registry:person-create"), {"name": "MARIO"}),
        ("comune.operatore", "post", reverse("protection:create", args=[world["free"].pk]), {"reason": " "}),
        ("comune.operatore", "post", reverse("interventions:create", args=[world["free"].pk]), {"kind": "x"}),
        ("comune.operatore", "post", reverse("repayment:simulate", args=[world["free"].pk]), {"share": "0"}),
        ("comune.responsabile", "post", reverse("workprogram:edition-create"), {"name": "2030/31"}),
        ("aem.operatore", "post", reverse("ledger:import-create"), {"kind": "fatture"}),
        ("comune.responsabile", "get", reverse("ledger:arrears"), {"minimo": "tanti"}),
        # an action's card on its subject's page, and a danger action's own page
        ("comune.operatore", "post", reverse("protection:action", args=[protection.pk, "contact"]), {}),
        (
            "comune.operatore",
            "post",
            reverse("protection:action", args=[protection.pk, "end"]),
            {"confirm": "1"},
        ),
    ]


@pytest.mark.django_db
def test_a_refused_form_opens_with_a_summary_linking_each_invalid_field(world, client_for):
    for persona, method, url, data in refused_forms(world):
        client = client_for(persona) if persona else Client()
        response = getattr(client, method)(url, data)
        where = f"{method.upper()} {url}"
        assert response.status_code in (200, 400), where
        page = Page(response.content.decode())
        assert_one_summary_linking_the_invalid_fields(page, where)
        assert_fields_described_by_what_is_on_the_page(page, where)


@pytest.mark.django_db
def test_every_field_with_a_hint_points_to_a_hint_on_the_page(world, client_for):
    # given: forms whose fields have help text (Django names it in aria-describedby)
    pages = [
        ("comune.operatore", reverse("protection:create", args=[world["free"].pk])),
        ("comune.operatore", reverse("repayment:simulate", args=[world["free"].pk])),
        ("comune.responsabile", reverse("workprogram:edition-create")),
        ("aem.operatore", reverse("ledger:import-create")),
        ("comune.operatore", world["protection"].get_absolute_url()),
        ("comune.responsabile", reverse("protection:list")),
        ("comune.responsabile", reverse("registry:access-log")),
    ]
    described = 0
    for persona, url in pages:
        page = Page(client_for(persona).get(url).content.decode())
        # then: each id it names is there, and no summary on a form not yet sent
        assert_fields_described_by_what_is_on_the_page(page, url)
        assert page.summaries == [], url
        described += len(page.described)
    assert described >= 5


@pytest.mark.django_db
def test_the_login_form_is_the_partials_with_the_users_words(client):
    page = client.post(reverse("login"), {"username": "nessuno", "password": "sbagliata"}).content.decode()
    assert "Il modulo contiene 1 errore" in page
    assert '<a href="#id_username">Nome utente o password non corretti. Riprova.</a>' in page
    assert '<label for="id_username" class="form-label fw-semibold">Nome utente' in page
