"""Every view that shows personal data writes exactly one access row, with the right name, row
count, person and masked filters.

A URL that is neither in AUDITED nor in NOT_AUDITED (with the reason it shows no personal data)
fails the suite: a new page must say whether it is audited before it lands. The Django admin is
audited as a whole by risorsa.audit.middleware (risorsa/audit/tests/test_admin_audit.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from conftest import login
from risorsa.audit.models import AccessLog
from risorsa.ledger.models import ImportStatus
from tests.test_visibility import ALL_PATTERNS, world  # noqa: F401 - the fixture, shared


@dataclass
class Audited:
    persona: str
    rows: int
    kwargs: dict[str, str] = field(default_factory=dict)  # values name objects of the world
    person: str | None = None  # the world's person the row is about: "person" or "customer"
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    filters: dict | None = None  # as stored; None: the query string sent
    before: Callable[[dict], object] | None = None  # puts the world in the state the page needs


MANAGER = "comune.responsabile"


def _finish_import(objects):
    objects["import_run"].status = ImportStatus.REJECTED
    objects["import_run"].save(update_fields=["status"])


ON_CUSTOMER = {"person": "customer"}

AUDITED: dict[str, Audited] = {
    # A search by codice fiscale travels by POST; the row keeps it masked.
    "registry:person-list": Audited(
        MANAGER, 1, method="post", data={"q": "{codice_fiscale}"}, filters={"q": "*" * 16}
    ),
    "registry:person-detail": Audited(MANAGER, 1, {"pk": "person"}, person="person"),
    "registry:person-update": Audited("comune.operatore", 1, {"pk": "person"}, person="person"),
    "registry:assessment-create": Audited("comune.operatore", 1, {"pk": "person"}, person="person"),
    "registry:household-create": Audited("comune.operatore", 1, {"pk": "person"}, person="person"),
    "registry:person-history": Audited(MANAGER, 1, {"pk": "person"}, person="person"),
    "registry:household-detail": Audited(MANAGER, 0, {"pk": "household"}),
    "registry:household-update": Audited("comune.operatore", 0, {"pk": "household"}),
    "registry:isee-create": Audited("comune.operatore", 0, {"pk": "household"}),
    "registry:access-log": Audited(MANAGER, 0, data={"utente": "aem"}),
    # Audited once finished: while it runs, the page polled every second shows counts only.
    "ledger:import-detail": Audited("aem.operatore", 0, {"pk": "import_run"}, before=_finish_import),
    "ledger:import-issues-csv": Audited("aem.operatore", 0, {"pk": "import_run"}),
    "ledger:customer-detail": Audited("aem.operatore", 1, {"pk": "customer"}, **ON_CUSTOMER),
    # Two customers in arrears: C1 and the work program's W1.
    "ledger:arrears": Audited(MANAGER, 2, data={"servizio": "ENERGIA"}),
    "ledger:arrears-export": Audited("aem.lettore", 2, {"fmt": "csv"}, data={"ordine": "nome"}),
    "ledger:credits-export": Audited("aem.operatore", 0),
    "ledger:registry-mismatches": Audited(MANAGER, 1),
    "coordination:todo": Audited(MANAGER, 1),
    "protection:list": Audited(MANAGER, 1),
    "protection:create": Audited("comune.operatore", 1, {"customer_pk": "customer"}, **ON_CUSTOMER),
    "protection:detail": Audited(MANAGER, 1, {"pk": "protection"}, **ON_CUSTOMER),
    "protection:history": Audited(MANAGER, 1, {"pk": "protection"}, **ON_CUSTOMER),
    # A refused action shows the page again, with its data.
    "protection:action": Audited(
        "comune.operatore",
        1,
        {"pk": "protection", "action": "contact"},
        method="post",
        filters={},
        **ON_CUSTOMER,
    ),
    "protection:utility-list": Audited("aem.operatore", 0),
    "protection:utility-export": Audited("aem.operatore", 0),
    "protection:incident-list": Audited("aem.lettore", 1),
    "protection:incident-detail": Audited(MANAGER, 1, {"pk": "incident"}, **ON_CUSTOMER),
    "protection:evaluation-queue": Audited(MANAGER, 1),
    "repayment:list": Audited("aem.responsabile", 1),
    "repayment:simulate": Audited(MANAGER, 1, {"customer_pk": "customer"}, **ON_CUSTOMER),
    "repayment:detail": Audited("aem.operatore", 1, {"pk": "plan"}, **ON_CUSTOMER),
    "repayment:pdf": Audited("aem.operatore", 1, {"pk": "plan"}, **ON_CUSTOMER),
    "repayment:action": Audited(
        "comune.operatore", 1, {"pk": "plan", "action": "cancel"}, method="post", filters={}, **ON_CUSTOMER
    ),
    "interventions:list": Audited(MANAGER, 1),
    # Everything about one person: the codice fiscale travels by POST and is not stored.
    "privacy:subject-access": Audited(
        MANAGER,
        1,
        method="post",
        data={"codice_fiscale": "{codice_fiscale}", "formato": "json"},
        person="person",
        filters={"formato": "json"},
    ),
    "interventions:create": Audited("comune.operatore", 1, {"customer_pk": "customer"}, **ON_CUSTOMER),
    "interventions:detail": Audited("aem.operatore", 1, {"pk": "intervention"}, **ON_CUSTOMER),
    "interventions:action": Audited(
        "comune.operatore",
        1,
        {"pk": "intervention", "action": "withdraw"},
        method="post",
        filters={},
        **ON_CUSTOMER,
    ),
    # The edition report: figures about the edition's people, counted as its rows.
    "reports:edition-list": Audited("ponte.lettore", 1),
    "reports:edition": Audited(MANAGER, 1, {"pk": "work_edition"}),
    "reports:edition-csv": Audited("ponte.operatore", 1, {"pk": "work_edition"}),
    "reports:edition-xlsx": Audited("comune.lettore", 1, {"pk": "work_edition"}),
    # The work program: a refused action shows its page again, with the person's data.
    "workprogram:referral-list": Audited("ponte.operatore", 1, data={"stato": "al_lavoro"}),
    "workprogram:referral-create": Audited(
        "comune.operatore", 1, {"customer_pk": "work_customer"}, person="work_person"
    ),
    "workprogram:referral-detail": Audited(
        "ponte.operatore", 1, {"pk": "work_referral"}, person="work_person"
    ),
    "workprogram:referral-action": Audited(
        "ponte.operatore",
        1,
        {"pk": "work_referral", "action": "call"},
        method="post",
        filters={},
        person="work_person",
    ),
    "workprogram:contract-action": Audited(
        "comune.operatore",
        1,
        {"pk": "work_contract", "action": "sign"},
        method="post",
        filters={},
        person="work_person",
    ),
    "workprogram:contract-pdf": Audited("ponte.lettore", 1, {"pk": "work_contract"}, person="work_person"),
    "workprogram:placement-list": Audited("aem.operatore", 1),
    "workprogram:placement-detail": Audited("aem.lettore", 1, {"pk": "work_placement"}, person="work_person"),
    "workprogram:placement-action": Audited(
        "ponte.operatore",
        1,
        {"pk": "work_placement", "action": "timesheet"},
        method="post",
        filters={},
        person="work_person",
    ),
    "workprogram:timesheet-action": Audited(
        "aem.operatore",
        1,
        {"pk": "work_timesheet", "action": "reject"},
        method="post",
        filters={},
        person="work_person",
    ),
}

NOT_AUDITED: dict[str, str] = {
    "home:dashboard": "counts only",
    "home:guide": "the routine of the user's organization kind, no personal data",
    "login": "no personal data",
    "login-token": "no personal data",
    "second-factor-enroll": "the user's own second factor",
    "logout": "no personal data",
    "password_change": "the user's own password",
    "password_change_done": "no personal data",
    "password_reset": "no personal data",
    "password_reset_done": "no personal data",
    "password_reset_confirm": "no personal data",
    "password_reset_complete": "no personal data",
    "set_language": "no personal data",
    "registry:person-create": "an empty form",
    "registry:household-add-member": "a write answered by a redirect",
    "ledger:import-list": "file names and counts",
    "ledger:import-create": "an empty form",
    "ledger:registry-mismatch-resolve": "a write answered by a redirect",
    "ledger:import-retry": "a write answered by a redirect",
    "coordination:sla-list": "the SLA table",
    "coordination:sla-update": "the SLA table",
    "protection:evaluation-done": "a write answered by a redirect",
    "interventions:budget": "a write answered by a redirect",
    "interventions:budget-history": "the budget's amounts, no person",
    "workprogram:edition-list": "editions and how many take part",
    "workprogram:edition-create": "an empty form",
    "workprogram:edition-detail": "the edition's rules, timings and counts",
    "workprogram:edition-timing": "a write answered by a redirect",
    "workprogram:contract-texts": "the contract's text, no person",
}


def _is_admin(name: str) -> bool:
    return name.startswith(("admin:", "<unnamed"))  # only the admin has unnamed patterns


def test_every_url_is_audited_or_says_why_not():
    names = {name for name, _route in ALL_PATTERNS if not _is_admin(name)}
    unclassified = sorted(names - set(AUDITED) - set(NOT_AUDITED))
    assert unclassified == [], f"URL senza scelta di audit in tests/test_access_audit.py: {unclassified}"
    assert set(AUDITED) | set(NOT_AUDITED) <= names


def _consume(response):
    if response.streaming:  # an export's row is written once its rows are out
        b"".join(response.streaming_content)


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_a_view_showing_personal_data_writes_one_access_row(name, world, personas):  # noqa: F811
    audited = AUDITED[name]
    kwargs = {key: str(world[value].pk) if value in world else value for key, value in audited.kwargs.items()}
    data = {
        key: value.format(codice_fiscale=world["person"].codice_fiscale)
        for key, value in audited.data.items()
    }
    url = reverse(name, kwargs=kwargs)
    if audited.before:
        audited.before(world)
    before = set(AccessLog.objects.values_list("pk", flat=True))
    # when the persona opens it
    response = getattr(login(personas[audited.persona]), audited.method)(url, data)
    _consume(response)
    # then exactly one row says who, what, how many rows, about whom and with which filters
    assert response.status_code in (200, 400), response.status_code
    (access,) = AccessLog.objects.exclude(pk__in=before)
    person = world["customer"].person if audited.person == "customer" else world.get(audited.person or "")
    assert (access.user, access.organization, access.what, access.path) == (
        personas[audited.persona].user,
        personas[audited.persona].organization,
        name,
        url,
    )
    assert (access.rows, access.person) == (audited.rows, person)
    assert access.filters == (data if audited.filters is None else audited.filters)
