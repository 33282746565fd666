from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risorsa.interventions import services
from risorsa.ledger.models import Bill
from risorsa.protection.tests.helpers import sample_customer
from risorsa.repayment.schedule import Terms
from risorsa.repayment.services import draft_plan, propose_plan

CUSTOMERS = ["C100001", "C100000", "C100002", "C100003", "C100004", "C100005", "C100006", "C100007"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_plan_and_intervention_lists_issue_a_fixed_number_of_queries(
    client_for, utility, municipality, personas
):
    user = personas["comune.operatore"].user
    services.set_budget(municipality=municipality, year=date.today().year, amount=Decimal("5000.00"))  # noqa: DTZ011
    terms = Terms(debt=Decimal("200.00"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1))

    def add(code):
        # a bill is in one instrument at a time: the newest for the intervention, the others in the plan
        customer = sample_customer(utility, code)
        *older, newest = Bill.objects.filter(customer=customer, residual__gt=0).order_by("due_on", "pk")
        services.propose_intervention(customer=customer, bills=[newest], by=user)
        if older:
            propose_plan(plan=draft_plan(customer=customer, terms=terms, by=user, bills=older), by=user)

    pages = [reverse("repayment:list"), reverse("interventions:list")]
    add(CUSTOMERS[0])
    few = {
        persona: [_queries(client_for(persona), url) for url in pages]
        for persona in ("comune.operatore", "aem.operatore")
    }
    for code in CUSTOMERS[1:]:
        add(code)
    many = {
        persona: [_queries(client_for(persona), url) for url in pages]
        for persona in ("comune.operatore", "aem.operatore")
    }
    assert many == few
