from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from risorsa.registry.models import Household, Isee, SocialAssessment
from risorsa.registry.tests.factories import HouseholdFactory, IseeFactory, PersonFactory


@pytest.mark.django_db
def test_operator_opens_a_household_for_a_person(client_for, municipality):
    person = PersonFactory(organization=municipality)
    response = client_for("comune.operatore").post(
        reverse("registry:household-create", args=[person.pk]),
        {"address": "Via Dante 1", "size": 3, "minors": 1, "dependent_children": 1, "disabled_members": 0},
    )
    household = Household.objects.get()
    person.refresh_from_db()
    assert response.status_code == 302
    assert person.household == household
    assert (household.size, household.minors, household.life_support) == (3, 1, False)


@pytest.mark.django_db
def test_refuses_more_minors_than_members(client_for, municipality):
    person = PersonFactory(organization=municipality)
    response = client_for("comune.operatore").post(
        reverse("registry:household-create", args=[person.pk]),
        {"size": 2, "minors": 3, "dependent_children": 0, "disabled_members": 0},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["minors"] == ["I minori non possono essere più dei componenti."]
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_marks_a_household_on_life_support(client_for, municipality):
    household = HouseholdFactory(organization=municipality)
    client_for("comune.operatore").post(
        reverse("registry:household-update", args=[household.pk]),
        {"size": 3, "minors": 1, "dependent_children": 0, "disabled_members": 1, "life_support": "on"},
    )
    household.refresh_from_db()
    assert household.life_support
    page = client_for("comune.lettore").get(reverse("registry:household-detail", args=[household.pk]))
    assert "non sono disalimentabili" in page.content.decode()


@pytest.mark.django_db
def test_adds_a_registered_person_by_codice_fiscale(client_for, municipality):
    household = HouseholdFactory(organization=municipality, size=1, minors=0)
    PersonFactory(organization=municipality, household=household)
    other = PersonFactory(organization=municipality)
    response = client_for("comune.operatore").post(
        reverse("registry:household-add-member", args=[household.pk]),
        {"codice_fiscale": other.codice_fiscale.lower()},
    )
    other.refresh_from_db()
    household.refresh_from_db()
    assert response.status_code == 302
    assert other.household == household
    assert household.size == 2


@pytest.mark.django_db
def test_adding_an_unknown_code_says_so(client_for, municipality):
    household = HouseholdFactory(organization=municipality)
    response = client_for("comune.operatore").post(
        reverse("registry:household-add-member", args=[household.pk]),
        {"codice_fiscale": "RSSMRA61C14D150U"},
        follow=True,
    )
    assert "Nessuna persona in anagrafica con codice fiscale RSSMRA61C14D150U." in response.content.decode()


@pytest.mark.django_db
def test_records_an_isee_in_italian_format(client_for, municipality):
    household = HouseholdFactory(organization=municipality)
    response = client_for("comune.operatore").post(
        reverse("registry:isee-create", args=[household.pk]),
        {
            "value": "6.543,21",
            "protocol": "INPS-ISEE-2010-00000001-00",
            "issued_on": "15/01/2010",
            "expires_on": "15/01/2011",
        },
    )
    assert response.status_code == 302
    isee = Isee.objects.get()
    assert isee.value == Decimal("6543.21")
    page = client_for("comune.operatore").get(reverse("registry:household-detail", args=[household.pk]))
    body = page.content.decode()
    assert "6.543,21\u00a0€" in body
    assert "Sotto la soglia del bonus sociale (7.500,00\u00a0€)" in body


@pytest.mark.django_db
def test_refuses_an_isee_expiring_before_its_issue(client_for, municipality):
    household = HouseholdFactory(organization=municipality)
    response = client_for("comune.operatore").post(
        reverse("registry:isee-create", args=[household.pk]),
        {"value": "100", "protocol": "X", "issued_on": "15/01/2010", "expires_on": "14/01/2010"},
    )
    assert response.context["form"].errors["expires_on"] == ["La scadenza deve seguire la data di rilascio."]
    assert not Isee.objects.exists()


@pytest.mark.parametrize(
    ("issued_on", "children", "threshold"),
    [
        (date(2010, 1, 15), 0, "7.500,00"),
        (date(2018, 6, 1), 0, "8.107,50"),
        (date(2023, 6, 1), 0, "15.000,00"),
        (date(2024, 6, 1), 0, "9.530,00"),
        (date(2024, 6, 1), 4, "20.000,00"),
        (date(2025, 12, 31), 0, "9.530,00"),
        (date(2026, 1, 1), 0, "9.796,00"),  # ARERA 2/2026/R/com
        (date(2026, 1, 1), 4, "20.000,00"),
        (date(2031, 6, 1), 0, "9.796,00"),  # in force until the next update
    ],
)
@pytest.mark.django_db
def test_applies_the_bonus_threshold_in_force_on_the_declaration_date(
    municipality, issued_on, children, threshold
):
    from risorsa.core.money import format_euro
    from risorsa.registry.selectors import bonus_threshold_for

    isee = IseeFactory(
        household=HouseholdFactory(organization=municipality, size=6, dependent_children=children),
        issued_on=issued_on,
        expires_on=issued_on.replace(year=issued_on.year + 1),
    )
    assert format_euro(bonus_threshold_for(isee=isee)) == f"{threshold}\u00a0€"


@pytest.mark.django_db
def test_the_household_page_compares_an_isee_of_2026_with_the_2026_threshold(client_for, municipality):
    # given an ISEE issued in 2026, under 9.796 € but over the 9.530 € of 2024-2025
    household = HouseholdFactory(organization=municipality, dependent_children=0)
    IseeFactory(
        household=household,
        value=Decimal("9700.00"),
        issued_on=date(2026, 2, 10),
        expires_on=date(2027, 1, 15),
    )
    # when the municipality opens the household
    page = client_for("comune.lettore").get(reverse("registry:household-detail", args=[household.pk]))
    # then it is under the threshold of 2026
    body = page.content.decode()
    assert "Sotto la soglia del bonus sociale (9.796,00\u00a0€)" in body
    assert 'data-testid="no-bonus-threshold"' not in body


@pytest.mark.django_db
def test_the_household_page_warns_when_no_bonus_threshold_covers_the_isee_date(client_for, municipality):
    # given an ISEE issued in 2007, before the first threshold of the social bonus (2008)
    household = HouseholdFactory(organization=municipality)
    IseeFactory(household=household, issued_on=date(2007, 6, 1), expires_on=date(2008, 1, 15))
    # when the municipality opens the household
    page = client_for("comune.lettore").get(reverse("registry:household-detail", args=[household.pk]))
    # then it says so instead of comparing with nothing
    body = page.content.decode()
    assert "Nessuna soglia del bonus sociale è in vigore alla data di questo ISEE (01/06/2007)" in body
    assert "soglia del bonus sociale (" not in body


@pytest.mark.django_db
def test_records_a_social_assessment_seen_only_by_the_municipality(client_for, municipality):
    person = PersonFactory(organization=municipality)
    response = client_for("comune.operatore").post(
        reverse("registry:assessment-create", args=[person.pk]),
        {"assessed_on": "2010-03-01", "fragility": "ALTA", "notes": "Nucleo monoreddito."},
    )
    assert response.status_code == 302
    assessment = SocialAssessment.objects.get()
    assert (assessment.fragility, assessment.operator.username) == ("ALTA", "comune.operatore")
    page = client_for("comune.lettore").get(reverse("registry:person-detail", args=[person.pk]))
    assert "Nucleo monoreddito." in page.content.decode()
