"""Every URL of the project, requested by every persona, answers as the DOMAIN.md matrix says.

A URL pattern that this table does not classify fails the suite: a new page must state who
may see it before it lands.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import PERSONAS, login
from risorsa.registry.tests.factories import HouseholdFactory, PersonFactory

ANONYMOUS = "anonimo"


def iter_url_patterns(resolver=None, namespace=None, prefix=""):
    """(qualified name, route) for every pattern of the project, recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            qualified = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from iter_url_patterns(pattern, qualified, route)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or f"<unnamed {route}>", route


@dataclass
class Rule:
    expect: dict[str, int]
    kwargs: dict[str, str] = field(default_factory=dict)  # values name objects of the world
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)


def statuses(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """Expected status per persona: `default`, except the personas named (comune__operatore=200)."""
    expected = dict.fromkeys(PERSONAS, default) | {ANONYMOUS: anonymous}
    for persona, status in overrides.items():
        expected[persona.replace("__", ".")] = status
    return expected


ROLES = ("responsabile", "operatore", "lettore")
# The world's objects are Cremona's ("comune") and AEM's; Crema and A2A are the other territory
# and the other utility, who must find none of them (404) yet use their own lists (200).
CREMONA = ("comune",)
MUNICIPALITIES = ("comune", "crema")
AEM = ("aem",)
UTILITIES = ("aem", "a2a")
PARTNER = ("ponte",)
# The world's placement started a fortnight ago; its first week is entered, the last one is not.
LAST_MONDAY = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)


def members_of(*orgs: str, status: int = 200, default: int = 404) -> dict[str, int]:
    """Every role of `orgs` gets `status`; everyone else `default`."""
    return statuses(default, **{f"{org}__{role}": status for org in orgs for role in ROLES})


def municipality(
    read: int = 200,
    write: int | None = None,
    *,
    reader_writes: int = 403,
    others: int = 404,
    orgs: tuple[str, ...] = CREMONA,
):
    """The municipalities' personas get `read` (writers get `write` if given); all others `others`."""
    write = read if write is None else write
    overrides = {}
    for org in orgs:
        overrides |= {
            f"{org}__responsabile": write,
            f"{org}__operatore": write,
            f"{org}__lettore": read if write == read else reader_writes,
        }
    return statuses(others, **overrides)


def municipality_writers(status: int = 200, orgs: tuple[str, ...] = CREMONA):
    """Writers of `orgs` get `status`; every municipality's reader is refused by role (403)
    before any object is looked up, which tells nothing; everyone else finds nothing (404)."""
    expected = municipality(read=403, write=status, orgs=orgs)
    return expected | {f"{org}.lettore": 403 for org in MUNICIPALITIES}


def managers_of(*orgs: str, status: int = 200) -> dict[str, int]:
    """Managers of `orgs` get `status`; other municipality roles 403 (by role); everyone else 404."""
    overrides = {}
    for org in MUNICIPALITIES:
        overrides |= {f"{org}__operatore": 403, f"{org}__lettore": 403}
    for org in orgs:
        overrides[f"{org}__responsabile"] = status
    return statuses(404, **overrides)


EVERYONE = statuses(200, anonymous=200)
MEMBERS = statuses(200)
SITE_ADMIN_ONLY = statuses(302)  # Django admin: personas are not staff, so they go to its login
# The ledger's lists: each municipality (its territory) and each utility (its own customers and
# files); not the partner. Its objects here are Cremona's customers of AEM.
LEDGER = members_of(*MUNICIPALITIES, *UTILITIES)
LEDGER_OBJECT = members_of(*CREMONA, *AEM)
UTILITY_ONLY = members_of(*UTILITIES)

RULES: dict[str, Rule] = {
    "home:dashboard": Rule(MEMBERS),
    "home:guide": Rule(MEMBERS),  # each kind reads its own routine
    "login": Rule(EVERYONE),
    "logout": Rule(statuses(302, anonymous=302), method="post"),
    "password_change": Rule(MEMBERS),
    "password_change_done": Rule(MEMBERS),
    "password_reset": Rule(EVERYONE),
    "password_reset_done": Rule(EVERYONE),
    "password_reset_confirm": Rule(EVERYONE, kwargs={"uidb64": "MQ", "token": "non-valido"}),
    "password_reset_complete": Rule(EVERYONE),
    "login-token": Rule(statuses(302, anonymous=302)),
    "second-factor-enroll": Rule(MEMBERS),
    "set_language": Rule(statuses(302, anonymous=302), method="post", data={"language": "en", "next": "/"}),
    "admin:login": Rule(EVERYONE),
    "registry:person-list": Rule(members_of(*MUNICIPALITIES, "ponte")),
    "registry:person-create": Rule(municipality_writers(orgs=MUNICIPALITIES)),
    "registry:person-detail": Rule(municipality(), kwargs={"pk": "person"}),
    "registry:person-update": Rule(municipality_writers(), kwargs={"pk": "person"}),
    "registry:assessment-create": Rule(municipality_writers(), kwargs={"pk": "person"}),
    "registry:household-create": Rule(municipality_writers(), kwargs={"pk": "person"}),
    "registry:household-detail": Rule(municipality(), kwargs={"pk": "household"}),
    "registry:household-update": Rule(municipality_writers(), kwargs={"pk": "household"}),
    "registry:household-add-member": Rule(
        municipality_writers(302), kwargs={"pk": "household"}, method="post", data={"codice_fiscale": "X"}
    ),
    "registry:isee-create": Rule(municipality_writers(), kwargs={"pk": "household"}),
    "ledger:import-list": Rule(LEDGER),
    "ledger:import-create": Rule(
        statuses(
            404,
            aem__responsabile=200,
            aem__operatore=200,
            aem__lettore=403,
            a2a__responsabile=200,
            a2a__operatore=200,
            a2a__lettore=403,
        )
    ),
    "ledger:import-detail": Rule(members_of(*MUNICIPALITIES, *AEM), kwargs={"pk": "import_run"}),
    "ledger:import-issues-csv": Rule(members_of(*AEM), kwargs={"pk": "import_run"}),
    "ledger:import-retry": Rule(
        # A run not failed cannot be retried: AEM's writers are sent back to it with the reason.
        statuses(
            404,
            aem__responsabile=302,
            aem__operatore=302,
            aem__lettore=403,
            a2a__lettore=403,
        ),
        kwargs={"pk": "import_run"},
        method="post",
    ),
    "ledger:customer-detail": Rule(LEDGER_OBJECT, kwargs={"pk": "customer"}),
    "ledger:arrears": Rule(LEDGER),
    "ledger:arrears-export": Rule(LEDGER, kwargs={"fmt": "xlsx"}),
    "ledger:credits-export": Rule(LEDGER),
    "coordination:todo": Rule(MEMBERS),
    "coordination:sla-list": Rule(MEMBERS),
    "coordination:sla-update": Rule(
        managers_of(*CREMONA, status=302),  # Cremona's table: Crema's manager finds nothing
        kwargs={"pk": "sla_rule"},
        method="post",
        data={"working_days": "4"},
    ),
    "protection:list": Rule(municipality(orgs=MUNICIPALITIES)),
    "protection:create": Rule(municipality_writers(), kwargs={"customer_pk": "customer"}),
    "protection:detail": Rule(municipality(), kwargs={"pk": "protection"}),
    "protection:action": Rule(
        municipality_writers(302),
        kwargs={"pk": "protection", "action": "contact"},
        method="post",
        data={"contact-contacted_on": "01/02/2010", "contact-channel": "telefono", "contact-outcome": "ok"},
    ),
    "protection:utility-list": Rule(UTILITY_ONLY),
    "protection:utility-export": Rule(UTILITY_ONLY),
    "protection:incident-list": Rule(members_of(*MUNICIPALITIES, *UTILITIES, *PARTNER)),
    "protection:incident-detail": Rule(LEDGER_OBJECT, kwargs={"pk": "incident"}),
    "protection:evaluation-queue": Rule(municipality(orgs=MUNICIPALITIES)),
    "protection:evaluation-done": Rule(municipality_writers(302), kwargs={"pk": "deadline"}, method="post"),
    "repayment:list": Rule(LEDGER),
    "repayment:simulate": Rule(municipality(), kwargs={"customer_pk": "customer"}),
    "repayment:detail": Rule(LEDGER_OBJECT, kwargs={"pk": "plan"}),
    "repayment:pdf": Rule(LEDGER_OBJECT, kwargs={"pk": "plan"}),
    "repayment:action": Rule(
        statuses(
            404,
            aem__responsabile=302,
            aem__operatore=403,
            aem__lettore=403,
            comune__responsabile=403,
            comune__operatore=403,
            comune__lettore=403,
        ),
        kwargs={"pk": "plan", "action": "approve"},
        method="post",
    ),
    "privacy:subject-access": Rule(managers_of(*MUNICIPALITIES)),
    "interventions:list": Rule(LEDGER),
    "interventions:budget": Rule(
        managers_of(*MUNICIPALITIES, status=302),
        method="post",
        data={"year": "2010", "amount": "1.000,00"},
    ),
    "interventions:create": Rule(municipality_writers(), kwargs={"customer_pk": "customer"}),
    "interventions:detail": Rule(LEDGER_OBJECT, kwargs={"pk": "intervention"}),
    "interventions:action": Rule(
        # The first confirmation takes it on; the second finds it already confirmed (400).
        statuses(
            404,
            aem__responsabile=302,
            aem__operatore=400,
            aem__lettore=403,
            comune__responsabile=403,
            comune__operatore=403,
            comune__lettore=403,
        ),
        kwargs={"pk": "intervention", "action": "confirm"},
        method="post",
    ),
    "registry:access-log": Rule(managers_of(*MUNICIPALITIES)),
    # Field history: the municipality's manager only.
    "registry:person-history": Rule(managers_of(*CREMONA), kwargs={"pk": "person"}),
    "protection:history": Rule(managers_of(*CREMONA), kwargs={"pk": "protection"}),
    "interventions:budget-history": Rule(managers_of(*MUNICIPALITIES)),
    "ledger:registry-mismatches": Rule(municipality(orgs=MUNICIPALITIES)),
    "ledger:registry-mismatch-resolve": Rule(
        # The manager checks it first; the operator then finds nothing left to check.
        municipality_writers(302) | {"comune.operatore": 404},
        kwargs={"pk": "mismatch"},
        method="post",
    ),
    # The work program: the pathway is the municipality's and the partner's (people referred to
    # it); a utility knows only the track A placements its staff supervise and their timesheets.
    "workprogram:referral-list": Rule(members_of(*MUNICIPALITIES, *PARTNER)),
    "workprogram:referral-create": Rule(municipality_writers(), kwargs={"customer_pk": "work_customer"}),
    "workprogram:referral-detail": Rule(members_of(*CREMONA, *PARTNER), kwargs={"pk": "work_referral"}),
    "workprogram:referral-action": Rule(
        # A tutor meeting is the partner's writers' (each records one); the municipality's and the
        # readers' refused by the declaration (403); Crema and the utilities find nothing (404).
        statuses(
            404,
            **{f"comune__{role}": 403 for role in ROLES},
            ponte__responsabile=302,
            ponte__operatore=302,
            ponte__lettore=403,
        ),
        kwargs={"pk": "work_referral", "action": "tutor"},
        method="post",
        data={"tutor-on": "01/02/2010", "tutor-note": "Colloquio"},
    ),
    "workprogram:contract-action": Rule(
        # The contract is signed already: the municipality's writers are told so (400).
        statuses(
            404,
            comune__responsabile=400,
            comune__operatore=400,
            comune__lettore=403,
            **{f"ponte__{role}": 403 for role in ROLES},
        ),
        kwargs={"pk": "work_contract", "action": "sign"},
        method="post",
        data={"sign-signed_on": "01/02/2010"},
    ),
    "workprogram:contract-pdf": Rule(members_of(*CREMONA, *PARTNER), kwargs={"pk": "work_contract"}),
    "workprogram:placement-list": Rule(MEMBERS),
    "workprogram:placement-detail": Rule(
        members_of(*CREMONA, *PARTNER, *AEM), kwargs={"pk": "work_placement"}
    ),
    "workprogram:placement-action": Rule(
        # The partner's manager enters last week's hours; its operator finds them entered (400).
        statuses(
            404,
            **{f"comune__{role}": 403 for role in ROLES},
            **{f"aem__{role}": 403 for role in ROLES},
            ponte__responsabile=302,
            ponte__operatore=400,
            ponte__lettore=403,
        ),
        kwargs={"pk": "work_placement", "action": "timesheet"},
        method="post",
        data={
            "timesheet-week_of": f"{LAST_MONDAY:%d/%m/%Y}",
            "timesheet-mon": "4",
            "timesheet-activity": "Pulizia",
        },
    ),
    "workprogram:timesheet-action": Rule(
        # Track A: AEM supervises; its manager approves, its operator finds it approved (400); the
        # partner sees the hours but does not approve them (403).
        statuses(
            404,
            **{f"comune__{role}": 403 for role in ROLES},
            **{f"ponte__{role}": 403 for role in ROLES},
            aem__responsabile=302,
            aem__operatore=400,
            aem__lettore=403,
        ),
        kwargs={"pk": "work_timesheet", "action": "approve"},
        method="post",
    ),
    "workprogram:edition-list": Rule(members_of(*MUNICIPALITIES, *PARTNER)),
    "workprogram:edition-create": Rule(managers_of(*MUNICIPALITIES)),
    "workprogram:edition-detail": Rule(members_of(*CREMONA, *PARTNER), kwargs={"pk": "work_edition"}),
    "workprogram:edition-timing": Rule(
        managers_of(*CREMONA, status=302),  # Cremona's edition: Crema's manager finds nothing
        kwargs={"pk": "work_edition", "step": "visita_medica"},
        method="post",
        data={"working_days": "8"},
    ),
    "workprogram:contract-texts": Rule(municipality(orgs=MUNICIPALITIES)),
    "reports:edition-list": Rule(members_of(*MUNICIPALITIES, *PARTNER)),
    "reports:edition": Rule(members_of(*CREMONA, *PARTNER), kwargs={"pk": "work_edition"}),
    "reports:edition-csv": Rule(members_of(*CREMONA, *PARTNER), kwargs={"pk": "work_edition"}),
    "reports:edition-xlsx": Rule(members_of(*CREMONA, *PARTNER), kwargs={"pk": "work_edition"}),
}
ADMIN_KWARGS = {
    "app_label": "registry",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "url": "x/",
    "pk": "1",
}


def rule_for(name: str, route: str) -> Rule | None:
    if name in RULES:
        return RULES[name]
    if name.startswith(("admin:", f"<unnamed {settings.ADMIN_PATH}")):
        return Rule(SITE_ADMIN_ONLY)
    return None


ALL_PATTERNS = sorted(set(iter_url_patterns()))


def test_every_url_pattern_is_classified():
    unclassified = [name for name, route in ALL_PATTERNS if rule_for(name, route) is None]
    assert unclassified == [], f"URL senza regola di visibilità in tests/test_visibility.py: {unclassified}"


def test_the_table_names_no_url_that_does_not_exist():
    names = {name for name, _route in ALL_PATTERNS}
    assert set(RULES) - names == set()


def _url(name: str, route: str, rule: Rule, world: dict) -> str:
    if name.startswith("<unnamed"):
        # Admin's redirects and its catch-all: fill the route's parameters by hand.
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ADMIN_KWARGS[m.group(1)], route)
        return "/" + path.replace("(?P<url>.*)$", "una/pagina/").lstrip("^")
    if name.startswith("admin:"):
        parameters = re.findall(r"<(?:\w+:)?(\w+)>", route)
        return reverse(name, kwargs={key: ADMIN_KWARGS[key] for key in parameters})
    kwargs = {key: str(world[value].pk) if value in world else value for key, value in rule.kwargs.items()}
    return reverse(name, kwargs=kwargs)


# Who may read what the world holds: each customer's holder name (and code), and each person's
# registry-only phone, which only the municipality keeping the person reads.
MARKERS = {
    "cremona": {"surname": "CREMONESE", "phone": "0372 111111", "code": "C1"},
    "crema": {"surname": "CREMASCO", "phone": "0373 222222", "code": "C2"},
    "a2a": {"surname": "BERGAMINI", "phone": "0373 333333", "code": "K1"},
    # referred to the partner, who reads their name and contacts (DOMAIN.md: people referred to it)
    "worker": {"surname": "LAVORANTI", "phone": "0372 444444", "code": "W1"},
}
READERS = {  # marker -> organizations that may read the holder's name
    "cremona": {"comune", "aem"},
    "crema": {"crema", "aem"},
    "a2a": {"crema", "a2a"},
    "worker": {"comune", "aem", "ponte"},
}
PHONE_READERS = {"cremona": {"comune"}, "crema": {"crema"}, "a2a": {"crema"}, "worker": {"comune", "ponte"}}


def customer_of(utility, municipality, code: str, marker: dict):
    """A customer of `utility` in `municipality`'s territory, its holder in that registry."""
    from risorsa.ledger.models import Customer, SupplyPoint

    person = PersonFactory(organization=municipality, surname=marker["surname"], phone=marker["phone"])
    customer = Customer.objects.create(
        utility=utility,
        code=code,
        person=person,
        holder_surname=person.surname,
        holder_name=person.name,
        municipality=municipality,
    )
    SupplyPoint.objects.create(
        customer=customer, service="ENERGIA", code=f"IT001E0000000{len(code)}", municipality=municipality
    )
    return customer


@pytest.fixture
def world(personas, organizations, municipality, utility):
    from risorsa.coordination.models import SlaRule
    from risorsa.coordination.services import open_deadline
    from risorsa.interventions.services import propose_intervention
    from risorsa.ledger import figures
    from risorsa.ledger.models import Bill, ImportRun, MeterEvent, RegistryMismatch
    from risorsa.protection import steps as protection_steps
    from risorsa.protection.models import Incident, Protection
    from risorsa.repayment.schedule import Terms
    from risorsa.repayment.services import draft_plan, propose_plan

    person = PersonFactory(organization=municipality)
    household = HouseholdFactory(organization=municipality)
    run = ImportRun.objects.create(
        utility=utility, kind="fatture", as_of="2010-02-28", file_name="fatture.csv", file_path="", sha256=""
    )
    customer = customer_of(utility, municipality, "C1", MARKERS["cremona"])
    supply = customer.supply_points.get()
    crema, a2a = organizations["crema"], organizations["a2a"]
    customer_of(utility, crema, "C2", MARKERS["crema"])
    customer_of(a2a, crema, "K1", MARKERS["a2a"])
    mismatch = RegistryMismatch.objects.create(
        customer=customer,
        person=customer.person,
        municipality=municipality,
        holder_surname="ALTRONOME",
        holder_name="MARIO",
        run=run,
        created_at=timezone.now(),
    )
    protection = Protection.objects.create(
        customer=customer, reason="fragile", created_by=personas["comune.operatore"].user
    )
    cut = MeterEvent.objects.create(
        utility=utility,
        external_id="E1",
        customer=customer,
        supply_point=supply,
        kind="SOSPENSIONE",
        occurred_on="2010-02-01",
        run=run,
    )
    incident = Incident.objects.create(
        customer=customer, supply_point=supply, kind="tutelato", suspension=cut, opened_on="2010-02-01"
    )
    deadline = open_deadline(step=protection_steps.EVALUATE_REDUCTION, subject=customer, owner=municipality)
    older, bill = (
        Bill.objects.create(
            utility=utility,
            customer=customer,
            supply_point=supply,
            number=number,
            issued_on=issued_on,
            due_on=due_on,
            amount=amount,
            residual=amount,
            as_of="2010-02-28",
            created_run=run,
            changed_run=run,
        )
        for number, issued_on, due_on, amount in (
            ("B0", "2009-11-01", "2009-11-21", Decimal("300.00")),
            ("B1", "2010-01-01", "2010-01-21", Decimal("300.01")),
        )
    )
    figures.refresh_customer(customer.pk)  # what the merge of these bills would have done
    plan = draft_plan(
        customer=customer,
        terms=Terms(debt=Decimal("300.00"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1)),
        by=personas["comune.operatore"].user,
        bills=[older],
    )
    propose_plan(plan=plan, by=personas["comune.operatore"].user)
    intervention = propose_intervention(customer=customer, bills=[bill], by=personas["comune.operatore"].user)
    work = work_program(personas, utility, municipality, run)
    return {
        **work,
        "person": person,
        "household": household,
        "import_run": run,
        "customer": customer,
        "protection": protection,
        "incident": incident,
        "deadline": deadline,
        "plan": plan,
        "intervention": intervention,
        "sla_rule": SlaRule.objects.get(step=protection_steps.EVALUATE_REDUCTION, municipality=municipality),
        "mismatch": mismatch,
    }


def work_program(personas, utility, municipality, run) -> dict:
    """LAVORANTI, referred to the partner in an edition that has not started yet (its timings may
    still change), at work on track A with AEM since a fortnight ago, one week entered."""
    from risorsa.ledger import figures
    from risorsa.ledger.models import Bill
    from risorsa.workprogram import services as work
    from risorsa.workprogram.models import CallOutcome, FitnessOutcome, Track

    today = timezone.localdate()
    comune, ponte = personas["comune.operatore"].user, personas["ponte.operatore"].user
    customer = customer_of(utility, municipality, "W1", MARKERS["worker"])
    bill = Bill.objects.create(
        utility=utility,
        customer=customer,
        supply_point=customer.supply_points.get(),
        number="W-1",
        issued_on="2010-01-01",
        due_on="2010-01-21",
        amount=Decimal("500.00"),
        residual=Decimal("500.00"),
        as_of="2010-02-28",
        created_run=run,
        changed_run=run,
    )
    figures.refresh_customer(customer.pk)
    edition = work.create_edition(
        municipality=municipality,
        partner=personas["ponte.responsabile"].organization,
        name="visibilità",
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=365),
        net_hourly_value=Decimal("7.50"),
        by=personas["comune.responsabile"].user,
    )
    referral = work.refer_person(
        edition=edition, customer=customer, bills=[bill], project_amount=Decimal("400.00"), by=comune
    )
    work.accept_referral(referral=referral, by=ponte)
    work.record_call(referral=referral, by=ponte, on=today, outcome=CallOutcome.REACHED)
    work.record_medical_visit(referral=referral, by=ponte, on=today, outcome=FitnessOutcome.FIT)
    work.record_activation(referral=referral, by=ponte, on=today, reference="INPS-W1")
    contract = work.prepare_contract(referral=referral, by=comune)
    work.sign_contract(contract=contract, by=comune, signed_on=today)
    first_monday = LAST_MONDAY - timedelta(days=7)
    placement = work.place_person(
        referral=referral, by=ponte, track=Track.A, site="Piattaforma AEM", starts_on=first_monday
    )
    timesheet = work.submit_timesheet(
        placement=placement,
        by=ponte,
        week_of=first_monday,
        hours={first_monday: Decimal(4)},
        activity="Pulizia",
    )
    return {
        "work_customer": customer,
        "work_person": customer.person,
        "work_edition": edition,
        "work_referral": referral,
        "work_contract": contract,
        "work_placement": placement,
        "work_timesheet": timesheet,
    }


def _is_admin(name: str) -> bool:
    return name.startswith(("admin:", "<unnamed"))  # only the admin has unnamed patterns


SITE_PATTERNS = [(name, route) for name, route in ALL_PATTERNS if not _is_admin(name)]
ADMIN_PATTERNS = [(name, route) for name, route in ALL_PATTERNS if _is_admin(name)]


def test_every_admin_url_sends_every_persona_to_the_admins_login(personas, client):
    """The Django admin (a hundred URLs, one per model and action) is for superusers only: no
    persona, whatever its organization or role, gets further than the admin's login. One pass with
    one login per persona: the admin's pages need no world."""
    browsers = {persona: login(personas[persona]) for persona in PERSONAS} | {ANONYMOUS: client}
    wrong = {}
    for name, route in ADMIN_PATTERNS:
        rule = rule_for(name, route)
        assert rule is not None, f"{name} ({route}) non è classificato"
        url = _url(name, route, rule, {})
        seen = {
            persona: getattr(browser, rule.method)(url, rule.data).status_code
            for persona, browser in browsers.items()
        }
        if seen != rule.expect:
            wrong[url] = seen
    assert len(ADMIN_PATTERNS) > 50 and wrong == {}


@pytest.mark.parametrize(("name", "route"), SITE_PATTERNS, ids=[name for name, _ in SITE_PATTERNS])
def test_url_answers_each_persona_as_the_matrix_says(name, route, world, personas, client):
    rule = rule_for(name, route)
    assert rule is not None, f"{name} ({route}) non è classificato"
    url = _url(name, route, rule, world)
    seen = {}
    for persona in [*PERSONAS, ANONYMOUS]:
        browser = client if persona == ANONYMOUS else login(personas[persona])
        response = getattr(browser, rule.method)(url, rule.data)
        seen[persona] = response.status_code
    assert seen == rule.expect, url


def readable_text(response) -> str:
    """What a response tells its reader: the page, the CSV, the XLSX's strings, the PDF's text."""
    import contextlib
    import io
    import zipfile
    import zlib

    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return " ".join(
                workbook.read(name).decode() for name in workbook.namelist() if name.endswith(".xml")
            )
    if "pdf" in kind:
        texts = [body.decode("latin-1")]
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL):
            with contextlib.suppress(zlib.error):  # a stream that is not compressed is read as is
                texts.append(zlib.decompress(stream).decode("latin-1"))
        return " ".join(texts)
    return body.decode()


def test_no_page_list_or_export_shows_a_persona_what_it_may_not_see(world, personas):
    """0 leaks: every page a persona may open (200) holds no holder name of a customer outside
    its territory or utility, and no registry-only field of a person another municipality keeps."""
    leaks = []
    seen = set()  # the control: each marker is found where it may be read
    for name, rule in sorted(RULES.items()):
        if rule.method != "get" or name.startswith("admin:"):
            continue
        url = _url(name, "", rule, world)
        for persona in PERSONAS:
            if rule.expect[persona] != 200:
                continue
            text = readable_text(login(personas[persona]).get(url))
            organization = persona.split(".")[0]
            for key, marker in MARKERS.items():
                for kind, readers in (("surname", READERS[key]), ("phone", PHONE_READERS[key])):
                    if marker[kind] in text:
                        seen.add(marker[kind])
                        if organization not in readers:
                            leaks.append((persona, url, marker[kind]))
    assert leaks == []
    assert {marker["surname"] for marker in MARKERS.values()} <= seen
