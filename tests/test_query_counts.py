"""Every list, search, dashboard and export issues a number of queries that does not grow with
the data: the same with pages of two rows on the demo as with pages of 25 rows once the demo has
grown by 1,500 customers and their 15,000 bills and payments.

A page whose query count follows its rows (a query per row, a lazy relation in a template) fails
here, whichever organization reads it.
"""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from risorsa.coordination.models import Deadline
from risorsa.registry.models import Person
from tests.test_visibility import SITE_PATTERNS

READERS = ("comune.responsabile", "aem.responsabile", "ponte.responsabile")
# Pages without parameters: the lists, dashboards and exports; plus searches and filters.
LISTS = [
    f"/{route}"
    for name, route in SITE_PATTERNS
    if "<" not in route and "(?P" not in route and not route.startswith(("accounts/", "i18n/"))
]
SEARCHES = [
    ("get", "/ledger/arrears/", {"anzianita": "180+", "ordine": "nome"}),
    ("get", "/ledger/arrears/", {"servizio": "ENERGIA", "minimo": "100", "page": "2"}),
    ("get", "/ledger/arrears/export.csv", {}),
]


def _queries(client, method: str, url: str, data: dict) -> int | None:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data)
        if response.status_code != 200:
            return None
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def _measure(personas, surname: str) -> dict:
    counts = {}
    searches = [*SEARCHES, ("post", "/registry/people/", {"q": surname})]
    for persona in READERS:
        personas[persona].user.refresh_from_db()  # the demo sets the logins' passwords
        client = login(personas[persona])
        for method, url, data in [("get", url, {}) for url in LISTS] + searches:
            counts[persona, url, str(data)] = _queries(client, method, url, data)
    return counts


@pytest.mark.django_db
def test_list_pages_issue_the_same_queries_with_two_rows_and_with_full_pages_of_more_data(personas, settings):
    settings.DEMO = True
    call_command("load_demo", stdout=StringIO())
    settings.PAGE_SIZE = 2
    # the commonest surname of the registry: a search that fills pages
    surname = (
        Person.objects.values_list("surname", flat=True)
        .annotate(people=Count("pk"))
        .order_by("-people")
        .first()
    )
    few = _measure(personas, surname)
    call_command("load_demo", scala=1500, senza_barra=True, stdout=StringIO(), stderr=StringIO())
    settings.PAGE_SIZE = 25
    many = _measure(personas, surname)
    measured = {page: count for page, count in few.items() if count is not None}
    assert len(measured) > 40, "the pages must answer"
    # The to-do list shows deadlines about several kinds of subject (protections, incidents, plans,
    # interventions…): a generic relation fetches each kind present on the page with its own
    # query (and that kind's customer). Bounded by the kinds the code knows, never by the rows.
    kinds = Deadline.objects.values("subject_type").distinct().count()
    grown = {
        page: (count, many[page])
        for page, count in measured.items()
        if many[page] != count and not (page[1] == "/coordination/" and many[page] <= count + 2 * kinds)
    }
    assert grown == {}, "query count grows with the data (2 rows → 25 rows a page)"


WORK_LISTS = (
    "workprogram:referral-list",
    "workprogram:placement-list",
    "workprogram:edition-list",
    "workprogram:contract-texts",
    "coordination:todo",  # the partner's steps are about referrals, the utility's about timesheets
)
WORK_READERS = ("comune.lettore", "ponte.lettore", "aem.lettore")


@pytest.mark.django_db
def test_work_program_lists_issue_the_same_queries_with_one_project_and_with_many(personas, utility):
    """The work program's lists (people referred, placements, editions, contract texts) and the
    to-do list of its steps, read by each organization kind: three projects (waiting to be
    accepted, a week to approve on each track), then eight at each stage in three editions, and
    three texts."""
    import time_machine

    from risorsa.protection.tests.helpers import sample_customer
    from risorsa.workprogram import services
    from risorsa.workprogram.tests.helpers import TODAY, at_work, edition_for, referred, week

    urls = [reverse(name) for name in WORK_LISTS]
    supervisors = {"A": "aem.operatore", "B": "ponte.operatore"}

    def add(code: str, edition, stage: str) -> None:
        """A project only referred ("-"), or at work on track A or B with a week to approve (or
        approved: "A+", "B+")."""
        referral = referred(personas, edition, sample_customer(utility, code))
        if stage == "-":
            return
        placement = at_work(personas, referral, track=stage[0])
        timesheet = week(placement, personas, TODAY - timedelta(days=11), 4, 4)
        if stage.endswith("+"):
            services.approve_timesheet(timesheet=timesheet, by=personas[supervisors[stage[0]]].user)

    def publish(body: str) -> None:
        services.publish_contract_text(
            municipality=personas["comune.responsabile"].organization,
            body=body,
            by=personas["comune.responsabile"].user,
        )

    def measure() -> dict:
        return {
            (persona, url): _queries(login(personas[persona]), "get", url, {})
            for persona in WORK_READERS
            for url in urls
        }

    with time_machine.travel(TODAY, tick=False):
        editions = [
            edition_for(personas),
            edition_for(personas, name="2025/26", starts_on=date(2025, 9, 1), ends_on=date(2026, 12, 31)),
            edition_for(personas, name="2026/27b", starts_on=date(2026, 10, 1), ends_on=date(2027, 9, 30)),
        ]
        # each kind of subject of the to-do lists once: a referral, a week of each track
        add("C100000", editions[0], "A")
        add("C100001", editions[0], "B")
        add("C100002", editions[0], "-")
        publish("Secondo testo.")
        few = measure()
        for index, stage in enumerate(("A", "B+", "-", "A+", "B"), start=3):
            add(f"C10000{index}", editions[index % 3], stage)
        publish("Terzo testo.")
        publish("Quarto testo.")
        many = measure()
    not_theirs = {  # the utility reads only its placements; the texts are the municipality's
        *(("aem.lettore", url) for url in urls[:-1] if url != reverse("workprogram:placement-list")),
        ("ponte.lettore", reverse("workprogram:contract-texts")),
    }
    assert {page for page, count in few.items() if count is None} == not_theirs
    assert many == few, "query count grows with the work program's rows"


@pytest.mark.django_db
def test_person_and_household_pages_issue_the_same_queries_with_one_customer_and_with_many(
    personas, organizations
):
    """The person's and the household's "Utenze e debiti": one customer and nothing followed, then
    customers of several members and utilities with protections, plans, interventions and projects."""
    from decimal import Decimal

    import time_machine

    from risorsa.interventions import services as interventions
    from risorsa.ledger.models import Bill, Customer
    from risorsa.protection.tests.helpers import active_protection, sample_customer
    from risorsa.registry.services import add_household_member, create_household
    from risorsa.repayment import services as repayment
    from risorsa.repayment.schedule import Terms
    from risorsa.workprogram.services import refer_person
    from risorsa.workprogram.tests.helpers import TODAY, edition_for

    operator = personas["comune.operatore"]
    utility, municipality = organizations["aem"], organizations["comune"]

    def measure(person, household) -> dict:
        client = login(personas["comune.lettore"])
        return {
            url: _queries(client, "get", url, {})
            for url in (
                reverse("registry:person-detail", args=[person.pk]),
                reverse("registry:household-detail", args=[household.pk]),
            )
        }

    with time_machine.travel(TODAY, tick=False):
        rossi = sample_customer(utility, "C100000")
        household = create_household(membership=operator, person=rossi.person, size=4)
        few = measure(rossi.person, household)

        active_protection(rossi, operator.user)
        plan = repayment.draft_plan(
            customer=rossi,
            terms=Terms(debt=Decimal("383.26"), monthly_income=Decimal("900.00"), start_on=TODAY),
            by=operator.user,
        )
        repayment.propose_plan(plan=plan, by=operator.user)
        Customer.objects.create(  # the same holder at another utility
            utility=organizations["a2a"],
            code="B1",
            person=rossi.person,
            holder_surname="ROSSI",
            holder_name="MARIO",
            municipality=municipality,
        )
        interventions.set_budget(municipality=municipality, year=TODAY.year, amount=Decimal("5000.00"))
        edition = edition_for(personas)
        for code in ("C100001", "C100002", "C100003"):
            customer = sample_customer(utility, code)
            add_household_member(
                membership=operator, household=household, codice_fiscale=customer.person.codice_fiscale
            )
            active_protection(customer, operator.user)
            first, *others = Bill.objects.filter(customer=customer, residual__gt=0).order_by("number")
            interventions.propose_intervention(customer=customer, bills=[first], by=operator.user)
            refer_person(
                edition=edition,
                customer=customer,
                bills=others,
                project_amount=sum((bill.residual for bill in others), Decimal(0)),
                by=operator.user,
            )
        many = measure(rossi.person, household)
        page = login(personas["comune.lettore"]).get(
            reverse("registry:household-detail", args=[household.pk])
        )
    section = page.content.decode().split('data-testid="customers"', 1)[1]
    assert section.count('data-testid="customer-') == 5  # ROSSI's two, the three members'
    assert section.count('href="/work/') == 3  # the members' projects
    assert None not in few.values()
    assert many == few, "query count grows with the customers and what follows them"
