"""Each model's scoping function, in the query, per organization kind (DOMAIN.md matrix)."""

import pytest

from risorsa.audit.models import AccessLog
from risorsa.registry.models import Household, Isee, Person, SocialAssessment
from risorsa.registry.tests.factories import IseeFactory, PersonFactory


@pytest.fixture
def rows(municipality, personas):
    isee = IseeFactory(household__organization=municipality)
    person = PersonFactory(organization=municipality, household=isee.household)
    SocialAssessment.objects.create(
        person=person, assessed_on="2010-03-01", fragility="ALTA", operator=personas["comune.operatore"].user
    )
    AccessLog.objects.create(
        person=person,
        user=personas["aem.operatore"].user,
        organization=personas["aem.operatore"].organization,
        what="registry:person-detail",
        path="/",
    )


EXPECTED = {
    # persona: (people, households, isee, assessments, access log)
    "comune.responsabile": (1, 1, 1, 1, 1),
    "comune.operatore": (1, 1, 1, 1, 0),
    "comune.lettore": (1, 1, 1, 1, 0),
    "aem.responsabile": (0, 0, 0, 0, 0),
    "aem.operatore": (0, 0, 0, 0, 0),
    "ponte.responsabile": (0, 0, 0, 0, 0),
    "ponte.lettore": (0, 0, 0, 0, 0),
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
@pytest.mark.django_db
def test_each_model_shows_each_persona_what_the_matrix_allows(personas, rows, persona, expected):
    membership = personas[persona]
    seen = tuple(
        model.objects.visible_to(membership).count()
        for model in (Person, Household, Isee, SocialAssessment, AccessLog)
    )
    assert seen == expected


@pytest.mark.django_db
def test_no_membership_sees_nothing(rows):
    for model in (Person, Household, Isee, SocialAssessment, AccessLog):
        assert model.objects.visible_to(None).count() == 0
