"""Every list, search, dashboard and export issues a number of queries that does not grow with
the data: the same with pages of two rows on the demo as with pages of 25 rows once the demo has
grown by 1,500 customers and their 15,000 bills and payments.

A page whose query count follows its rows (a query per row, a lazy relation in a template) fails
here, whichever organization reads it.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

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
