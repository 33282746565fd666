"""A utility learns nothing through its own files that it did not send (issue 9, point 1).

For random `fatture` files from AEM, the same file is imported against two registries: an
empty one, and one where the municipalities already know some of the codici fiscali, under
other names, with phones, addresses and households. Everything AEM can read afterwards (the
import's report, its pages, lists and exports) must be the same, byte for byte once database
ids are set aside.
"""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import login
from risorsa.ledger.models import Customer, ImportRun
from risorsa.ledger.tests.helpers import import_file
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Household
from risorsa.registry.tests.factories import PersonFactory

NOW = datetime(2010, 3, 5, 10, 30, tzinfo=UTC)
SURNAMES = ["ROSSI", "BIANCHI", "VERDI", "NERI", "GALLI"]
HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "codice_comune;numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)


def code_of(index: int) -> str:
    return cf.encode(
        surname=SURNAMES[index],
        name="ANNA",
        sex="F",
        birth_date=date(1970, 1, 1 + index),
        birth_place_code="D150",
    )


holders = st.lists(
    st.tuples(
        st.integers(0, len(SURNAMES) - 1),  # which codice fiscale (and the name the utility uses)
        st.sampled_from(["", "D150", "D142"]),  # the territory
        st.lists(st.tuples(st.integers(1, 90000), st.integers(0, 100)), min_size=1, max_size=3),  # bills
    ),
    min_size=1,
    max_size=4,
)
known = st.lists(
    st.tuples(
        st.integers(0, len(SURNAMES) - 1),
        st.sampled_from(["comune", "crema"]),  # who registered them
        st.sampled_from(["", "ALTRO COGNOME"]),  # the same name, or another
    ),
    max_size=5,
)


def write_file(folder: Path, picks) -> Path:
    rows = [HEADER]
    number = 0
    for customer, (index, territory, bills) in enumerate(picks):
        for cents, paid_percent in bills:
            number += 1
            residual = cents * (100 - paid_percent) // 100
            rows.append(
                f"K{customer};{code_of(index)};{SURNAMES[index]};ANNA;ENERGIA;IT012E1000000{customer};"
                f"Via Po {customer};{territory};2010/{number:06d};01/12/2009;21/12/2009;"
                f"{cents // 100},{cents % 100:02d};{residual // 100},{residual % 100:02d}"
            )
    path = folder / "fatture.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def register(organizations, people) -> None:
    """What the municipalities already know: the utility never sent any of it."""
    for index, owner, other_name in people:
        code = code_of(index)
        if PersonFactory._meta.model.objects.filter(codice_fiscale=code).exists():
            continue
        household = Household.objects.create(
            organization=organizations[owner], address="Via Segreta 9", size=3
        )
        PersonFactory(
            organization=organizations[owner],
            codice_fiscale=code,
            surname=other_name or SURNAMES[index],
            name="ANNA",
            phone="0372 987654",
            email="segreto@example.org",
            address="Via Segreta 9",
            household=household,
        )


def without_ids(text: str) -> str:
    """Database ids differ between the two imports (sequences are not rolled back)."""
    text = re.sub(r"/(\d+)/", "/N/", text)
    text = re.sub(r"[A-Za-z0-9+/_-]{32,}", "TOKEN", text)  # CSRF tokens, nonces: new on every page
    return re.sub(r"n\. \d+", "n. N", text)


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return without_ids(content.decode(errors="replace"))


def what_the_utility_reads(utility, personas, path: Path) -> dict:
    with time_machine.travel(NOW, tick=False):
        run = import_file(utility, "fatture", path)
        client = login(personas["aem.operatore"])
        report = ImportRun.objects.filter(pk=run.pk).values(
            "status", "rows_total", "created", "updated", "unchanged", "invalid_rows", "warnings", "failure"
        )[0]
        seen = {
            "report": report,
            "issues": sorted(run.issues.values_list("line", "column", "value", "reason")),
        }
        urls = [
            reverse("ledger:import-detail", args=[run.pk]),
            reverse("ledger:import-list"),
            reverse("ledger:arrears"),
            reverse("ledger:arrears-export", args=["csv"]),
            reverse("protection:utility-list"),
            reverse("home:dashboard"),
        ]
        urls += [
            reverse("ledger:customer-detail", args=[pk])
            for pk in Customer.objects.order_by("code").values_list("pk", flat=True)
        ]
        for url in urls:
            response = client.get(url)
            seen[without_ids(url)] = (response.status_code, body_of(response))
        # the arrears search (posted): by a name only the registry knows, by the name and the codes it sent
        for query in ["ALTRO COGNOME", "anna", code_of(0)[:6], "K0"]:
            response = client.post(reverse("ledger:arrears"), {"q": query})
            seen[f"arrears q={query}"] = (response.status_code, body_of(response))
    return seen


@pytest.mark.django_db
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=holders, people=known)
def test_nothing_the_utility_reads_depends_on_a_registry_it_did_not_send(
    picks, people, organizations, personas, tmp_path
):
    path = write_file(tmp_path, picks)
    observations = []
    for registry in ([], people):
        with transaction.atomic():
            register(organizations, registry)
            observations.append(what_the_utility_reads(organizations["aem"], personas, path))
            transaction.set_rollback(True)
    unregistered, registered = observations
    assert unregistered.keys() == registered.keys()
    for key in unregistered:
        assert unregistered[key] == registered[key], key
