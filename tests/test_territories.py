"""Each municipality walled off, and a utility learns nothing of the registry through its files.

The territory is Cremona (D150) and Crema (D142); AEM's files without `codice_comune` are
Cremona's (its default), A2A's Crema's (conftest.py). Regression tests of issue 9, points 1-2.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from risorsa.core.exceptions import PermissionDenied
from risorsa.ledger.models import Customer, ImportStatus, RegistryMismatch
from risorsa.ledger.tests.helpers import import_file, import_sample
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Person
from risorsa.registry.services import add_household_member, create_household, create_person
from risorsa.registry.tests.factories import PersonFactory
from risorsa.registry.text import search_text

HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "codice_comune;numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)


def bills_file(folder: Path, rows: list[str], name: str = "fatture.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def row(customer: str, code: str, surname: str, territory: str, number: str, residual: str = "100,00") -> str:
    return (
        f"{customer};{code};{surname};MARIO;ENERGIA;IT012E1{number[-7:]};Via Roma 1;{territory};"
        f"{number};01/01/2010;21/01/2010;100,00;{residual}"
    )


@pytest.mark.django_db(transaction=True)
def test_a_name_that_differs_from_the_registry_is_imported_as_sent_and_checked_by_the_municipality(
    organizations, client_for
):
    """Point 1: the file used to be refused with «in anagrafica questo codice fiscale è di …»."""
    person = PersonFactory(
        organization=organizations["comune"],
        surname="ROSSINI",
        name="MARIO",
        codice_fiscale="RSSMRA61C14D150U",
        phone="0372 999999",
    )
    run = import_sample(organizations["aem"], "fatture", "fatture_ok.csv")

    assert run.status == ImportStatus.DONE
    customer = Customer.objects.get(code="C100000")
    assert (customer.holder_surname, customer.holder_name, customer.person) == ("ROSSI", "MARIO", person)
    person.refresh_from_db()
    assert person.surname == "ROSSINI"  # the registry is the municipality's: the file does not change it
    mismatch = RegistryMismatch.objects.get()
    assert (mismatch.customer, mismatch.municipality, mismatch.holder_surname) == (
        customer,
        organizations["comune"],
        "ROSSI",
    )
    utility = client_for("aem.operatore")
    for url in (
        reverse("ledger:import-detail", args=[run.pk]),
        reverse("ledger:customer-detail", args=[customer.pk]),
        reverse("ledger:arrears"),
        reverse("ledger:arrears-export", args=["csv"]),
    ):
        body = text_of(utility.get(url))
        assert "ROSSINI" not in body and "999999" not in body, url
    assert utility.get(reverse("registry:person-detail", args=[person.pk])).status_code == 404
    checks = client_for("comune.operatore").get(reverse("ledger:registry-mismatches")).content.decode()
    assert "ROSSINI" in checks and "ROSSI MARIO" in checks
    assert client_for("aem.operatore").get(reverse("ledger:registry-mismatches")).status_code == 404

    # Re-sending the same file adds no second item; marking it checked closes it.
    import_sample(organizations["aem"], "fatture", "fatture_ok.csv")
    assert RegistryMismatch.objects.count() == 1
    response = client_for("comune.operatore").post(
        reverse("ledger:registry-mismatch-resolve", args=[mismatch.pk])
    )
    assert response.status_code == 302
    assert RegistryMismatch.objects.open().count() == 0


@pytest.mark.django_db(transaction=True)
def test_codice_comune_decides_the_territory_and_the_registry_a_person_joins(organizations, tmp_path):
    path = bills_file(
        tmp_path,
        [
            row("K1", "RSSMRA61C14D150U", "ROSSI", "D142", "2010/0000001"),
            row("K2", "BNCLCU75S42D150C", "BIANCHI", "", "2010/0000002"),
            row("K3", "VRDGPP80A01D142M", "VERDI", "d150", "2010/0000003"),
        ],
    )
    run = import_file(organizations["aem"], "fatture", path)

    assert run.status == ImportStatus.DONE, list(run.issues.values_list("reason", flat=True))
    territory = dict(Customer.objects.values_list("code", "municipality__code"))
    assert territory == {"K1": "crema", "K2": "comune", "K3": "comune"}  # empty: AEM's default
    registry = dict(Person.objects.values_list("codice_fiscale", "organization__code"))
    assert registry == {
        "RSSMRA61C14D150U": "crema",
        "BNCLCU75S42D150C": "comune",
        "VRDGPP80A01D142M": "comune",
    }


@pytest.mark.django_db(transaction=True)
def test_an_unknown_codice_comune_is_a_row_error(organizations, tmp_path):
    path = bills_file(tmp_path, [row("K1", "RSSMRA61C14D150U", "ROSSI", "Z999", "2010/0000001")])
    run = import_file(organizations["aem"], "fatture", path)
    assert run.status == ImportStatus.REJECTED
    assert [issue.message for issue in run.issues.all()] == [
        'riga 2: codice_comune "Z999": nessun Comune con questo codice catastale usa Risorsa'
    ]


@pytest.mark.django_db(transaction=True)
def test_without_a_default_municipality_a_row_must_name_its_territory(organizations, tmp_path):
    utility = organizations["aem"]
    utility.default_municipality = None
    utility.save()
    path = bills_file(
        tmp_path,
        [
            row("K1", "RSSMRA61C14D150U", "ROSSI", "D142", "2010/0000001"),
            row("K2", "BNCLCU75S42D150C", "BIANCHI", "", "2010/0000002"),
        ],
    )
    run = import_file(utility, "fatture", path)
    assert run.status == ImportStatus.REJECTED
    assert [issue.message for issue in run.issues.all()] == [
        'riga 3: codice_comune "": manca il Comune della fornitura e il gestore non ha un Comune predefinito'
    ]
    assert not Customer.objects.exists()


@pytest.fixture
def two_territories(organizations, tmp_path):
    """AEM customer A1 in Cremona, A2 in Crema; each with a person of that municipality's registry."""
    path = bills_file(
        tmp_path,
        [
            row("A1", "RSSMRA61C14D150U", "ROSSI", "D150", "2010/0000001"),
            row("A2", "BNCLCU75S42D150C", "BIANCHI", "D142", "2010/0000002"),
        ],
    )
    assert import_file(organizations["aem"], "fatture", path).status == ImportStatus.DONE
    return Customer.objects.get(code="A1"), Customer.objects.get(code="A2")


@pytest.mark.django_db(transaction=True)
def test_a_municipality_sees_nothing_of_another_territory(two_territories, client_for, personas):
    """Point 2: Crema's reader used to open Cremona's people, customers and protections."""
    cremona_customer, crema_customer = two_territories
    crema = client_for("crema.lettore")
    assert crema.get(reverse("ledger:customer-detail", args=[cremona_customer.pk])).status_code == 404
    assert crema.get(reverse("registry:person-detail", args=[cremona_customer.person_id])).status_code == 404
    assert crema.get(reverse("ledger:customer-detail", args=[crema_customer.pk])).status_code == 200
    arrears = crema.get(reverse("ledger:arrears")).content.decode()
    assert "BIANCHI" in arrears and "ROSSI" not in arrears
    people = crema.get(reverse("registry:person-list")).content.decode()
    assert "BIANCHI" in people and "ROSSI" not in people


@pytest.mark.django_db(transaction=True)
def test_a_municipality_dashboard_counts_only_its_territory_s_debts(two_territories, client_for):
    """Cremona's home page used to add up the open bills of every territory (Crema's too)."""
    for persona in ("comune.lettore", "crema.lettore"):
        context = client_for(persona).get(reverse("home:dashboard")).context
        assert (context["unpaid_total"], context["customers_with_unpaid"]) == (Decimal("100.00"), 1)
    context = client_for("aem.lettore").get(reverse("home:dashboard")).context
    assert (context["unpaid_total"], context["customers_with_unpaid"]) == (Decimal("200.00"), 2)


@pytest.mark.django_db(transaction=True)
def test_services_refuse_to_act_on_another_territory(two_territories, personas):
    from risorsa.interventions.services import (
        authorize_contribution,
        confirm_customer_share,
        propose_intervention,
        set_budget,
    )
    from risorsa.protection.services import propose_protection

    cremona_customer, _crema_customer = two_territories
    crema_manager = personas["crema.responsabile"]
    with pytest.raises(PermissionDenied):
        propose_protection(customer=cremona_customer, reason="fragile", by=crema_manager.user)
    with time_machine.travel(date(2010, 3, 1)):
        intervention = propose_intervention(
            customer=cremona_customer,
            bills=list(cremona_customer.bills.all()),
            by=personas["comune.operatore"].user,
        )
    # the customer's share paid: a contribution to authorize, but Cremona's, not Crema's
    confirm_customer_share(intervention=intervention, by=personas["aem.operatore"].user)
    set_budget(municipality=crema_manager.organization, year=intervention.year, amount=Decimal("1000.00"))
    with pytest.raises(PermissionDenied):
        authorize_contribution(intervention=intervention, by=crema_manager.user)
    intervention.refresh_from_db()
    assert intervention.status == "quota_pagata"


@pytest.mark.django_db
def test_a_household_takes_only_people_of_its_own_registry(personas):
    cremona = personas["comune.operatore"]
    crema = personas["crema.operatore"]
    own = create_person(
        membership=crema, codice_fiscale="BNCLCU75S42D150C", surname="Bianchi", name="Lucia", sex="F"
    )
    foreign = PersonFactory(organization=cremona.organization, codice_fiscale="RSSMRA61C14D150U")
    household = create_household(membership=crema, person=own, size=2)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refusal:
        add_household_member(membership=crema, household=household, codice_fiscale=foreign.codice_fiscale)
    assert "Nessuna persona in anagrafica" in str(refusal.value)  # not "belongs to another Comune"
    with pytest.raises(PermissionDenied):
        create_household(membership=crema, person=foreign, size=1)


@pytest.mark.django_db(transaction=True)
def test_a_person_imported_and_one_registered_by_hand_share_one_search_text(
    organizations, personas, tmp_path
):
    """The registry's bulk writer (SQL) and create_person (Python) follow text.search_text."""
    names = [("D'ANGELO", "NICOLÒ"), ("ROSSI", "MARIA  LUISA"), ("BERTOLÈ", "ANNA")]

    def code(surname, name, year):
        return cf.encode(
            surname=surname, name=name, sex="F", birth_date=date(year, 1, 1), birth_place_code="D150"
        )

    rows = [
        f"K{index};{code(surname, name, 1970)};{surname};{name};ENERGIA;IT012E1000000{index};;;"
        f"2010/00000{index};01/01/2010;21/01/2010;100,00;100,00"
        for index, (surname, name) in enumerate(names)
    ]
    run = import_file(organizations["aem"], "fatture", bills_file(tmp_path, rows))
    assert run.status == ImportStatus.DONE, list(run.issues.values_list("column", "value", "reason"))
    for person in Person.objects.all():
        assert person.search_text == search_text(person.surname, person.name, person.codice_fiscale)
    for surname, name in names:
        by_hand = create_person(
            membership=personas["comune.operatore"],
            codice_fiscale=code(surname, name, 1980),
            surname=surname,
            name=name,
            sex="F",
            birth_date=date(1980, 1, 1),
        )
        assert by_hand.search_text == search_text(surname, name, by_hand.codice_fiscale)
        imported = Person.objects.get(codice_fiscale=code(surname, name, 1970))
        assert by_hand.search_text.rsplit(" ", 1)[0] == imported.search_text.rsplit(" ", 1)[0]


@pytest.mark.django_db(transaction=True)
def test_each_municipality_keeps_its_own_registry_and_learns_nothing_of_the_other(
    organizations, personas, tmp_path
):
    """Registering a codice fiscale another Comune knows neither fails nor says so; a holder with
    customers in both territories is in both registries, each customer with its own record."""
    cremona_person = create_person(
        membership=personas["comune.operatore"],
        codice_fiscale="RSSMRA61C14D150U",
        surname="Rossi",
        name="Mario",
        phone="0372 555555",
    )
    crema_person = create_person(
        membership=personas["crema.operatore"],
        codice_fiscale="RSSMRA61C14D150U",
        surname="Rossi",
        name="Mario",
    )
    assert crema_person.pk != cremona_person.pk and crema_person.phone == ""
    path = bills_file(
        tmp_path,
        [
            row("A1", "RSSMRA61C14D150U", "ROSSI", "D150", "2010/0000001"),
            row("A2", "RSSMRA61C14D150U", "ROSSI", "D142", "2010/0000002"),
            row("A3", "BNCLCU75S42D150C", "BIANCHI", "D150", "2010/0000003"),
            row("A4", "BNCLCU75S42D150C", "BIANCHI", "D142", "2010/0000004"),
        ],
    )
    assert import_file(organizations["aem"], "fatture", path).status == ImportStatus.DONE
    holders = {
        code: (person, territory)
        for code, person, territory in Customer.objects.values_list(
            "code", "person__organization__code", "municipality__code"
        )
    }
    assert holders == {
        "A1": ("comune", "comune"),
        "A2": ("crema", "crema"),
        "A3": ("comune", "comune"),
        "A4": ("crema", "crema"),
    }
    assert Customer.objects.get(code="A1").person == cremona_person
    assert Customer.objects.get(code="A2").person == crema_person
    assert Person.objects.filter(codice_fiscale="BNCLCU75S42D150C").count() == 2

    # A customer moving to the other territory follows its holder's record there.
    moved = bills_file(tmp_path, [row("A1", "RSSMRA61C14D150U", "ROSSI", "D142", "2010/0000001")], "dopo.csv")
    assert (
        import_file(organizations["aem"], "fatture", moved, as_of=date(2010, 3, 31)).status
        == ImportStatus.DONE
    )
    customer = Customer.objects.get(code="A1")
    assert (customer.municipality, customer.person) == (organizations["crema"], crema_person)


@pytest.mark.django_db(transaction=True)
def test_a_person_s_debts_are_those_of_their_own_territory_only(
    organizations, personas, client_for, tmp_path
):
    """Issue 12: the person page's "Utenze e debiti" lists a holder's customers in the reader's
    territory, with what that municipality follows, and nothing of the other municipality's."""
    from risorsa.protection.services import propose_protection

    path = bills_file(
        tmp_path,
        [
            row("A1", "RSSMRA61C14D150U", "ROSSI", "D150", "2010/0000001"),
            row("A2", "RSSMRA61C14D150U", "ROSSI", "D142", "2010/0000002", residual="55,00"),
        ],
    )
    assert import_file(organizations["aem"], "fatture", path).status == ImportStatus.DONE
    cremona_customer, crema_customer = Customer.objects.get(code="A1"), Customer.objects.get(code="A2")
    protection = propose_protection(
        customer=cremona_customer, reason="fragile", by=personas["comune.operatore"].user
    )

    def section(persona, person_id):
        body = client_for(persona).get(reverse("registry:person-detail", args=[person_id])).content.decode()
        return body.split('data-testid="customers"', 1)[1].split("</section>", 1)[0]

    cremona = section("comune.lettore", cremona_customer.person_id)
    assert 'data-testid="customer-A1"' in cremona and "A2" not in cremona and "55,00" not in cremona
    assert f'href="{protection.get_absolute_url()}"' in cremona
    crema = section("crema.lettore", crema_customer.person_id)
    assert 'data-testid="customer-A2"' in crema and "55,00" in crema
    assert "A1" not in crema and "/protection/" not in crema and "100,00" not in crema
    assert (
        client_for("crema.lettore")
        .get(reverse("registry:person-detail", args=[cremona_customer.person_id]))
        .status_code
        == 404
    )
