"""The header every page shares (base.html): a menu that collapses behind a toggler below 992 px, and
a language switch that waits for its button."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def with_class(self, css: str) -> list[tuple[str, dict[str, str]]]:
        return [(tag, attrs) for tag, attrs in self.tags if css in attrs.get("class", "").split()]

    def by_id(self, element_id: str) -> tuple[str, dict[str, str]]:
        (found,) = [(tag, attrs) for tag, attrs in self.tags if attrs.get("id") == element_id]
        return found


def header_of(client) -> Tags:
    return Tags(client.get(reverse("home:dashboard")).content.decode())


@pytest.mark.django_db
def test_the_menu_has_a_named_toggler_controlling_the_collapsable_menu(client_for):
    tags = header_of(client_for("comune.operatore"))
    ((tag, toggler),) = tags.with_class("custom-navbar-toggler")
    assert tag == "button" and toggler["type"] == "button"
    assert toggler["aria-label"] == "Apri il menu"
    assert toggler["aria-expanded"] == "false"
    assert toggler["data-bs-toggle"] == "navbarcollapsible"
    assert toggler["data-bs-target"] == "#" + toggler["aria-controls"]
    _tag, menu = tags.by_id(toggler["aria-controls"])
    assert "navbar-collapsable" in menu["class"].split()
    # Bootstrap Italia's documented pieces: the overlay and a close button with a name
    assert tags.with_class("overlay") and tags.with_class("close-menu")
    # and no class that would force the menu open below 992 px (its links would take the focus)
    assert not {"d-block", "d-flex", "position-static"} & set(menu["class"].split())


@pytest.mark.django_db
def test_the_menu_holds_who_is_logged_in_and_the_second_factor_for_small_screens(client_for, personas):
    body = client_for("ponte.lettore").get(reverse("home:dashboard")).content.decode()
    menu = body[body.index('id="menu-principale"') : body.index("</nav>")]
    assert 'data-testid="menu-profile"' in menu
    assert personas["ponte.lettore"].organization.name in menu
    assert "lettore" in menu
    assert reverse("second-factor-enroll") in menu


@pytest.mark.django_db
def test_the_guide_is_the_last_menu_entry_of_every_kind(client_for):
    for persona in ("comune.responsabile", "aem.lettore", "ponte.operatore"):
        tags = header_of(client_for(persona))
        links = [attrs["href"] for tag, attrs in tags.with_class("nav-link") if tag == "a"]
        assert links[-1] == reverse("home:guide"), persona


@pytest.mark.django_db
def test_the_language_form_has_a_submit_button_and_does_not_submit_on_change(client_for, client):
    member, anonymous = client_for("aem.operatore"), client
    for response in (member.get(reverse("home:dashboard")), anonymous.get(reverse("login"))):
        tags = Tags(response.content.decode())
        _tag, select = tags.by_id("language")
        assert "data-submit-on-change" not in select
        assert not any(name.startswith("on") for name in select)
        body = response.content.decode()
        form = body[body.index(f'action="{reverse("set_language")}"') :]
        form = form[: form.index("</form>")]
        assert '<button type="submit"' in form
        assert "Cambia lingua" in form
        assert "<noscript>" not in form


@pytest.mark.django_db
def test_the_language_button_switches_to_english(client_for):
    client = client_for("comune.operatore")
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home:guide")})
    assert response.status_code == 302 and response["Location"] == reverse("home:guide")
    assert 'lang="en"' in client.get(reverse("home:guide")).content.decode()
