"""Balance = Σ unpaid residuals - Σ credits in transit, whatever the order; a credit counts once."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risorsa.ledger import selectors, services
from risorsa.ledger.models import Bill, Credit, CreditStatus
from risorsa.ledger.tests.helpers import import_file, import_sample

operations = st.lists(st.sampled_from(["payments", "bills", "payments"]), min_size=1, max_size=5)


def _balances(membership):
    return {
        customer.code: selectors.get_customer_account_for(membership=membership, pk=customer.pk).balance
        for customer in membership.organization.customers.all()
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 100)), min_size=1, max_size=6, unique_by=lambda t: t[0]
    ),
    settle=st.lists(st.booleans(), min_size=6, max_size=6),
    order=operations,
)
@pytest.mark.django_db
def test_balance_equals_residuals_minus_credits_in_transit_in_any_order(
    personas, tmp_path, picks, settle, order
):
    membership = personas["aem.operatore"]
    utility = membership.organization
    with transaction.atomic():
        import_sample(utility, "fatture", "fatture_ok.csv")
        before = _balances(membership)
        open_bills = list(Bill.objects.filter(residual__gt=0).order_by("number"))
        credits, used = [], set()
        for index, percent in picks:
            bill = open_bills[index % len(open_bills)]
            if bill.pk in used:  # a credit never exceeds what its bill still owes
                continue
            used.add(bill.pk)
            amount = (bill.residual * percent / 100).quantize(Decimal("0.01")) or Decimal("0.01")
            credits.append(
                services.create_credit(
                    customer=bill.customer,
                    kind="COMUNE",
                    amount=amount,
                    reason="quota",
                    created_on=date(2010, 3, 1),
                    bill=bill,
                )
            )
        lines = ["id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento"]
        for number, (credit, settled) in enumerate(zip(credits, settle, strict=False), start=1):
            if settled:
                lines.append(
                    f"PR{number:04d};{credit.customer.code};{credit.bill.number};15/03/2010;"
                    f"{str(credit.amount).replace('.', ',')};PROGRAMMA;{credit.reference}"
                )
        payments = tmp_path / f"pagamenti-{len(credits)}-{sum(settle)}.csv"
        payments.write_text("\n".join(lines) + "\n")
        for step in order:
            if step == "payments":
                import_file(utility, "pagamenti", payments)
            else:
                import_sample(utility, "fatture", "fatture_ok.csv")
        # then each customer's balance is its residuals minus its credits in transit …
        for code, balance in _balances(membership).items():
            residuals = sum(
                b.residual for b in Bill.objects.filter(customer__code=code, closed_on__isnull=True)
            )
            in_transit = sum(
                c.amount for c in Credit.objects.filter(customer__code=code, status=CreditStatus.IN_TRANSIT)
            )
            assert balance == residuals - in_transit
            # … and every credit lowered it exactly once, settled or not, however often files came
            credited = sum(c.amount for c in credits if c.customer.code == code)
            assert balance == before[code] - credited
        transaction.set_rollback(True)
