"""Every URL of the project, requested by every persona, answers as the DOMAIN.md matrix says.

A URL pattern that this table does not classify fails the suite: a new page must state who
may see it before it lands.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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


def municipality(read: int = 200, write: int | None = None, *, reader_writes: int = 403, others: int = 404):
    """Comune personas get `read` (writers get `write` if given); other kinds get 404."""
    write = read if write is None else write
    return statuses(
        others,
        comune__responsabile=write,
        comune__operatore=write,
        comune__lettore=read if write == read else reader_writes,
    )


def municipality_writers(status: int = 200):
    return municipality(read=403, write=status)


EVERYONE = statuses(200, anonymous=200)
MEMBERS = statuses(200)
SITE_ADMIN_ONLY = statuses(302)
# The ledger: the municipality and the utility (its own customers and files); not the partner.
LEDGER = statuses(
    404,
    **{
        f"{org}__{role}": 200
        for org in ("comune", "aem")
        for role in ("responsabile", "operatore", "lettore")
    },
)  # Django admin: personas are not staff, so they go to its login

UTILITY_ONLY = statuses(404, aem__responsabile=200, aem__operatore=200, aem__lettore=200)

RULES: dict[str, Rule] = {
    "home:dashboard": Rule(MEMBERS),
    "login": Rule(EVERYONE),
    "logout": Rule(statuses(302, anonymous=302), method="post"),
    "password_change": Rule(MEMBERS),
    "password_change_done": Rule(MEMBERS),
    "password_reset": Rule(EVERYONE),
    "password_reset_done": Rule(EVERYONE),
    "password_reset_confirm": Rule(EVERYONE, kwargs={"uidb64": "MQ", "token": "non-valido"}),
    "password_reset_complete": Rule(EVERYONE),
    "set_language": Rule(statuses(302, anonymous=302), method="post", data={"language": "en", "next": "/"}),
    "admin:login": Rule(EVERYONE),
    "registry:person-list": Rule(MEMBERS),
    "registry:person-create": Rule(municipality_writers()),
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
    "ledger:import-create": Rule(statuses(404, aem__responsabile=200, aem__operatore=200, aem__lettore=403)),
    "ledger:import-detail": Rule(LEDGER, kwargs={"pk": "import_run"}),
    "ledger:import-issues-csv": Rule(LEDGER, kwargs={"pk": "import_run"}),
    "ledger:customer-detail": Rule(LEDGER, kwargs={"pk": "customer"}),
    "ledger:arrears": Rule(LEDGER),
    "ledger:arrears-export": Rule(LEDGER, kwargs={"fmt": "xlsx"}),
    "ledger:credits-export": Rule(LEDGER),
    "coordination:todo": Rule(MEMBERS),
    "coordination:sla-list": Rule(MEMBERS),
    "coordination:sla-update": Rule(
        statuses(404, comune__responsabile=302, comune__operatore=403, comune__lettore=403),
        kwargs={"pk": "sla_rule"},
        method="post",
        data={"working_days": "4"},
    ),
    "protection:list": Rule(municipality()),
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
    "protection:incident-list": Rule(LEDGER),
    "protection:incident-detail": Rule(LEDGER, kwargs={"pk": "incident"}),
    "protection:evaluation-queue": Rule(municipality()),
    "protection:evaluation-done": Rule(municipality_writers(302), kwargs={"pk": "deadline"}, method="post"),
    "repayment:list": Rule(LEDGER),
    "repayment:simulate": Rule(municipality(), kwargs={"customer_pk": "customer"}),
    "repayment:detail": Rule(LEDGER, kwargs={"pk": "plan"}),
    "repayment:pdf": Rule(LEDGER, kwargs={"pk": "plan"}),
    "repayment:action": Rule(
        statuses(
            403, aem__responsabile=302, ponte__responsabile=404, ponte__operatore=404, ponte__lettore=404
        ),
        kwargs={"pk": "plan", "action": "approve"},
        method="post",
    ),
    "interventions:list": Rule(LEDGER),
    "interventions:budget": Rule(
        statuses(404, comune__responsabile=302, comune__operatore=403, comune__lettore=403),
        method="post",
        data={"year": "2010", "amount": "1.000,00"},
    ),
    "interventions:create": Rule(municipality_writers(), kwargs={"customer_pk": "customer"}),
    "interventions:detail": Rule(LEDGER, kwargs={"pk": "intervention"}),
    "interventions:action": Rule(
        # The first confirmation takes it on; the second finds it already confirmed (400).
        statuses(
            403,
            aem__responsabile=302,
            aem__operatore=400,
            ponte__responsabile=404,
            ponte__operatore=404,
            ponte__lettore=404,
        ),
        kwargs={"pk": "intervention", "action": "confirm"},
        method="post",
    ),
    "registry:access-log": Rule(
        statuses(404, comune__responsabile=200, comune__operatore=403, comune__lettore=403)
    ),
}
ADMIN_KWARGS = {"app_label": "registry", "object_id": "1", "content_type_id": "1", "id": "1", "url": "x/"}


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


@pytest.fixture
def world(personas, municipality, utility):
    from risorsa.coordination.models import SlaRule, Step
    from risorsa.coordination.services import open_deadline
    from risorsa.interventions.services import propose_intervention
    from risorsa.ledger.models import Bill, Customer, ImportRun, MeterEvent, SupplyPoint
    from risorsa.protection.models import Incident, Protection
    from risorsa.repayment.schedule import Terms
    from risorsa.repayment.services import draft_plan, propose_plan

    person = PersonFactory(organization=municipality)
    household = HouseholdFactory(organization=municipality)
    run = ImportRun.objects.create(
        utility=utility, kind="fatture", as_of="2010-02-28", file_name="fatture.csv", file_path="", sha256=""
    )
    customer = Customer.objects.create(
        utility=utility, code="C1", person=PersonFactory(organization=municipality)
    )
    supply = SupplyPoint.objects.create(customer=customer, service="ENERGIA", code="IT001E00000001")
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
    deadline = open_deadline(step=Step.EVALUATE_REDUCTION, subject=customer, owner=municipality)
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
    plan = draft_plan(
        customer=customer,
        terms=Terms(debt=Decimal("300.00"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1)),
        by=personas["comune.operatore"].user,
        bills=[older],
    )
    propose_plan(plan=plan, by=personas["comune.operatore"].user)
    intervention = propose_intervention(customer=customer, bills=[bill], by=personas["comune.operatore"].user)
    return {
        "person": person,
        "household": household,
        "import_run": run,
        "customer": customer,
        "protection": protection,
        "incident": incident,
        "deadline": deadline,
        "plan": plan,
        "intervention": intervention,
        "sla_rule": SlaRule.objects.get(step=Step.EVALUATE_REDUCTION),
    }


@pytest.mark.parametrize(("name", "route"), ALL_PATTERNS, ids=[name for name, _ in ALL_PATTERNS])
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
