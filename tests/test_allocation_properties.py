"""Properties of the payment allocation over random mixes of bills, payments with and without a
bill number, credit settlements, repayment plans and spot interventions:

- the allocations of a payment add up to its amount (what no bill takes is a row with no bill);
- every allocated cent is counted by at most one instrument;
- a customer's balance is Σ residuals - Σ credits in transit, after every file;
- importing the same files again changes nothing.
"""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risorsa.core.money import quantize
from risorsa.interventions import services as interventions
from risorsa.interventions.models import SpotIntervention
from risorsa.ledger import selectors
from risorsa.ledger.models import Allocation, Bill, Credit, CreditStatus, Customer, Payment
from risorsa.ledger.selectors import allocations_counted_by, open_bills_free_for
from risorsa.ledger.tests.helpers import import_payments, import_sample
from risorsa.repayment import services as repayment
from risorsa.repayment.models import RepaymentPlan
from risorsa.repayment.schedule import Terms

START = date(2010, 3, 1)
FILES_ARRIVE = date(2010, 7, 1)

instruments = st.lists(
    st.tuples(st.integers(0, 7), st.sampled_from(["plan", "spot", "spot+credit"]), st.integers(1, 3)),
    max_size=6,
)
payments = st.lists(
    st.tuples(
        st.integers(0, 7),  # customer
        st.one_of(st.none(), st.integers(0, 8)),  # the bill it names, if any
        st.integers(1, 60000),  # cents
        st.integers(-40, 110),  # days after START (before the snapshot's 28/02 too)
    ),
    min_size=1,
    max_size=12,
)


def _setup_instruments(picks, users, municipality):
    customers = list(Customer.objects.order_by("code"))
    with time_machine.travel(START, tick=False):
        interventions.set_budget(municipality=municipality, year=START.year, amount=Decimal("100000.00"))
        for index, kind, count in picks:
            customer = customers[index]
            free = list(open_bills_free_for(customer=customer))[:count]
            if not free:
                continue
            if kind == "plan":
                if RepaymentPlan.objects.filter(customer=customer).exists():
                    continue
                debt = sum((bill.residual for bill in free), Decimal(0))
                terms = Terms(
                    debt=debt, monthly_income=Decimal("5000.00"), start_on=START + timedelta(days=10)
                )
                plan = repayment.draft_plan(
                    customer=customer, terms=terms, by=users["comune.operatore"], bills=free
                )
                repayment.propose_plan(plan=plan, by=users["comune.operatore"])
                repayment.approve_plan(plan=plan, by=users["aem.responsabile"])
                repayment.activate_plan(plan=plan, by=users["comune.operatore"], signed_on=START)
            else:
                spot = interventions.propose_intervention(
                    customer=customer, bills=free, by=users["comune.operatore"]
                )
                if kind == "spot+credit":
                    interventions.confirm_customer_share(intervention=spot, by=users["aem.operatore"])
                    interventions.authorize_contribution(intervention=spot, by=users["comune.responsabile"])
                    interventions.send_credit(intervention=spot, by=users["comune.operatore"])


def _rows(picks, settle_credits):
    customers = list(Customer.objects.order_by("code"))
    rows = []
    for number, (index, bill_index, cents, offset) in enumerate(picks):
        customer = customers[index]
        bills = list(Bill.objects.filter(customer=customer).order_by("number"))
        named = bills[bill_index % len(bills)].number if bill_index is not None else ""
        amount = f"{cents // 100},{cents % 100:02d}"
        rows.append((f"P{number:03d}", customer.code, named, START + timedelta(days=offset), amount))
    for number, credit in enumerate(Credit.objects.order_by("pk")):
        if settle_credits:
            amount = f"{credit.amount}".replace(".", ",")
            rows.append(
                (
                    f"C{number:03d}",
                    credit.customer.code,
                    "",
                    START + timedelta(days=50),
                    amount,
                    credit.reference,
                )
            )
    return rows


def _check_invariants(membership):
    # every payment adds up
    for payment in Payment.objects.annotate(allocated=Sum("allocations__amount")):
        assert quantize(payment.allocated) == payment.amount, payment.external_id
    # every allocated cent counted by at most one instrument
    holders = [*RepaymentPlan.objects.all(), *SpotIntervention.objects.all()]
    counted = Counter(
        pk
        for holder in holders
        for pk in allocations_counted_by(holder=holder, by_customer_only=False).values_list("pk", flat=True)
    )
    assert not [pk for pk, times in counted.items() if times > 1]
    # the balance is Σ residuals - Σ credits in transit
    for customer in Customer.objects.all():
        residuals = quantize(
            Bill.objects.filter(customer=customer, closed_on__isnull=True).aggregate(total=Sum("residual"))[
                "total"
            ]
        )
        in_transit = quantize(
            Credit.objects.filter(customer=customer, status=CreditStatus.IN_TRANSIT).aggregate(
                total=Sum("amount")
            )["total"]
        )
        assert selectors.balance_for(customer=customer) == residuals - in_transit
        account = selectors.get_customer_account_for(membership=membership, pk=customer.pk)
        assert account.balance == residuals - in_transit


def _snapshot():
    return (
        sorted(Allocation.objects.values_list("payment_id", "bill_id", "amount"), key=str),
        sorted(Bill.objects.values_list("pk", "residual")),
        sorted(Credit.objects.values_list("pk", "status")),
        sorted(RepaymentPlan.objects.values_list("pk", "status")),
        sorted(SpotIntervention.objects.values_list("pk", "status")),
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=instruments, paid=payments, split=st.integers(0, 12), settle=st.booleans())
@pytest.mark.django_db
def test_every_euro_is_allocated_once_and_counted_by_at_most_one_instrument(
    personas, municipality, chosen, paid, split, settle
):
    users = {name: membership.user for name, membership in personas.items()}
    membership = personas["aem.operatore"]
    utility = membership.organization
    with transaction.atomic():
        import_sample(utility, "fatture", "fatture_ok.csv")
        _setup_instruments(chosen, users, municipality)
        rows = _rows(paid, settle)
        files = [part for part in (rows[:split], rows[split:]) if part]
        with time_machine.travel(FILES_ARRIVE, tick=False):
            for part in files:
                run = import_payments(utility, part)
                assert run.status == "completato", list(run.issues.values_list("reason", flat=True))
                _check_invariants(membership)
            before = _snapshot()
            for part in files:  # the same files again
                assert import_payments(utility, part).created == 0
            assert _snapshot() == before
            _check_invariants(membership)
        transaction.set_rollback(True)
