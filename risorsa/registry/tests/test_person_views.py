from datetime import date

import pytest
from django.urls import reverse

from risorsa.registry.models import Person
from risorsa.registry.tests.factories import PersonFactory

VALID = {
    "codice_fiscale": "rssmra61c14d150u",
    "surname": "Rossi",
    "name": "Mario",
    "citizenship": "IT",
    "address": "Via Dante 1",
    "city": "Cremona",
}


@pytest.mark.django_db
def test_operator_registers_a_person_with_data_derived_from_the_codice_fiscale(client_for):
    # when a municipality operator types only the code, surname and name
    response = client_for("comune.operatore").post(reverse("registry:person-create"), VALID)
    # then the person is saved with birth date, sex and birthplace read from the code
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person-detail", args=[person.pk])
    assert person.codice_fiscale == "RSSMRA61C14D150U"
    assert (person.surname, person.name) == ("ROSSI", "MARIO")
    assert (person.birth_date, person.sex, person.birth_place_code) == (date(1961, 3, 14), "M", "D150")
    assert person.birth_place == "Cremona (CR)"
    assert person.organization.code == "comune"


@pytest.mark.django_db
def test_accepts_an_omocodic_code(client_for):
    client_for("comune.operatore").post(
        reverse("registry:person-create"), VALID | {"codice_fiscale": "RSSMRA61C14D15LX"}
    )
    assert Person.objects.get().birth_date == date(1961, 3, 14)


@pytest.mark.django_db
def test_rejects_a_wrong_check_character_in_italian(client_for):
    response = client_for("comune.operatore").post(
        reverse("registry:person-create"), VALID | {"codice_fiscale": "RSSMRA61C14D150A"}
    )
    assert response.status_code == 200
    assert "carattere di controllo errato" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "1961-03-15", "Il codice fiscale indica la data di nascita 14/03/1961."),
        ("sex", "F", "Il codice fiscale indica il sesso maschile."),
        ("birth_place", "Milano", "Il codice fiscale indica come luogo di nascita Cremona (CR)."),
        ("birth_place", "Atlantide", "Luogo di nascita sconosciuto"),
    ],
)
@pytest.mark.django_db
def test_rejects_typed_data_that_disagree_with_the_code(client_for, field, value, message):
    response = client_for("comune.operatore").post(reverse("registry:person-create"), VALID | {field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_accepts_typed_data_that_agree_with_the_code(client_for):
    data = VALID | {"birth_date": "1961-03-14", "sex": "M", "birth_place": "cremona"}
    response = client_for("comune.operatore").post(reverse("registry:person-create"), data)
    assert response.status_code == 302
    assert Person.objects.get().birth_place == "Cremona (CR)"


@pytest.mark.django_db
def test_refuses_a_second_person_with_the_same_code(client_for, municipality):
    PersonFactory(organization=municipality, codice_fiscale="RSSMRA61C14D150U")
    response = client_for("comune.operatore").post(reverse("registry:person-create"), VALID)
    assert response.status_code == 200
    assert "codice fiscale" in response.context["form"].errors["codice_fiscale"][0].lower()
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_edits_contacts_and_keeps_the_code_consistent(client_for, municipality):
    person = PersonFactory(organization=municipality)
    data = {
        "codice_fiscale": person.codice_fiscale,
        "surname": person.surname,
        "name": person.name,
        "citizenship": "IT",
        "phone": "0372 407111",
        "email": "mario@example.org",
    }
    response = client_for("comune.responsabile").post(
        reverse("registry:person-update", args=[person.pk]), data
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.email) == ("0372 407111", "mario@example.org")


@pytest.mark.django_db
def test_reader_cannot_register_people(client_for):
    response = client_for("comune.lettore").post(reverse("registry:person-create"), VALID)
    assert response.status_code == 403
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_utility_cannot_open_a_person_it_does_not_serve(client_for, municipality):
    person = PersonFactory(organization=municipality)
    response = client_for("aem.operatore").get(reverse("registry:person-detail", args=[person.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_person_page_shows_identity_and_assessments_to_the_municipality(client_for, municipality):
    person = PersonFactory(organization=municipality, surname="BERTOLÈ", name="NICOLÒ")
    response = client_for("comune.lettore").get(reverse("registry:person-detail", args=[person.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "BERTOLÈ NICOLÒ" in body
    assert person.codice_fiscale in body
    assert "Valutazioni sociali" in body
