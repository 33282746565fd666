"""Work credits under any sequence of weeks, decisions, settlements and other payments.

The rules (DOMAIN.md, Work program and Ledger): approved hours times the edition's net value
become a work credit, never above the project amount nor the instrument's yearly caps (per worker,
per worker and employer); a credit is counted once in the balance (unpaid residuals less credits
in transit), and its settlement pays the project's bills only, so that no repayment plan counts it
as an installment and no spot intervention as the customer's share.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risorsa.ledger.models import Allocation, Bill, BillHold, Credit, CreditKind, CreditStatus
from risorsa.ledger.selectors import allocations_counted_by, balance_for
from risorsa.ledger.tests.helpers import PAYMENTS_HEADER, import_file
from risorsa.protection.tests.helpers import sample_customer
from risorsa.repayment import services as repayment
from risorsa.repayment.schedule import Terms
from risorsa.workprogram import services
from risorsa.workprogram.models import Timesheet, TimesheetStatus, Track
from risorsa.workprogram.tests.helpers import TODAY, edition_for, ready_to_work

BILLS_HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)
FIRST_MONDAY = date(2026, 6, 1)

weeks = st.lists(
    st.tuples(
        st.sampled_from([Track.A, Track.B]),
        st.lists(st.integers(0, 8), min_size=5, max_size=5),  # Monday to Friday
        st.sampled_from(["approve", "approve", "reject"]),
        st.booleans(),  # the utility's file settles the credit
        st.integers(0, 15_000),  # cents the customer pays at the counter meanwhile
    ),
    min_size=1,
    max_size=8,
)


def _money(cents) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _more_bills(utility, customer, folder):
    """Three more overdue bills for the sample customer, on the same supply point."""
    supply = customer.supply_points.first()
    rows = [BILLS_HEADER]
    for number, (amount, due) in enumerate(
        [("240,00", "15/01/2026"), ("180,50", "15/03/2026"), ("95,10", "15/05/2026")]
    ):
        rows.append(
            f"{customer.code};{customer.person.codice_fiscale};{customer.holder_surname};"
            f"{customer.holder_name};{supply.service};{supply.code};{supply.address};"
            f"W/2026/{number};01/01/2026;{due};{amount};{amount}"
        )
    path = folder / "fatture-lavoro.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_file(utility, "fatture", path, as_of=date(2026, 5, 31))


def _pay(utility, folder, rows, as_of):
    path = folder / f"pagamenti-{rows[0][0]}.csv"
    lines = [PAYMENTS_HEADER]
    for external_id, code, paid_on, amount, reference in rows:
        channel = "PROGRAMMA" if reference else "SPORTELLO"
        lines.append(f"{external_id};{code};;{paid_on:%d/%m/%Y};{amount};{channel};{reference}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(utility, "pagamenti", path, as_of=as_of)


def _check(referral, plan, customer, edition):
    """Every rule, from the rows."""
    approved = Timesheet.objects.filter(placement__referral=referral, status=TimesheetStatus.APPROVED)
    credited = approved.aggregate(total=Sum("credited"))["total"] or Decimal(0)
    assert credited <= referral.project_amount
    for cap, sheets in (
        (edition.yearly_cap_per_worker, approved),
        (edition.yearly_cap_per_employer, approved.filter(placement__track=Track.A)),
        (edition.yearly_cap_per_employer, approved.filter(placement__track=Track.B)),
    ):
        if cap is not None:
            assert (sheets.aggregate(total=Sum("credited"))["total"] or 0) <= cap
    for sheet in approved.select_related("credit"):
        value = (sheet.hours * edition.net_hourly_value).quantize(Decimal("0.01"))
        assert sheet.credited <= value
        assert sheet.credited == value or sheet.cap_note  # a cut always says why
        assert (sheet.credit.amount if sheet.credit else Decimal(0)) == sheet.credited
    work_credits = Credit.objects.filter(customer=customer, kind=CreditKind.WORK)
    assert work_credits.count() == approved.filter(credited__gt=0).count()
    # The balance counts each credit once: in transit until applied, then in the residuals.
    unpaid = Bill.objects.filter(customer=customer, residual__gt=0, closed_on__isnull=True).aggregate(
        total=Sum("residual")
    )["total"] or Decimal(0)
    in_transit = work_credits.filter(status=CreditStatus.IN_TRANSIT).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal(0)
    assert balance_for(customer=customer) == (unpaid - in_transit).quantize(Decimal("0.01"))
    # A settlement pays the project's bills only, so the plan never counts it as an installment.
    project_bills = set(BillHold.objects.of(referral).values_list("bill_id", flat=True))
    settled = Allocation.objects.filter(payment__credit__in=work_credits)
    assert set(settled.exclude(bill__isnull=True).values_list("bill_id", flat=True)) <= project_bills
    counted_by_plan = allocations_counted_by(holder=plan)
    assert not counted_by_plan.filter(payment__credit__isnull=False).exists()
    assert not counted_by_plan.filter(bill_id__in=project_bills).exists()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=weeks,
    share=st.integers(20, 100),
    cap_worker=st.sampled_from([None, Decimal("60.00"), Decimal("200.00"), Decimal("5000.00")]),
    cap_employer=st.sampled_from([None, Decimal("45.00"), Decimal("150.00")]),
)
@pytest.mark.django_db
def test_work_credits_keep_every_rule_whatever_happens(
    personas, tmp_path, order, share, cap_worker, cap_employer
):
    utility = personas["aem.operatore"].organization
    with time_machine.travel(TODAY, tick=False), transaction.atomic():
        customer = sample_customer(utility)
        _more_bills(utility, customer, tmp_path)
        bills = list(Bill.objects.filter(customer=customer, residual__gt=0).order_by("due_on"))
        project_bills, plan_bills = bills[:-1], bills[-1:]
        covered = sum((bill.residual for bill in project_bills), Decimal(0))
        edition = edition_for(personas, cap_worker=cap_worker, cap_employer=cap_employer)
        referral = services.refer_person(
            edition=edition,
            customer=customer,
            bills=project_bills,
            project_amount=(covered * share / 100).quantize(Decimal("0.01")),
            by=personas["comune.operatore"].user,
            on=date(2026, 5, 25),
        )
        plan = repayment.draft_plan(
            customer=customer,
            terms=Terms(debt=plan_bills[0].residual, monthly_income=Decimal(1500), start_on=date(2026, 7, 1)),
            bills=plan_bills,
            by=personas["comune.operatore"].user,
            on=date(2026, 5, 25),
        )
        ready_to_work(personas, referral, on=date(2026, 5, 26))
        placements = {
            track: services.place_person(
                referral=referral,
                by=personas["ponte.operatore"].user,
                track=track,
                site="Sede",
                starts_on=FIRST_MONDAY,
            )
            for track in (Track.A, Track.B)
        }
        approver = {Track.A: personas["aem.operatore"].user, Track.B: personas["ponte.operatore"].user}
        for number, (track, hours, decision, settle, paid) in enumerate(order):
            monday = FIRST_MONDAY + timedelta(weeks=number)
            if not any(hours):
                continue
            sheet = services.submit_timesheet(
                placement=placements[track],
                by=personas["ponte.operatore"].user,
                week_of=monday,
                hours={monday + timedelta(days=i): Decimal(h) for i, h in enumerate(hours) if h},
                activity="Pulizia aree",
            )
            friday = monday + timedelta(days=4)
            if decision == "approve":
                sheet = services.approve_timesheet(timesheet=sheet, by=approver[track], on=friday)
            else:
                services.reject_timesheet(timesheet=sheet, by=approver[track], why="Ore da ricontrollare")
                sheet.refresh_from_db()
            rows = []
            if paid:
                rows.append((f"C{number}", customer.code, friday, _money(paid), ""))
            if settle and sheet.credit_id:
                rows.append(
                    (
                        f"S{number}",
                        customer.code,
                        friday,
                        _money(int(sheet.credit.amount * 100)),
                        sheet.credit.reference,
                    )
                )
            if rows:
                _pay(utility, tmp_path, rows, as_of=friday + timedelta(days=1))
            _check(referral, plan, customer, edition)
        transaction.set_rollback(True)
