"""Every euro counted once: each payment is allocated once, and an instrument (a repayment plan, a
spot intervention) counts only the allocations to the bills it holds.

The cases are the review's held-out ones (issue 8, points 1-5 and 8): each failed before the
payment allocation, the daily follow-up and the withdraw and cancel actions.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from risorsa.coordination.models import Deadline
from risorsa.core.exceptions import DomainError
from risorsa.interventions import services as interventions
from risorsa.interventions import steps as intervention_steps
from risorsa.interventions.models import InterventionStatus
from risorsa.ledger.models import Allocation, Bill, BillHold, Credit, CreditStatus, Payment
from risorsa.ledger.selectors import allocations_counted_by, held_bills
from risorsa.ledger.tests.helpers import import_payments, import_sample
from risorsa.organizations.models import OrganizationKind
from risorsa.organizations.tests.factories import OrganizationFactory
from risorsa.protection.tests.helpers import sample_customer
from risorsa.repayment import services as repayment
from risorsa.repayment.models import InstallmentStatus, PlanStatus
from risorsa.repayment.schedule import Terms

# C100001 owes six bills; the three oldest (by due date) go in a plan, the newest in a spot intervention.
SIGNED = date(2010, 3, 25)


@pytest.fixture
def users(personas):
    return {name: membership.user for name, membership in personas.items()}


def bills_of(customer):
    return list(Bill.objects.filter(customer=customer, residual__gt=0).order_by("due_on", "pk"))


def plan_on(customer, bills, users, signed_on=SIGNED, income="3000.00"):
    """A plan on these bills, drafted, approved and signed on `signed_on`."""
    debt = sum((bill.residual for bill in bills), Decimal(0))
    terms = Terms(debt=debt, monthly_income=Decimal(income), start_on=signed_on + timedelta(days=7))
    with time_machine.travel(signed_on, tick=False):
        plan = repayment.draft_plan(customer=customer, terms=terms, by=users["comune.operatore"], bills=bills)
        repayment.propose_plan(plan=plan, by=users["comune.operatore"])
        repayment.approve_plan(plan=plan, by=users["aem.responsabile"])
        return repayment.activate_plan(plan=plan, by=users["comune.operatore"], signed_on=signed_on)


def spot_on(customer, bills, users, on=SIGNED):
    with time_machine.travel(on, tick=False):
        return interventions.propose_intervention(
            customer=customer, bills=bills, by=users["comune.operatore"]
        )


def file_arrives(utility, day, *rows):
    """The utility's payments file, imported on `day` (its reactions run on that day)."""
    with time_machine.travel(day, tick=False):
        run = import_payments(utility, list(rows))
    assert run.status == "completato", run.failure or list(run.issues.values_list("reason", flat=True))
    return run


@pytest.mark.django_db
def test_a_payment_without_a_bill_number_pays_the_plan_or_the_spot_share_never_both(utility, users):
    # given a plan on the oldest bills and a spot intervention on the newest one
    customer = sample_customer(utility, "C100001")
    *older, newest = bills_of(customer)
    plan = plan_on(customer, older, users)
    spot = spot_on(customer, [newest], users)
    first = plan.installments.get(number=1)
    # when the customer pays, without a bill number, exactly what both would need
    amount = max(first.amount, spot.customer_share)
    file_arrives(
        utility,
        date(2010, 3, 30),
        ("P1", customer.code, "", date(2010, 3, 30), f"{amount}".replace(".", ",")),
    )
    # then the utility's rule puts it on the oldest open bills: the plan's, and only the plan counts it
    plan.refresh_from_db()
    spot.refresh_from_db()
    assert plan.installments.get(number=1).status == InstallmentStatus.PAID
    assert spot.status == InterventionStatus.PROPOSED
    assert interventions.customer_share_paid(intervention=spot) == Decimal("0.00")


@pytest.mark.django_db
def test_the_settlement_of_a_municipal_credit_pays_its_own_bills_not_a_plan_installment(
    utility, municipality, users
):
    # given a plan on the newest bill (one installment of 45,87 €) and a spot intervention on the
    # older ones, whose contribution (629,66 €) is on its way
    customer = sample_customer(utility, "C100001")
    *older, newest = bills_of(customer)
    plan = plan_on(customer, [newest], users, income="400.00")
    assert plan.installments.get().amount == Decimal("45.87")
    interventions.set_budget(municipality=municipality, year=2010, amount=Decimal("1000.00"))
    spot = spot_on(customer, older, users)
    with time_machine.travel(date(2010, 3, 26), tick=False):
        interventions.confirm_customer_share(intervention=spot, by=users["aem.operatore"])
        interventions.authorize_contribution(intervention=spot, by=users["comune.responsabile"])
        interventions.send_credit(intervention=spot, by=users["comune.operatore"])
    spot.refresh_from_db()
    credit = spot.credit
    assert credit.amount > Decimal("45.87")
    # when the utility applies the credit, with no bill number
    file_arrives(
        utility,
        date(2010, 3, 30),
        ("PC1", customer.code, "", date(2010, 3, 30), f"{credit.amount}".replace(".", ","), credit.reference),
    )
    # then it pays the intervention's bills, and not the plan's installment
    payment = Payment.objects.get(external_id="PC1")
    assert set(payment.allocations.values_list("bill", flat=True)) <= {bill.pk for bill in older}
    assert plan.installments.get().status != InstallmentStatus.PAID
    spot.refresh_from_db()
    assert spot.status == InterventionStatus.APPLIED
    assert not held_bills(holder=spot).exists()  # an applied intervention lets its bills go


@pytest.mark.django_db
def test_a_plan_nobody_pays_lapses_on_its_day_when_only_the_daily_follow_up_runs(utility, users):
    customer = sample_customer(utility)
    plan = plan_on(customer, bills_of(customer), users, income="900.00")  # 3 installments
    due = list(plan.installments.order_by("number").values_list("due_on", flat=True))
    lapse_day = repayment.missed_from(plan.installments.get(number=2), plan.grace_days)
    assert lapse_day > due[1]  # the grace days come first
    day = SIGNED
    while day <= lapse_day + timedelta(days=3):
        with time_machine.travel(day, tick=False):
            call_command("giornaliero", stdout=open_devnull())
        plan.refresh_from_db()
        expected = PlanStatus.LAPSED if day >= lapse_day else PlanStatus.ACTIVE
        assert plan.status == expected, day
        day += timedelta(days=1)
    assert plan.ended_on == lapse_day
    assert not held_bills(holder=plan).exists()


def open_devnull():
    import io

    return io.StringIO()


def state(plan):
    plan.refresh_from_db()
    return (
        plan.status,
        plan.ended_on,
        list(plan.installments.order_by("number").values_list("status", "paid_on")),
        list(plan.transitions.order_by("pk").values_list("from_status", "to_status", "why")),
        list(BillHold.objects.of(plan).order_by("bill_id").values_list("bill_id", "held_on", "released_on")),
    )


@pytest.mark.django_db
def test_running_the_follow_up_twice_a_day_or_after_a_gap_leaves_what_running_it_daily_leaves(utility, users):
    customer = sample_customer(utility)
    plan = plan_on(customer, bills_of(customer), users, income="900.00")  # 3 installments
    file_arrives(utility, date(2010, 3, 31), ("P1", customer.code, "", date(2010, 3, 31), "50,00"))
    end = date(2010, 6, 20)
    days = [SIGNED + timedelta(days=n) for n in range((end - SIGNED).days + 1)]

    def run(schedule):
        for day in schedule:
            with time_machine.travel(day, tick=False):
                call_command("giornaliero", stdout=open_devnull())
        return state(plan)

    with transaction.atomic():
        every_day = run(days)
        transaction.set_rollback(True)
    with transaction.atomic():
        twice = run([day for day in days for _ in (1, 2)])
        transaction.set_rollback(True)
    with transaction.atomic():
        gaps = run([day for index, day in enumerate(days) if index % 4 == 0] + [end])  # three days missed
        transaction.set_rollback(True)
    assert every_day[0] == PlanStatus.LAPSED
    assert twice == every_day
    assert gaps == every_day


@pytest.mark.django_db
def test_a_utility_cannot_settle_another_utilitys_credit(utility, users, tmp_path):
    # given a credit in transit for AEM's customer C100000
    customer = sample_customer(utility)
    bill = bills_of(customer)[0]
    from risorsa.ledger.services import create_credit

    credit = create_credit(
        customer=customer,
        kind="COMUNE",
        amount=Decimal("10.00"),
        reason="quota",
        created_on=SIGNED,
        bill=bill,
    )
    # and a second utility, whose customer has the same code
    other = OrganizationFactory(
        kind=OrganizationKind.UTILITY, code="gas2", default_municipality=utility.default_municipality
    )
    import_sample(other, "fatture", "fatture_ok.csv")
    # when the other utility's payments file carries AEM's riferimento
    with time_machine.travel(date(2010, 3, 30), tick=False):
        run = import_payments(other, [("X1", "C100000", "", date(2010, 3, 30), "10,00", credit.reference)])
    # then the row is refused and AEM's credit stays in transit
    assert run.status == "rifiutato"
    assert [(issue.column, issue.value) for issue in run.issues.all()] == [("riferimento", credit.reference)]
    credit.refresh_from_db()
    assert credit.status == CreditStatus.IN_TRANSIT
    assert not Payment.objects.filter(credit=credit).exists()


@pytest.mark.django_db
def test_the_municipality_withdraws_a_spot_intervention_closing_its_deadlines_and_freeing_bills_and_budget(
    utility, municipality, users
):
    customer = sample_customer(utility)
    interventions.set_budget(municipality=municipality, year=2010, amount=Decimal("1000.00"))
    spot = spot_on(customer, bills_of(customer), users)
    with time_machine.travel(date(2010, 3, 26), tick=False):
        interventions.confirm_customer_share(intervention=spot, by=users["aem.operatore"])
        interventions.authorize_contribution(intervention=spot, by=users["comune.responsabile"])
        assert interventions.budget_use(municipality=municipality, year=2010)[0] == spot.municipal_share
        with pytest.raises(DomainError, match="Scrivi perché"):
            interventions.withdraw_intervention(intervention=spot, by=users["comune.operatore"], why=" ")
        interventions.withdraw_intervention(
            intervention=spot, by=users["comune.operatore"], why="Il nucleo ha avuto il bonus sociale."
        )
    spot.refresh_from_db()
    assert (spot.status, spot.closed_on) == (InterventionStatus.WITHDRAWN, date(2010, 3, 26))
    assert not Deadline.objects.filter(met_on__isnull=True).exists()
    assert interventions.budget_use(municipality=municipality, year=2010) == (
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert not held_bills(holder=spot).exists()
    # the bill is free again: a plan may take it
    plan_on(customer, bills_of(customer), users, signed_on=date(2010, 3, 29))


@pytest.mark.django_db
def test_the_utility_cancels_a_spot_intervention_only_after_the_share_was_due(utility, users):
    customer = sample_customer(utility)
    spot = spot_on(customer, bills_of(customer), users, on=date(2010, 3, 1))  # Monday
    share = Deadline.objects.get(step=intervention_steps.SPOT_SHARE)
    assert share.due_on == date(2010, 3, 15)  # 10 working days after Monday 1 March
    with (
        time_machine.travel(share.due_on, tick=False),
        pytest.raises(DomainError, match="fino al 15/03/2010"),
    ):
        interventions.cancel_intervention(intervention=spot, by=users["aem.operatore"], why="mai pagata")
    with time_machine.travel(share.due_on + timedelta(days=1), tick=False):
        interventions.cancel_intervention(intervention=spot, by=users["aem.operatore"], why="mai pagata")
    spot.refresh_from_db()
    share.refresh_from_db()
    assert spot.status == InterventionStatus.CANCELLED
    assert share.met_on == date(2010, 3, 16)
    assert not held_bills(holder=spot).exists()


@pytest.mark.django_db
def test_a_bill_is_in_one_instrument_at_a_time_and_the_refusal_names_bill_and_instrument(utility, users):
    customer = sample_customer(utility, "C100001")
    bills = bills_of(customer)
    plan = plan_on(customer, bills[:2], users)
    with pytest.raises(DomainError) as refused:
        spot_on(customer, bills[1:3], users)
    assert bills[1].number in refused.value.message
    assert f"Piano di rientro del cliente {customer.code}" in refused.value.message
    assert held_bills(holder=plan).count() == 2
    # the database holds the rule too, whatever a service forgets
    with pytest.raises(IntegrityError), transaction.atomic():
        BillHold.objects.create(
            bill=bills[0], holder_type=BillHold.objects.first().holder_type, holder_id=999, held_on=SIGNED
        )


@pytest.mark.django_db
def test_each_payment_adds_up_and_a_payment_no_bill_can_take_stays_on_the_customer(utility, client_for):
    customer = sample_customer(utility)  # one open bill: 383,26 €
    file_arrives(utility, date(2010, 3, 30), ("P1", customer.code, "", date(2010, 3, 30), "400,00"))
    payment = Payment.objects.get(external_id="P1")
    rows = list(payment.allocations.order_by("pk").values_list("bill__number", "amount"))
    assert rows == [("2010/000002", Decimal("383.26")), (None, Decimal("16.74"))]
    assert Bill.objects.get(number="2010/000002").residual == 0
    page = (
        client_for("aem.operatore")
        .get(reverse("ledger:customer-detail", args=[customer.pk]))
        .content.decode()
    )
    assert "2010/000002 (383,26\xa0€)<br>non imputato (16,74\xa0€)" in page
    # a payment dated before the bills' snapshot is already in it: it stays on the customer
    file_arrives(utility, date(2010, 3, 31), ("P0", customer.code, "", date(2010, 2, 1), "20,00"))
    assert list(Payment.objects.get(external_id="P0").allocations.values_list("bill", "amount")) == [
        (None, Decimal("20.00"))
    ]


@pytest.mark.django_db
def test_allocations_counted_by_an_instrument_are_those_made_while_it_held_the_bill(utility, users):
    customer = sample_customer(utility, "C100001")
    bills = bills_of(customer)
    plan = plan_on(customer, bills[:1], users)
    number = bills[0].number
    file_arrives(
        utility, date(2010, 3, 20), ("P1", customer.code, number, date(2010, 3, 20), "10,00")
    )  # before
    file_arrives(
        utility, date(2010, 3, 30), ("P2", customer.code, number, date(2010, 3, 30), "10,00")
    )  # during
    counted = list(allocations_counted_by(holder=plan).values_list("payment__external_id", flat=True))
    assert counted == ["P2"]
    assert Allocation.objects.filter(bill=bills[0]).count() == 2
    assert Credit.objects.count() == 0
