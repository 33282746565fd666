"""Writes of repayment plans: drafted from the generator, approved by the utility, followed on payments."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from risorsa.coordination.models import Step
from risorsa.coordination.services import meet_deadlines, open_deadline
from risorsa.core.exceptions import DomainError
from risorsa.core.money import format_euro
from risorsa.core.workflow import change_status
from risorsa.ledger.models import Customer, ImportKind, ImportRun, Payment
from risorsa.repayment.models import (
    ALLOWED_TRANSITIONS,
    OPEN_PLAN_STATUSES,
    Installment,
    InstallmentStatus,
    PlanStatus,
    PlanTransition,
    RepaymentPlan,
)
from risorsa.repayment.schedule import Terms, build


def _transition(*, plan: RepaymentPlan, to: str, by, why: str = "") -> None:
    """Move along the plan's pipeline and record it; anything else is refused in Italian."""
    change_status(
        plan,
        to=to,
        allowed=ALLOWED_TRANSITIONS,
        statuses=PlanStatus,
        refusal=_("Un piano in stato «%(current)s» non può passare a «%(target)s»."),
        log=plan.transitions,
        by=by,
        why=why,
    )


def _locked(plan: RepaymentPlan) -> RepaymentPlan:
    return RepaymentPlan.objects.select_for_update().select_related("customer__utility").get(pk=plan.pk)


def draft_plan(*, customer: Customer, terms: Terms, by) -> RepaymentPlan:
    """Save the simulator's schedule as a draft; an unsustainable plan is refused with its shortfall."""
    schedule = build(terms)
    if not schedule.feasible:
        raise DomainError(
            _(
                "Non sostenibile in %(months)d mesi: mancano %(shortfall)s. Valuta un intervento spot "
                "o il programma Risorsa Lavoro per la differenza."
            )
            % {"months": terms.max_months, "shortfall": format_euro(schedule.shortfall)}
        )
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        if RepaymentPlan.objects.filter(customer=customer, status__in=OPEN_PLAN_STATUSES).exists():
            raise DomainError(_("Questo cliente ha già un piano di rientro in corso."))
        plan = RepaymentPlan.objects.create(
            customer=customer,
            debt=terms.debt,
            monthly_income=terms.monthly_income,
            share=terms.share,
            minimum_installment=terms.minimum_installment,
            max_months=terms.max_months,
            annual_rate=terms.annual_rate,
            interest=schedule.interest,
            start_on=terms.start_on,
            created_by=by,
        )
        Installment.objects.bulk_create(
            Installment(plan=plan, number=row.number, due_on=row.due_on, amount=row.amount)
            for row in schedule.rows
        )
        PlanTransition.objects.create(plan=plan, from_status="", to_status=PlanStatus.DRAFT, by=by)
    return plan


def propose_plan(*, plan: RepaymentPlan, by) -> RepaymentPlan:
    """Send the plan to the utility, which approves it within the SLA."""
    with transaction.atomic():
        plan = _locked(plan)
        _transition(plan=plan, to=PlanStatus.PROPOSED, by=by)
        open_deadline(
            step=Step.PLAN_APPROVAL, subject=plan, owner=plan.customer.utility, person=plan.customer.person
        )
    return plan


def approve_plan(*, plan: RepaymentPlan, by) -> RepaymentPlan:
    """The utility accepts the plan (its manager)."""
    with transaction.atomic():
        plan = _locked(plan)
        _transition(plan=plan, to=PlanStatus.APPROVED, by=by)
        meet_deadlines(subject=plan, steps=[Step.PLAN_APPROVAL])
    return plan


def refuse_plan(*, plan: RepaymentPlan, by, why: str) -> RepaymentPlan:
    """The utility does not accept the plan: it is cancelled, with the reason, and can be redone."""
    if not why.strip():
        raise DomainError(_("Scrivi perché il piano non è accettato."))
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.PROPOSED:
            raise DomainError(_("Si può rifiutare solo un piano proposto."))
        _transition(plan=plan, to=PlanStatus.CANCELLED, by=by, why=why)
        meet_deadlines(subject=plan, steps=[Step.PLAN_APPROVAL])
    return plan


def activate_plan(*, plan: RepaymentPlan, by, signed_on: date) -> RepaymentPlan:
    """The household signed the approved plan: from now on its installments follow the payments."""
    if signed_on > timezone.localdate():
        raise DomainError(_("La data della firma non può essere futura."))
    with transaction.atomic():
        plan = _locked(plan)
        _transition(
            plan=plan,
            to=PlanStatus.ACTIVE,
            by=by,
            why=_("firmato il %(day)s") % {"day": f"{signed_on:%d/%m/%Y}"},
        )
        plan.signed_on = signed_on
        plan.save(update_fields=["signed_on"])
    return plan


def cancel_plan(*, plan: RepaymentPlan, by, why: str) -> RepaymentPlan:
    """The municipality withdraws a plan that is not yet active."""
    if not why.strip():
        raise DomainError(_("Scrivi perché il piano viene annullato."))
    with transaction.atomic():
        plan = _locked(plan)
        _transition(plan=plan, to=PlanStatus.CANCELLED, by=by, why=why)
        meet_deadlines(subject=plan, steps=[Step.PLAN_APPROVAL])
    return plan


def follow_payments(*, plan: RepaymentPlan, today: date | None = None) -> RepaymentPlan:
    """Match the customer's payments since the signature to the installments, oldest first.

    An installment is paid on the day the payments add up to it and everything before it; paid
    late if that day is after its due date; missed once its due date has passed unpaid. The plan
    lapses at the configured number of missed installments and completes when all are paid.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.ACTIVE or plan.signed_on is None:
            return plan
        payments = list(
            Payment.objects.filter(customer=plan.customer_id, paid_on__gte=plan.signed_on)
            .order_by("paid_on", "pk")
            .values_list("paid_on", "amount")
        )
        installments = list(plan.installments.order_by("number"))
        paid = owed = Decimal(0)
        index = 0
        for installment in installments:
            owed += installment.amount
            while paid < owed and index < len(payments):
                paid += payments[index][1]
                index += 1
            if paid >= owed:
                installment.paid_on = payments[index - 1][0]
                late = installment.paid_on > installment.due_on
                installment.status = InstallmentStatus.PAID_LATE if late else InstallmentStatus.PAID
            else:
                installment.paid_on = None
                installment.status = (
                    InstallmentStatus.MISSED if installment.due_on < today else InstallmentStatus.DUE
                )
        Installment.objects.bulk_update(installments, ["status", "paid_on"])
        missed = sum(1 for installment in installments if installment.status == InstallmentStatus.MISSED)
        if missed >= plan.missed_allowed:
            _transition(
                plan=plan,
                to=PlanStatus.LAPSED,
                by=None,
                why=_("%(missed)d rate non pagate") % {"missed": missed},
            )
        elif all(installment.paid_on for installment in installments):
            _transition(plan=plan, to=PlanStatus.COMPLETED, by=None, why=_("tutte le rate pagate"))
    return plan


def react_to_payments(*, run: ImportRun) -> None:
    """A payments file may pay installments: follow the active plans of the customers it names."""
    if run.kind != ImportKind.PAYMENTS:
        return
    customers = Payment.objects.filter(run=run).values("customer")
    for plan in RepaymentPlan.objects.filter(status=PlanStatus.ACTIVE, customer__in=customers):
        follow_payments(plan=plan)
