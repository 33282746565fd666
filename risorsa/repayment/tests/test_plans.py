from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from risorsa.coordination.models import Deadline
from risorsa.core.exceptions import DomainError
from risorsa.ledger.models import Payment
from risorsa.ledger.selectors import held_bills
from risorsa.ledger.tests.helpers import import_payments
from risorsa.protection.tests.helpers import sample_customer
from risorsa.repayment import services, steps
from risorsa.repayment.models import InstallmentStatus, PlanStatus, RepaymentPlan
from risorsa.repayment.schedule import Terms
from risorsa.repayment.selectors import is_eligible_for_help

# 383,26 € over 900 € of monthly income: at most 135 € a month, so 3 installments of 127,75/127,75/127,76.
TERMS = Terms(debt=Decimal("383.26"), monthly_income=Decimal("900.00"), start_on=date(2010, 4, 1))
SIMULATED_ON = datetime(2010, 3, 25, 10, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture
def users(personas):
    return {name: membership.user for name, membership in personas.items()}


def active_plan(customer, users, signed_on=date(2010, 3, 25)):
    """A plan drafted, approved and signed on `signed_on`: it holds the bills from that day."""
    with time_machine.travel(signed_on, tick=False):
        plan = services.draft_plan(customer=customer, terms=TERMS, by=users["comune.operatore"])
        services.propose_plan(plan=plan, by=users["comune.operatore"])
        services.approve_plan(plan=plan, by=users["aem.responsabile"])
        return services.activate_plan(plan=plan, by=users["comune.operatore"], signed_on=signed_on)


def pay(customer, utility, paid_on, amount, external_id, number=""):
    """The customer pays at the counter: the utility's payments file reports it that evening."""
    with time_machine.travel(paid_on, tick=False):
        run = import_payments(
            utility, [(external_id, customer.code, number, paid_on, amount.replace(".", ","))]
        )
    assert run.status == "completato", run.failure or list(run.issues.values_list("reason", flat=True))
    return Payment.objects.get(utility=utility, external_id=external_id)


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
    approval = Deadline.objects.get(step=steps.PLAN_APPROVAL)
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
    ("steps", "illegal", "declared", "message"),
    [
        (
            [],
            "approve",
            "Questa pratica non è tra quelle che la tua organizzazione segue.",  # a draft is unseen
            "Un piano in stato «bozza» non può passare a «approvata dal gestore».",
        ),
        (
            ["propose"],
            "activate",
            "«Registra la firma e attiva» non si può fare in stato «proposta al gestore».",
            "Un piano in stato «proposta al gestore» non può passare a «attiva».",
        ),
        (
            ["propose", "approve", "activate"],
            "cancel",
            "«Annulla il piano» non si può fare in stato «attiva».",
            "Un piano in stato «attiva» non può passare a «annullata».",
        ),
        (
            ["propose"],
            "propose",
            "«Invia al gestore» non si può fare in stato «proposta al gestore».",
            "Un piano in stato «proposta al gestore» non può passare a «proposta al gestore».",
        ),
    ],
)
@pytest.mark.django_db
def test_an_illegal_transition_is_refused_in_italian_and_changes_nothing(
    utility, users, steps, illegal, declared, message
):
    plan = services.draft_plan(customer=sample_customer(utility), terms=TERMS, by=users["comune.operatore"])
    operator, approver = users["comune.operatore"], users["aem.responsabile"]
    calls = {
        "propose": lambda by=operator: services.propose_plan(plan=plan, by=by),
        "approve": lambda by=approver: services.approve_plan(plan=plan, by=by),
        "activate": lambda by=operator: services.activate_plan(plan=plan, by=by, signed_on=date(2010, 3, 1)),
        "cancel": lambda by=operator: services.cancel_plan(plan=plan, by=by, why="errore"),
    }
    for step in steps:
        calls[step]()
    before = (RepaymentPlan.objects.get(pk=plan.pk).status, plan.transitions.count())
    # a member: the declared actions refuse it
    with pytest.raises(DomainError) as refused:
        calls[illegal]()
    assert refused.value.message == declared
    # the system (no member): the pipeline refuses it
    with pytest.raises(DomainError) as refused:
        calls[illegal](None)
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
    services.follow_plan(plan=plan, today=date(2010, 6, 10))
    states = list(plan.installments.values_list("due_on", "status", "paid_on"))
    assert states == [
        (date(2010, 4, 1), InstallmentStatus.PAID, date(2010, 3, 30)),
        (date(2010, 5, 3), InstallmentStatus.PAID_LATE, date(2010, 5, 20)),  # 1 May: holiday and Saturday
        # due 01/06; 5 working days of grace (2 June is a holiday): 3, 4, 7, 8, 9; missed from 10/06
        (date(2010, 6, 1), InstallmentStatus.MISSED, None),
    ]
    plan.refresh_from_db()
    # The second was paid only after its grace (missed from 11/05): two missed, so the plan lapsed
    # on the day the third became missed.
    assert (plan.status, plan.ended_on) == (PlanStatus.LAPSED, date(2010, 6, 10))
    assert not is_eligible_for_help(customer=customer, today=date(2010, 6, 10))


@pytest.mark.django_db
def test_an_installment_is_missed_only_after_its_grace_days(utility, users):
    customer = sample_customer(utility)
    plan = active_plan(customer, users)
    # due Thursday 01/04/2010; Easter Monday 05/04: grace 2, 6, 7, 8, 9 April; missed from 10/04
    services.follow_plan(plan=plan, today=date(2010, 4, 9))
    assert plan.installments.get(number=1).status == InstallmentStatus.DUE
    services.follow_plan(plan=plan, today=date(2010, 4, 10))
    assert plan.installments.get(number=1).status == InstallmentStatus.MISSED


@pytest.mark.django_db
def test_the_plan_lapses_at_two_missed_installments_and_completes_when_all_are_paid(utility, users):
    customer = sample_customer(utility)
    plan = active_plan(customer, users)
    # 01/04 missed from 10/04; 03/05 (grace 4, 5, 6, 7, 10 May) missed from 11/05
    services.follow_plan(plan=plan, today=date(2010, 5, 10))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    services.follow_plan(plan=plan, today=date(2010, 5, 11))
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on) == (PlanStatus.LAPSED, date(2010, 5, 11))
    assert plan.transitions.last().by is None
    assert not held_bills(holder=plan).exists()  # a lapsed plan lets its bills go
    assert not is_eligible_for_help(customer=customer, today=date(2010, 5, 11))

    other = sample_customer(utility, "C100003")
    kept = active_plan(other, users)
    pay(other, utility, date(2010, 3, 30), "383.26", "R9")
    services.follow_plan(plan=kept, today=date(2010, 4, 1))
    kept.refresh_from_db()
    assert (kept.status, kept.ended_on) == (PlanStatus.COMPLETED, date(2010, 3, 30))
    assert is_eligible_for_help(customer=other, today=date(2010, 4, 1))


@pytest.mark.django_db
def test_the_reasons_the_system_gives_for_a_plans_steps_are_stored_unworded_and_read_in_each_language(
    client_for, utility, users
):
    # given a plan signed on 25/03/2010 that lapses at its second missed installment
    plan = active_plan(sample_customer(utility), users)
    services.follow_plan(plan=plan, today=date(2010, 5, 11))
    # then the rows keep the message and its data, not a sentence in the language of that moment
    stored = list(plan.transitions.exclude(why="").values_list("to_status", "why", "why_params"))
    assert stored == [
        ("attiva", "firmato il %(day)s", {"day": {"date": "2010-03-25"}}),
        ("decaduta", "%(missed)d rate non pagate al %(day)s", {"missed": 2, "day": {"date": "2010-05-11"}}),
    ]
    # and the plan's page words them for its reader
    page = client_for("comune.operatore").get(reverse("repayment:detail", args=[plan.pk])).content.decode()
    assert "firmato il 25/03/2010" in page and "2 rate non pagate al 11/05/2010" in page
    english = client_for("comune.operatore")
    english.cookies["django_language"] = "en"
    page = english.get(reverse("repayment:detail", args=[plan.pk])).content.decode()
    with translation.override("en"):
        signed = translation.gettext("firmato il %(day)s") % {"day": "25/03/2010"}
    assert signed in page and "firmato il" not in page


@pytest.mark.django_db
def test_a_customer_has_not_kept_to_a_plan_before_any_installment_is_due(utility, users):
    # given a plan signed on 25/03 whose first installment is due on 01/04
    customer = sample_customer(utility)
    plan = active_plan(customer, users)
    pay(customer, utility, date(2010, 3, 30), "127.75", "R1")
    services.follow_plan(plan=plan, today=date(2010, 3, 31))
    # then on the signature day and before 01/04 nothing was due yet: not "kept to the plan"
    assert not is_eligible_for_help(customer=customer, today=date(2010, 3, 25))
    assert not is_eligible_for_help(customer=customer, today=date(2010, 3, 31))
    # and from 01/04, with the first paid, the customer has kept to it
    assert is_eligible_for_help(customer=customer, today=date(2010, 4, 1))


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
@time_machine.travel(SIMULATED_ON, tick=False)  # the first installment, 01/04/2010, is ahead
def test_the_simulator_updates_the_schedule_and_saves_a_draft(client_for, utility):
    customer = sample_customer(utility)
    client = client_for("comune.operatore")
    url = reverse("repayment:simulate", args=[customer.pk])
    page = client.get(url)
    form = page.context["form"]
    assert form["debt"].initial == Decimal("383.26")  # the free open bills' residuals, to start from
    bills = [bill.pk for bill in customer.bills.filter(residual__gt=0)]
    assert sorted(form["bills"].initial) == sorted(bills)
    data = {
        "bills": bills,
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
def test_the_simulator_refuses_a_first_installment_in_the_past_and_says_which_field(client_for, utility):
    customer = sample_customer(utility)
    client = client_for("comune.operatore")
    url = reverse("repayment:simulate", args=[customer.pk])
    data = {
        "bills": [bill.pk for bill in customer.bills.filter(residual__gt=0)],
        "debt": "383,26",
        "monthly_income": "900,00",
        "share": "15",
        "max_months": "12",
        "minimum_installment": "25,00",
        "annual_rate": "0",
    }
    with time_machine.travel(SIMULATED_ON, tick=False):
        yesterday = client.get(
            url, data | {"start_on": "24/03/2010"}, HTTP_HX_REQUEST="true"
        ).content.decode()
        today = client.get(url, data | {"start_on": "25/03/2010"}, HTTP_HX_REQUEST="true").content.decode()
        saved = client.post(url, data | {"start_on": "24/03/2010"})
    assert (
        "Prima rata il: La data della prima rata (24/03/2010) è già passata: indica oggi (25/03/2010) "
        "o un giorno successivo." in yesterday
    )
    assert "3 rate da 127,75" not in yesterday and "3 rate da 127,75" in today
    assert saved.status_code == 200 and not RepaymentPlan.objects.exists()
    assert saved.context["form"].errors["start_on"][0].startswith("La data della prima rata (24/03/2010)")


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
    url = reverse("repayment:detail", args=[plan.pk])
    with time_machine.travel(date(2010, 3, 31), tick=False):
        page = client.get(url).content.decode()
        assert "Il cliente sta rispettando il piano" not in page
        assert "nessuna rata è ancora scaduta" in page
    pay(customer, utility, date(2010, 3, 30), "127.75", "R1")
    with time_machine.travel(date(2010, 4, 2), tick=False):
        services.follow_plan(plan=plan)
        assert "Il cliente sta rispettando il piano" in client.get(url).content.decode()
    services.follow_plan(plan=plan, today=date(2010, 5, 11))  # two missed: lapsed
    with time_machine.travel(date(2010, 5, 11), tick=False):
        assert "Il cliente sta rispettando il piano" not in client.get(url).content.decode()


def water_bills_under_notice(utility, tmp_path, kind="COSTITUZIONE_MORA"):
    """C100002's three water bills (885,30 €) and, after their due dates, a notice on the meter."""
    from risorsa.ledger.models import Bill
    from risorsa.ledger.tests.helpers import import_file

    customer = sample_customer(utility, "C100002")
    path = tmp_path / "eventi.csv"
    path.write_text(
        "id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note\n"
        f"W1;C100002;ACQ-000011;{kind};15/02/2010;\n"
    )
    assert import_file(utility, "eventi", path).status == "completato"
    bills = list(Bill.objects.filter(customer=customer, supply_point__service="ACQUA").order_by("due_on"))
    return customer, bills


@pytest.mark.django_db
def test_a_water_debt_under_formal_notice_gets_at_least_12_installments_without_interest(
    utility, users, tmp_path
):
    customer, bills = water_bills_under_notice(utility, tmp_path)
    debt = sum((bill.residual for bill in bills), Decimal(0))
    # 885,30 € on 2.000 € a month could be paid in 3 installments, with interest at 5%
    terms = Terms(
        debt=debt, monthly_income=Decimal("2000.00"), start_on=date(2010, 4, 1), annual_rate=Decimal("0.05")
    )
    plan = services.draft_plan(customer=customer, terms=terms, by=users["comune.operatore"], bills=bills)
    assert plan.regulated
    assert plan.installments.count() == 12
    assert plan.interest == Decimal("0.00")
    assert sum(plan.installments.values_list("amount", flat=True)) == debt


@pytest.mark.django_db
def test_a_shorter_water_plan_needs_the_customers_documented_choice(utility, users, tmp_path):
    customer, bills = water_bills_under_notice(utility, tmp_path, kind="SOLLECITO")
    debt = sum((bill.residual for bill in bills), Decimal(0))
    terms = Terms(debt=debt, monthly_income=Decimal("2000.00"), start_on=date(2010, 4, 1))
    choice = services.ShorterChoice(on=date(2010, 3, 20), how="richiesta scritta firmata allo sportello")
    plan = services.draft_plan(
        customer=customer, terms=terms, by=users["comune.operatore"], bills=bills, shorter_choice=choice
    )
    assert plan.installments.count() == 3
    assert (plan.shorter_choice_on, plan.shorter_choice_how, plan.shorter_choice_by) == (
        date(2010, 3, 20),
        "richiesta scritta firmata allo sportello",
        users["comune.operatore"],
    )


@pytest.mark.django_db
def test_energy_debts_and_water_without_notice_keep_the_shortest_plan(utility, users):
    from risorsa.ledger.models import Bill

    customer = sample_customer(utility, "C100002")
    water = list(Bill.objects.filter(customer=customer, supply_point__service="ACQUA"))
    debt = sum((bill.residual for bill in water), Decimal(0))
    terms = Terms(debt=debt, monthly_income=Decimal("2000.00"), start_on=date(2010, 4, 1))
    plan = services.draft_plan(customer=customer, terms=terms, by=users["comune.operatore"], bills=water)
    assert not plan.regulated
    assert plan.installments.count() == 3


@pytest.mark.django_db
@time_machine.travel(SIMULATED_ON, tick=False)  # the first installment, 01/04/2010, is ahead
def test_the_simulator_offers_the_regulated_water_plan_and_records_a_documented_choice(
    client_for, utility, tmp_path
):
    customer, bills = water_bills_under_notice(utility, tmp_path)
    client = client_for("comune.operatore")
    url = reverse("repayment:simulate", args=[customer.pk])
    data = {
        "bills": [bill.pk for bill in bills],
        "debt": "885,30",
        "monthly_income": "2000,00",
        "share": "15",
        "max_months": "12",
        "minimum_installment": "25,00",
        "start_on": "01/04/2010",
        "annual_rate": "0",
    }
    partial = client.get(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "12 rate da 73,77" in partial and "REMSI" in partial
    shorter = data | {"shorter_choice": "on", "shorter_choice_on": "20/03/2010", "shorter_choice_how": "PEC"}
    assert "3 rate da 295,10" in client.get(url, shorter, HTTP_HX_REQUEST="true").content.decode()
    incomplete = client.get(url, data | {"shorter_choice": "on"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Scrivi come il cliente" in incomplete
    client.post(url, shorter)
    plan = RepaymentPlan.objects.get()
    assert (plan.installments.count(), plan.shorter_choice_how) == (3, "PEC")


@pytest.mark.django_db
def test_the_utility_never_reads_the_households_income_nor_the_municipalitys_reasons(
    client_for, utility, users
):
    from risorsa.repayment.pdf import plan_lines
    from risorsa.repayment.selectors import get_plan_for

    # given a plan sent to the utility, then withdrawn by the municipality with a free-text reason
    plan = services.draft_plan(customer=sample_customer(utility), terms=TERMS, by=users["comune.operatore"])
    services.propose_plan(plan=plan, by=users["comune.operatore"])
    services.cancel_plan(plan=plan, by=users["comune.operatore"], why="Il padre ha perso il lavoro a marzo.")
    other = services.draft_plan(
        customer=sample_customer(utility, "C100003"), terms=TERMS, by=users["comune.operatore"]
    )
    services.propose_plan(plan=other, by=users["comune.operatore"])
    services.refuse_plan(plan=other, by=users["aem.responsabile"], why="Importo da ricalcolare.")
    url = reverse("repayment:detail", args=[plan.pk])
    # then the municipality reads income and reason; the utility neither
    page = client_for("comune.operatore").get(url).content.decode()
    assert "900,00" in page and "perso il lavoro" in page
    page = client_for("aem.operatore").get(url).content.decode()
    assert "900,00" not in page and "perso il lavoro" not in page
    # and the utility still reads its own reasons
    page = client_for("aem.operatore").get(reverse("repayment:detail", args=[other.pk])).content.decode()
    assert "Importo da ricalcolare." in page
    # the income is not even loaded for the utility, and its copy of the PDF leaves it out
    seen = get_plan_for(membership=users["aem.operatore"].membership, pk=plan.pk)
    assert "monthly_income" in seen.get_deferred_fields()
    assert not [line for line in plan_lines(plan, with_income=False) if "reddito" in line]
    assert [line for line in plan_lines(plan, with_income=True) if "900,00" in line]
