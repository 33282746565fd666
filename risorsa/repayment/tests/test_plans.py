from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from risorsa.coordination.models import Deadline, Step
from risorsa.core.exceptions import DomainError
from risorsa.ledger.models import Payment
from risorsa.protection.tests.helpers import sample_customer
from risorsa.repayment import services
from risorsa.repayment.models import InstallmentStatus, PlanStatus, RepaymentPlan
from risorsa.repayment.schedule import Terms
from risorsa.repayment.selectors import is_eligible_for_help

# 383,26 € over 900 € of monthly income: at most 135 € a month, so 3 installments of 127,75/127,75/127,76.
TERMS = Terms(debt=Decimal("383.26"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1))


@pytest.fixture
def users(personas):
    return {name: membership.user for name, membership in personas.items()}


def active_plan(customer, users, signed_on=date(2010, 3, 25)):
    plan = services.draft_plan(customer=customer, terms=TERMS, by=users["comune.operatore"])
    services.propose_plan(plan=plan, by=users["comune.operatore"])
    services.approve_plan(plan=plan, by=users["aem.responsabile"])
    return services.activate_plan(plan=plan, by=users["comune.operatore"], signed_on=signed_on)


def pay(customer, utility, paid_on, amount, external_id):
    from risorsa.ledger.models import ImportRun

    run = ImportRun.objects.filter(utility=utility).first()
    return Payment.objects.create(
        utility=utility,
        customer=customer,
        external_id=external_id,
        paid_on=paid_on,
        amount=Decimal(amount),
        run=run,
    )


@pytest.mark.django_db
def test_a_plan_goes_from_draft_to_active_with_the_utility_approving_and_every_step_recorded(utility, users):
    customer = sample_customer(utility)
    plan = services.draft_plan(customer=customer, terms=TERMS, by=users["comune.operatore"])
    assert [i.amount for i in plan.installments.all()] == [
        Decimal("127.75"),
        Decimal("127.75"),
        Decimal("127.76"),
    ]
    services.propose_plan(plan=plan, by=users["comune.operatore"])
    approval = Deadline.objects.get(step=Step.PLAN_APPROVAL)
    assert (approval.owner, approval.met_on) == (utility, None)
    services.approve_plan(plan=plan, by=users["aem.responsabile"])
    services.activate_plan(plan=plan, by=users["comune.operatore"], signed_on=date(2010, 3, 25))
    approval.refresh_from_db()
    assert approval.met_on is not None
    assert list(plan.transitions.values_list("from_status", "to_status", "by__username")) == [
        ("", "bozza", "comune.operatore"),
        ("bozza", "proposta", "comune.operatore"),
        ("proposta", "approvata", "aem.responsabile"),
        ("approvata", "attiva", "comune.operatore"),
    ]


@pytest.mark.parametrize(
    ("steps", "illegal", "message"),
    [
        ([], "approve", "Un piano in stato «bozza» non può passare a «approvata dal gestore»."),
        (["propose"], "activate", "Un piano in stato «proposta al gestore» non può passare a «attiva»."),
        (
            ["propose", "approve", "activate"],
            "cancel",
            "Un piano in stato «attiva» non può passare a «annullata».",
        ),
        (
            ["propose"],
            "propose",
            "Un piano in stato «proposta al gestore» non può passare a «proposta al gestore».",
        ),
    ],
)
@pytest.mark.django_db
def test_an_illegal_transition_is_refused_in_italian_and_changes_nothing(
    utility, users, steps, illegal, message
):
    plan = services.draft_plan(customer=sample_customer(utility), terms=TERMS, by=users["comune.operatore"])
    calls = {
        "propose": lambda: services.propose_plan(plan=plan, by=users["comune.operatore"]),
        "approve": lambda: services.approve_plan(plan=plan, by=users["aem.responsabile"]),
        "activate": lambda: services.activate_plan(
            plan=plan, by=users["comune.operatore"], signed_on=date(2010, 3, 1)
        ),
        "cancel": lambda: services.cancel_plan(plan=plan, by=users["comune.operatore"], why="errore"),
    }
    for step in steps:
        calls[step]()
    before = (RepaymentPlan.objects.get(pk=plan.pk).status, plan.transitions.count())
    with pytest.raises(DomainError) as refused:
        calls[illegal]()
    assert refused.value.message == message
    assert (RepaymentPlan.objects.get(pk=plan.pk).status, plan.transitions.count()) == before


@pytest.mark.django_db
def test_an_unsustainable_plan_is_refused_with_its_shortfall_and_one_plan_is_open_per_customer(
    utility, users
):
    customer = sample_customer(utility)
    poor = Terms(debt=Decimal("383.26"), monthly_income=Decimal("200.00"), start_on=date(2010, 4, 1))
    with pytest.raises(DomainError, match="Non sostenibile in 12 mesi: mancano 23,26"):
        services.draft_plan(customer=customer, terms=poor, by=users["comune.operatore"])
    services.draft_plan(customer=customer, terms=TERMS, by=users["comune.operatore"])
    with pytest.raises(DomainError, match="ha già un piano"):
        services.draft_plan(customer=customer, terms=TERMS, by=users["comune.operatore"])


@pytest.mark.django_db
def test_installments_follow_the_payments_oldest_first_on_time_late_or_missed(utility, users):
    customer = sample_customer(utility)
    plan = active_plan(customer, users)
    pay(customer, utility, date(2010, 3, 30), "127.75", "R1")  # the first, on time
    pay(customer, utility, date(2010, 5, 10), "100.00", "R2")  # part of the second, due 03/05
    pay(customer, utility, date(2010, 5, 20), "27.75", "R3")  # the rest: the second paid late
    services.follow_payments(plan=plan, today=date(2010, 6, 2))
    states = list(plan.installments.values_list("due_on", "status", "paid_on"))
    assert states == [
        (date(2010, 4, 1), InstallmentStatus.PAID, date(2010, 3, 30)),
        (date(2010, 5, 3), InstallmentStatus.PAID_LATE, date(2010, 5, 20)),  # 1 May: holiday and Saturday
        (date(2010, 6, 1), InstallmentStatus.MISSED, None),
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE  # one missed: the plan lapses at two
    assert not is_eligible_for_help(customer=customer)


@pytest.mark.django_db
def test_the_plan_lapses_at_two_missed_installments_and_completes_when_all_are_paid(utility, users):
    customer = sample_customer(utility)
    plan = active_plan(customer, users)
    services.follow_payments(plan=plan, today=date(2010, 5, 4))  # 01/04 and 03/05 passed unpaid
    plan.refresh_from_db()
    assert plan.status == PlanStatus.LAPSED
    assert plan.transitions.last().by is None
    assert not is_eligible_for_help(customer=customer)

    other = sample_customer(utility, "C100003")
    kept = active_plan(other, users)
    pay(other, utility, date(2010, 3, 30), "383.26", "R9")
    services.follow_payments(plan=kept, today=date(2010, 3, 31))
    kept.refresh_from_db()
    assert kept.status == PlanStatus.COMPLETED
    assert is_eligible_for_help(customer=other)


@pytest.mark.django_db
@time_machine.travel(date(2010, 6, 15), tick=False)
def test_a_payments_file_pays_the_installments_of_active_plans(utility, users, tmp_path):
    from risorsa.ledger.tests.helpers import import_file

    customer = sample_customer(utility)
    plan = active_plan(customer, users)
    path = tmp_path / "pagamenti.csv"
    path.write_text(
        "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale\n"
        "PX1;C100000;;31/03/2010;127,75;SPORTELLO\nPX2;C100000;;30/04/2010;127,75;SPORTELLO\n"
        "PX3;C100000;;31/05/2010;127,76;SPORTELLO\n"
    )
    import_file(utility, "pagamenti", path)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert set(plan.installments.values_list("status", flat=True)) == {InstallmentStatus.PAID}


@pytest.mark.django_db
def test_the_simulator_updates_the_schedule_and_saves_a_draft(client_for, utility):
    customer = sample_customer(utility)
    client = client_for("comune.operatore")
    url = reverse("repayment:simulate", args=[customer.pk])
    page = client.get(url)
    assert page.context["form"].initial["debt"] == Decimal("383.26")  # the balance, to start from
    data = {
        "debt": "383,26",
        "monthly_income": "900,00",
        "share": "15",
        "max_months": "12",
        "minimum_installment": "25,00",
        "start_on": "01/04/2010",
        "annual_rate": "0",
    }
    partial = client.get(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "3 rate da 127,75" in partial and "<html" not in partial
    poor = client.get(url, data | {"monthly_income": "200,00"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Non sostenibile in 12 mesi" in poor and "23,26" in poor
    response = client.post(url, data)
    plan = RepaymentPlan.objects.get()
    assert response["Location"] == reverse("repayment:detail", args=[plan.pk])
    assert client_for("comune.lettore").post(url, data).status_code == 403


@pytest.mark.django_db
def test_only_a_utility_manager_approves_and_the_utility_never_sees_drafts(client_for, utility, users):
    plan = services.draft_plan(customer=sample_customer(utility), terms=TERMS, by=users["comune.operatore"])
    detail = reverse("repayment:detail", args=[plan.pk])
    assert client_for("aem.responsabile").get(detail).status_code == 404
    services.propose_plan(plan=plan, by=users["comune.operatore"])
    approve = reverse("repayment:action", args=[plan.pk, "approve"])
    assert client_for("aem.operatore").post(approve).status_code == 403
    assert client_for("comune.responsabile").post(approve).status_code == 403
    assert client_for("aem.responsabile").post(approve).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


@pytest.mark.django_db
def test_the_plan_prints_as_a_pdf_for_signature(client_for, utility, users):
    plan = services.draft_plan(customer=sample_customer(utility), terms=TERMS, by=users["comune.operatore"])
    response = client_for("comune.operatore").get(reverse("repayment:pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000


@pytest.mark.django_db
def test_the_plan_page_says_when_the_customer_may_get_help_on_new_bills(client_for, utility, users):
    customer = sample_customer(utility)
    plan = active_plan(customer, users)
    client = client_for("comune.operatore")
    assert (
        "Il cliente sta rispettando il piano"
        in client.get(reverse("repayment:detail", args=[plan.pk])).content.decode()
    )
    services.follow_payments(plan=plan, today=date(2010, 5, 4))  # two missed: lapsed
    assert (
        "Il cliente sta rispettando il piano"
        not in client.get(reverse("repayment:detail", args=[plan.pk])).content.decode()
    )
