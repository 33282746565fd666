from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from risorsa.organizations.models import Membership, Organization
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Household, Isee, Person, SocialAssessment

USERNAMES = [
    f"{org}.{role}" for org in ("comune", "aem", "ponte") for role in ("responsabile", "operatore", "lettore")
]


def counts():
    return [
        model.objects.count()
        for model in (Organization, Membership, Person, Household, Isee, SocialAssessment)
    ]


@pytest.mark.django_db
def test_loads_the_three_organizations_nine_logins_and_about_200_people(settings):
    settings.DEMO = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    assert set(Organization.objects.values_list("name", flat=True)) == {
        "Comune di Cremona — Servizi Sociali",
        "AEM Cremona S.p.A.",
        "Centro di Solidarietà Il Ponte",
    }
    for username in USERNAMES:
        assert username in printed
        assert User.objects.get(username=username).check_password("risorsa-demo")
    assert "risorsa-demo" in printed
    assert 180 <= Person.objects.count() <= 220
    assert Household.objects.count() > 50
    assert Isee.objects.count() > 50
    for code in Person.objects.values_list("codice_fiscale", flat=True):
        cf.validate(code)


@pytest.mark.django_db
def test_running_it_twice_duplicates_nothing(settings):
    settings.DEMO = True
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first


@pytest.mark.django_db
def test_refuses_to_load_outside_development_or_demo(settings):
    settings.DEBUG = False
    settings.DEMO = False
    with pytest.raises(CommandError, match="solo con DEBUG=1 o RISORSA_DEMO=1"):
        call_command("load_demo", stdout=StringIO())
    assert not Person.objects.exists()
