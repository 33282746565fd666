"""The data subject's access: everything about one codice fiscale, as JSON and PDF."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from risorsa.organizations.models import OrganizationKind
from risorsa.organizations.tests.factories import OrganizationFactory
from risorsa.privacy.tests.test_anonymisation import CODE, EMAIL, PHONE, world  # noqa: F401
from risorsa.registry.tests.factories import PersonFactory

URL = reverse("privacy:subject-access")


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.mark.django_db
def test_the_manager_downloads_everything_about_a_person_as_json_by_post(world, client_for):  # noqa: F811
    response = client_for("comune.responsabile").post(
        URL, {"codice_fiscale": CODE.lower(), "formato": "json"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="dati-personali-{CODE}.json"'
    data = json.loads(response.content)
    assert data["persona"][0]["codice_fiscale"] == CODE
    assert (data["persona"][0]["phone"], data["persona"][0]["email"]) == (PHONE, EMAIL)
    assert [len(data[key]) for key in ("clienti", "fatture", "pagamenti", "tutele", "piani_di_rientro")] == [
        1,
        2,
        1,
        1,
        1,
    ]
    assert len(data["rate"]) == 3 and len(data["interventi_spot"]) == 1 and len(data["scadenze"]) == 1
    assert data["isee"][0]["value"] == "5000.00"
    assert data["tutele_passaggi"][0]["why"].startswith("Parlato con")


@pytest.mark.django_db
def test_the_pdf_names_every_section(world, client_for):  # noqa: F811
    response = client_for("comune.responsabile").post(URL, {"codice_fiscale": CODE, "formato": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_person_of_another_municipality_is_not_found(client_for):
    other = OrganizationFactory(kind=OrganizationKind.MUNICIPALITY, code="altro")
    stranger = PersonFactory(organization=other)
    response = client_for("comune.responsabile").post(
        URL, {"codice_fiscale": stranger.codice_fiscale, "formato": "json"}
    )
    assert response.status_code == 200
    assert (
        "Nessuna persona con questo codice fiscale nell&#x27;anagrafica del tuo Comune."
        in response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("comune.operatore", 403),
        ("comune.lettore", 403),
        ("aem.responsabile", 404),
        ("ponte.responsabile", 404),
    ],
)
def test_only_the_municipality_manager_reaches_the_page(client_for, persona, status):
    assert client_for(persona).post(URL, {"codice_fiscale": CODE, "formato": "json"}).status_code == status


@pytest.mark.django_db
def test_the_command_writes_json_and_pdf(world, tmp_path):  # noqa: F811
    target = tmp_path / "out.json"
    call_command("interessato", CODE, "--formato", "json", "--output", str(target))
    assert json.loads(target.read_text())["codice_fiscale"] == CODE
    assert target.stat().st_mode & 0o077 == 0
    call_command("interessato", CODE, "--formato", "pdf", "--output", str(tmp_path / "out.pdf"))
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="Nessuna persona"):
        call_command("interessato", "RSSMRA80A01D150X")
