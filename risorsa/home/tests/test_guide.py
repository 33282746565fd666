"""The Guida: each organization kind reads its own week, role by role, with links only to the pages
its member may open."""

import re

import pytest
from django.urls import reverse

from conftest import PERSONAS

# What only that kind's routine says, after the seed: the reduced supplies to evaluate and the
# repayment plans it proposes; the list read before every suspension and the files it sends; the
# pathway of the people referred and their hours.
ROUTINE = {
    "COMUNE": ["fornitura ridotta o limitata", "Proponi i piani di rientro", "intervento spot"],
    "GESTORE": ["Prima di ogni sospensione", "Carica i file", "Approva o respingi i piani di rientro"],
    "PARTNER": ["Registra il percorso di ogni persona", "Inserisci le ore lavorate"],
}
EVERY_KIND = ["Ogni giorno", "Ogni settimana", "Riunione mensile di Comune, gestore e partner"]


def guide_links(body: str) -> list[str]:
    guide = body[body.index('data-testid="guide"') : body.index("</main>")]
    return re.findall(r'href="([^"]+)"', guide)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_its_kinds_week_and_every_link_opens(client_for, personas, persona):
    # given a member of any kind and role
    client = client_for(persona)
    kind = personas[persona].organization.kind
    # when they open the Guida
    response = client.get(reverse("home:guide"))
    # then it tells their kind's routine, not another kind's
    assert response.status_code == 200
    body = response.content.decode()
    for text in ROUTINE[kind] + EVERY_KIND:
        assert text in body, (persona, text)
    for other, texts in ROUTINE.items():
        if other != kind:
            assert not any(text in body for text in texts), (persona, other)
    # and every page it links to opens for them
    links = guide_links(body)
    assert links
    for url in links:
        assert client.get(url).status_code == 200, (persona, url)


@pytest.mark.django_db
def test_the_readers_own_role_comes_first_and_says_so(client_for):
    body = client_for("aem.lettore").get(reverse("home:guide")).content.decode()
    sections = re.findall(r'data-testid="guide-(\w+)"', body)
    assert sections == ["lettore", "operatore", "responsabile"]
    reader = body[body.index('data-testid="guide-lettore"') : body.index('data-testid="guide-operatore"')]
    assert "il tuo ruolo" in reader and "risorsa-guide-yours" in reader
    assert body.count("il tuo ruolo") == 1


@pytest.mark.django_db
def test_a_task_on_a_page_the_member_may_not_open_is_told_without_a_link(client_for):
    # The access log is the municipality manager's: the operator reads what the manager does there.
    manager = client_for("comune.responsabile").get(reverse("home:guide")).content.decode()
    operator = client_for("comune.operatore").get(reverse("home:guide")).content.decode()
    assert reverse("registry:access-log") in guide_links(manager)
    assert reverse("registry:access-log") not in guide_links(operator)
    assert "ha letto i dati delle persone" in operator


@pytest.mark.django_db
def test_the_monthly_meeting_is_told_without_a_link_as_no_page_holds_it_yet(client_for):
    body = client_for("ponte.responsabile").get(reverse("home:guide")).content.decode()
    items = [item for item in re.findall(r"<li[^>]*>(.*?)</li>", body, re.DOTALL) if "Riunione" in item]
    assert items and all("<a " not in item for item in items)


@pytest.mark.django_db
def test_the_guide_needs_a_login(client):
    response = client.get(reverse("home:guide"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
