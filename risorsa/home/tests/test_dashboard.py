import pytest
from django.urls import reverse

from risorsa.registry.tests.factories import HouseholdFactory, PersonFactory


@pytest.mark.parametrize(
    ("persona", "texts"),
    [
        (
            "comune.responsabile",
            ["Anagrafica", "Tutele attive", "Registro accessi", "Apri l'elenco delle tutele"],
        ),
        ("comune.operatore", ["Anagrafica", "Da fare"]),
        ("aem.operatore", ["Clienti seguiti", "Elenco tutele", "da consultare prima di ogni sospensione"]),
        ("ponte.operatore", ["Persone segnalate", "Percorsi in corso", "vi segnalano per Risorsa Lavoro"]),
    ],
)
@pytest.mark.django_db
def test_dashboard_speaks_to_each_organization_kind(client_for, persona, texts):
    body = client_for(persona).get(reverse("home:dashboard")).content.decode()
    for text in texts:
        assert text in body


@pytest.mark.django_db
def test_municipality_dashboard_counts_people_and_non_disconnectable_households(client_for, municipality):
    PersonFactory.create_batch(3, organization=municipality)
    HouseholdFactory(organization=municipality, life_support=True)
    response = client_for("comune.operatore").get(reverse("home:dashboard"))
    assert response.context["people_count"] == 3
    assert response.context["households"] == {"total": 1, "life_support": 1}


@pytest.mark.django_db
def test_navigation_follows_the_organization_kind_and_role(client_for):
    manager = client_for("comune.responsabile").get(reverse("home:dashboard")).content.decode()
    utility = client_for("aem.responsabile").get(reverse("home:dashboard")).content.decode()
    assert reverse("registry:access-log") in manager
    assert reverse("registry:access-log") not in utility


@pytest.mark.django_db
def test_header_names_the_organization_and_the_user(client_for, personas):
    body = client_for("ponte.lettore").get(reverse("home:dashboard")).content.decode()
    assert personas["ponte.lettore"].organization.name in body
    assert "lettore" in body


@pytest.mark.django_db
def test_switches_to_english_and_back(client_for):
    client = client_for("comune.operatore")
    assert "Persone" in client.get(reverse("home:dashboard")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("home:dashboard")).content.decode()
    assert "People" in english
    assert 'lang="en"' in english
    client.post(reverse("set_language"), {"language": "it", "next": "/"})
    assert 'lang="it"' in client.get(reverse("home:dashboard")).content.decode()


@pytest.mark.django_db
def test_italian_is_the_default_whatever_the_browser_says(client_for):
    response = client_for("comune.operatore").get(
        reverse("home:dashboard"), headers={"Accept-Language": "en-US,en"}
    )
    assert 'lang="it"' in response.content.decode()


@pytest.mark.django_db
def test_municipality_and_utility_see_the_unpaid_total_partner_does_not(client_for, organizations):
    from risorsa.ledger.tests.helpers import import_sample

    import_sample(organizations["aem"], "fatture", "fatture_ok.csv")
    for persona in ("comune.operatore", "aem.lettore"):
        response = client_for(persona).get(reverse("home:dashboard"))
        assert "7.997,83\u00a0€" in response.content.decode()
        assert "fatture_ok.csv" in response.content.decode()
    assert "7.997,83" not in client_for("ponte.operatore").get(reverse("home:dashboard")).content.decode()
