from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from risorsa.organizations.models import OrganizationKind
from risorsa.organizations.tests.factories import OrganizationFactory
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Household, Isee, Person
from risorsa.registry.text import fold

SURNAMES = ["Rossi", "Bianchi", "Ferrari", "Colombo", "Bertolè", "Niccolò", "Galli", "Sala"]
NAMES = ["Mario", "Lucia", "Nicolò", "Anna", "Luca", "Noemi", "Paolo", "Zoe"]


class PersonFactory(DjangoModelFactory):
    """A person with a valid codice fiscale derived from the other fields (unique by birth date)."""

    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.MUNICIPALITY, code="comune")
    surname = factory.Sequence(lambda n: SURNAMES[n % len(SURNAMES)].upper())
    name = factory.Sequence(lambda n: NAMES[n % len(NAMES)].upper())
    sex = factory.Sequence(lambda n: "F" if n % 2 else "M")
    birth_date = factory.Sequence(lambda n: date(1950, 1, 1) + timedelta(days=n))
    birth_place_code = "D150"
    city = "Cremona"
    codice_fiscale = factory.LazyAttribute(
        lambda p: cf.encode(
            surname=p.surname,
            name=p.name,
            sex=p.sex,
            birth_date=p.birth_date,
            birth_place_code=p.birth_place_code,
        )
    )
    search_text = factory.LazyAttribute(lambda p: fold(f"{p.surname} {p.name} {p.codice_fiscale}"))


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.MUNICIPALITY, code="comune")
    address = "Via Dante 1, Cremona"
    size = 3
    minors = 1


class IseeFactory(DjangoModelFactory):
    class Meta:
        model = Isee

    household = factory.SubFactory(HouseholdFactory)
    value = "6500.00"
    protocol = factory.Sequence(lambda n: f"INPS-ISEE-2010-{n:08d}-00")
    issued_on = date(2010, 1, 15)
    expires_on = date(2011, 1, 15)
    recorded_by = factory.SubFactory("risorsa.organizations.tests.factories.UserFactory")
