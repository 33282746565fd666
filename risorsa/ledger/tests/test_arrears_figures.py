"""The arrears figures the ledger keeps (`Arrears`) always equal what the bills and credits give.

The rule, from the domain guide: a customer's balance is the residuals of its open bills less its
credits in transit; ageing counts each open bill's days past due up to the day it is read (0-30,
31-90, 91-180, over 180), whatever day the utility extracted the bill. The figures are computed
here from the rows themselves, in Python, after every step of a random sequence of bill snapshots
(incremental and complete), payments (naming a bill or not) and credits: whatever the order, they
must match, and so must the ageing that the list and the customer page read (`aged_amounts`).
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risorsa.ledger import services
from risorsa.ledger.models import Arrears, Bill, Credit, CreditStatus, Customer
from risorsa.ledger.selectors import aged_amounts
from risorsa.ledger.tests.helpers import HOLDERS, bills_file, euro_text, import_file, import_payments

cents = st.integers(min_value=1, max_value=90_000)
bill_rows = st.lists(
    st.tuples(
        st.integers(0, len(HOLDERS) - 1),  # which supply point
        st.integers(0, 5),  # which of its bills (the same number again is an update)
        cents,
        st.sampled_from([0, 25, 100]),  # percent still unpaid
        # days past due on the extraction date: the buckets' edges, and around them
        st.sampled_from([-10, 0, 1, 30, 31, 60, 90, 91, 180, 181, 400]),
    ),
    min_size=1,
    max_size=12,
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("bills"), bill_rows, st.booleans()),
        st.tuples(
            st.just("payments"),
            st.lists(st.tuples(st.integers(0, 40), st.booleans(), cents), min_size=1, max_size=6),
        ),
        st.tuples(st.just("credit"), st.integers(0, 40), st.integers(1, 100)),
    ),
    min_size=1,
    max_size=6,
)


def _expected(utility, on: date) -> dict:
    """The figures by (customer, service) computed from the bills and credits, by the rule; the
    ageing on day `on`."""
    owed: dict = defaultdict(list)
    for bill in Bill.objects.filter(utility=utility).select_related("supply_point"):
        if bill.closed_on is None and bill.residual > 0:
            owed[bill.customer_id, bill.supply_point.service].append(bill)
            owed[bill.customer_id, Arrears.ALL].append(bill)
    transit: dict = defaultdict(Decimal)
    for credit in Credit.objects.filter(customer__utility=utility, status=CreditStatus.IN_TRANSIT):
        transit[credit.customer_id] += credit.amount
        owed.setdefault((credit.customer_id, Arrears.ALL), [])
    figures = {}
    for (customer, service), bills in owed.items():
        aged = dict.fromkeys(("0-30", "31-90", "91-180", "180+"), Decimal("0.00"))
        for bill in bills:
            late = (on - bill.due_on).days
            bucket = "0-30" if late <= 30 else "31-90" if late <= 90 else "91-180" if late <= 180 else "180+"
            aged[bucket] += bill.residual
        unpaid = sum((bill.residual for bill in bills), Decimal("0.00"))
        figures[customer, service] = (
            unpaid,
            transit[customer],
            unpaid - transit[customer],
            min((bill.due_on for bill in bills), default=None),
            *aged.values(),
        )
    return figures


AGED = ("aged_0_30", "aged_31_90", "aged_91_180", "aged_180")


def _kept(utility, on: date) -> dict:
    """The figures kept, and the ageing on day `on` as every page reads it."""
    aged = {}
    for service in (Arrears.ALL, "ENERGIA", "GAS", "ACQUA"):
        customers = Customer.objects.filter(utility=utility).annotate(**aged_amounts(on=on, service=service))
        for customer in customers:
            aged[customer.pk, service] = tuple(getattr(customer, name) for name in AGED)
    return {
        (row.customer_id, row.service): (
            row.unpaid,
            row.in_transit,
            row.balance,
            row.oldest_due,
            *aged[row.customer_id, row.service],
        )
        for row in Arrears.objects.filter(customer__utility=utility)
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=steps, late_reading=st.sampled_from([0, 1, 29, 30, 31, 90, 91, 200]))
@pytest.mark.django_db
def test_the_kept_figures_equal_the_bills_and_credits_after_any_sequence_of_writes(
    personas, tmp_path, order, late_reading
):
    utility = personas["aem.operatore"].organization
    with transaction.atomic():
        as_of = date(2010, 2, 28)
        for number, step in enumerate(order):
            as_of += timedelta(days=10)
            if step[0] == "bills":
                _kind, rows, complete = step
                path = bills_file(tmp_path, rows, number, as_of)
                import_file(
                    utility, "fatture", path, as_of=as_of, mode="completo" if complete else "incrementale"
                )
            elif step[0] == "payments":
                bills = list(Bill.objects.filter(utility=utility).select_related("customer").order_by("pk"))
                if not bills:
                    continue
                payments = []
                for index, (pick, names_bill, amount) in enumerate(step[1]):
                    bill = bills[pick % len(bills)]
                    payments.append(
                        (
                            f"PF{number}-{index}",
                            bill.customer.code,
                            bill.number if names_bill else "",
                            as_of + timedelta(days=1),
                            euro_text(amount),
                        )
                    )
                import_payments(utility, payments, folder=tmp_path)
            else:
                _kind, pick, percent = step
                open_bills = list(Bill.objects.filter(utility=utility, residual__gt=0, closed_on=None))
                if not open_bills:
                    continue
                bill = open_bills[pick % len(open_bills)]
                pending = sum(
                    c.amount for c in Credit.objects.filter(bill=bill, status=CreditStatus.IN_TRANSIT)
                )
                room = bill.residual - pending
                amount = (room * percent / 100).quantize(Decimal("0.01"))
                if amount <= 0:
                    continue
                services.create_credit(
                    customer=bill.customer,
                    kind="COMUNE",
                    amount=amount,
                    reason="quota",
                    created_on=as_of,
                    bill=bill,
                )
            # ageing is read later than the extraction, on a day of its own
            on = as_of + timedelta(days=late_reading)
            assert _kept(utility, on) == _expected(utility, on), f"after step {number}: {step[0]}"
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_customer_who_pays_everything_leaves_the_figures(personas, tmp_path):
    """Paying everything removes the customer's rows (the list shows only who owes something)."""
    utility = personas["aem.operatore"].organization
    path = bills_file(tmp_path, [(0, 0, 10_000, 100, 0)], 1, date(2010, 2, 28))
    import_file(utility, "fatture", path)
    bill = Bill.objects.get(utility=utility, number=f"P/{HOLDERS[0][5]}/0")
    assert Arrears.objects.filter(customer=bill.customer, service=Arrears.ALL).get().balance == Decimal(
        "100.00"
    )
    import_payments(utility, [("PX1", bill.customer.code, bill.number, date(2010, 3, 1), "100,00")], tmp_path)
    assert not Arrears.objects.filter(customer=bill.customer).exists()


@pytest.mark.django_db
def test_the_remembered_totals_and_counts_follow_every_write(client_for, personas, tmp_path):
    """The dashboard's total and the list's count are remembered per version of the figures: a
    credit or an import that changes the figures shows at once."""
    utility = personas["aem.operatore"].organization
    import_file(
        utility,
        "fatture",
        bills_file(tmp_path, [(0, 0, 10_000, 100, 0), (1, 0, 5_000, 100, 0)], 1, date(2010, 2, 28)),
    )
    client = client_for("comune.operatore")

    def shown():
        home = client.get(reverse("home:dashboard")).context
        listed = client.get(reverse("ledger:arrears")).context["page"].paginator.count
        return home["unpaid_total"], home["customers_with_unpaid"], listed

    assert shown() == (Decimal("150.00"), 2, 2)
    bill = Bill.objects.get(number=f"P/{HOLDERS[0][5]}/0")
    services.create_credit(
        customer=bill.customer,
        kind="COMUNE",
        amount=Decimal("100.00"),
        reason="quota",
        created_on=date(2010, 3, 1),
        bill=bill,
    )
    assert shown() == (Decimal("150.00"), 2, 1)  # still unpaid, but nothing left to pay once credited
    other = Bill.objects.get(number=f"P/{HOLDERS[1][5]}/0")
    import_payments(
        utility, [("PY1", other.customer.code, other.number, date(2010, 3, 2), "50,00")], tmp_path
    )
    assert shown() == (Decimal("100.00"), 1, 0)
