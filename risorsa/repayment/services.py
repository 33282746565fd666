"""Writes of repayment plans: drafted from the generator, approved by the utility, followed on payments."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risorsa.coordination.services import meet_deadlines, open_deadline
from risorsa.core.calendar import add_working_days
from risorsa.core.exceptions import DomainError
from risorsa.core.money import format_euro
from risorsa.core.phrases import Phrase
from risorsa.core.workflow import change_status
from risorsa.ledger.access import require_party
from risorsa.ledger.models import Bill, Customer
from risorsa.ledger.selectors import allocations_counted_by, open_bills_free_for
from risorsa.ledger.services import hold_bills, release_bills
from risorsa.repayment import steps
from risorsa.repayment.actions import ACTIONS
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
from risorsa.repayment.selectors import offered_terms


def _transition(*, plan: RepaymentPlan, to: str, by, why: str | Phrase = "") -> None:
    """Move along the plan's pipeline and record it; anything else is refused in Italian."""
    require_party(customer=plan.customer, by=by)
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


@dataclass(frozen=True)
class ShorterChoice:
    """The customer's documented choice of a plan shorter than REMSI's 12 installments."""

    on: date  # the day the customer chose
    how: str  # the document or channel (e.g. "richiesta scritta firmata allo sportello")


def draft_plan(
    *,
    customer: Customer,
    terms: Terms,
    by,
    bills: list[Bill] | None = None,
    shorter_choice: ShorterChoice | None = None,
    on: date | None = None,
) -> RepaymentPlan:
    """Save the simulator's schedule as a draft that holds the plan's bills (by default the
    customer's open bills no other instrument holds).

    A water debt under a reminder or formal notice follows REMSI: at least 12 installments and no
    interest, unless the customer's documented choice of a shorter plan is recorded with it. An
    unsustainable plan is refused with its shortfall. `on`: the day it was drafted, when recorded
    afterwards (the plan holds its bills from then).
    """
    require_party(customer=customer, by=by)
    drafted_on = on or timezone.localdate()
    if drafted_on > timezone.localdate():
        raise DomainError(_("La data del piano non può essere futura."))
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        if RepaymentPlan.objects.filter(customer=customer, status__in=OPEN_PLAN_STATUSES).exists():
            raise DomainError(_("Questo cliente ha già un piano di rientro in corso."))
        if bills is None:
            bills = list(open_bills_free_for(customer=customer))
        if not bills:
            raise DomainError(
                _("Nessuna fattura aperta da mettere nel piano: sono pagate o già in un altro strumento.")
            )
        if any(bill.customer_id != customer.pk for bill in bills):
            raise DomainError(_("Si possono mettere nel piano solo fatture di questo cliente."))
        terms, is_regulated = offered_terms(
            terms=terms, bills=bills, shorter_choice=shorter_choice is not None
        )
        if shorter_choice is not None:
            if not is_regulated:
                shorter_choice = None  # nothing to derogate from
            elif not shorter_choice.how.strip():
                raise DomainError(_("Scrivi come il cliente ha chiesto un piano più breve."))
            elif shorter_choice.on > timezone.localdate():
                raise DomainError(_("La data della scelta del cliente non può essere futura."))
        schedule = build(terms)
        if not schedule.feasible:
            raise DomainError(
                _(
                    "Non sostenibile in %(months)d mesi: mancano %(shortfall)s. Valuta un intervento spot "
                    "o il programma Risorsa Lavoro per la differenza."
                )
                % {"months": terms.max_months, "shortfall": format_euro(schedule.shortfall)}
            )
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
            regulated=is_regulated,
            shorter_choice_by=by if shorter_choice else None,
            shorter_choice_on=shorter_choice.on if shorter_choice else None,
            shorter_choice_how=shorter_choice.how.strip() if shorter_choice else "",
            created_by=by,
        )
        Installment.objects.bulk_create(
            Installment(plan=plan, number=row.number, due_on=row.due_on, amount=row.amount)
            for row in schedule.rows
        )
        PlanTransition.objects.create(plan=plan, from_status="", to_status=PlanStatus.DRAFT, by=by)
        hold_bills(bills=bills, holder=plan, on=drafted_on)
    return plan


@ACTIONS.performs("propose")
def propose_plan(*, plan: RepaymentPlan, by) -> RepaymentPlan:
    """Send the plan to the utility, which approves it within the SLA."""
    with transaction.atomic():
        plan = _locked(plan)
        _transition(plan=plan, to=PlanStatus.PROPOSED, by=by)
        open_deadline(
            step=steps.PLAN_APPROVAL, subject=plan, owner=plan.customer.utility, person=plan.customer.person
        )
    return plan


@ACTIONS.performs("approve")
def approve_plan(*, plan: RepaymentPlan, by) -> RepaymentPlan:
    """The utility accepts the plan (its manager)."""
    with transaction.atomic():
        plan = _locked(plan)
        _transition(plan=plan, to=PlanStatus.APPROVED, by=by)
        meet_deadlines(subject=plan, steps=[steps.PLAN_APPROVAL])
    return plan


@ACTIONS.performs("refuse")
def refuse_plan(*, plan: RepaymentPlan, by, why: str) -> RepaymentPlan:
    """The utility does not accept the plan: it is cancelled, with the reason, and can be redone."""
    if not why.strip():
        raise DomainError(_("Scrivi perché il piano non è accettato."))
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.PROPOSED:
            raise DomainError(_("Si può rifiutare solo un piano proposto."))
        _end(plan, to=PlanStatus.CANCELLED, on=timezone.localdate(), by=by, why=why)
        meet_deadlines(subject=plan, steps=[steps.PLAN_APPROVAL])
    return plan


@ACTIONS.performs("activate")
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
            why=Phrase(gettext_lazy("firmato il %(day)s"), day=signed_on),
        )
        plan.signed_on = signed_on
        plan.save(update_fields=["signed_on"])
    return plan


@ACTIONS.performs("cancel")
def cancel_plan(*, plan: RepaymentPlan, by, why: str) -> RepaymentPlan:
    """The municipality withdraws a plan that is not yet active."""
    if not why.strip():
        raise DomainError(_("Scrivi perché il piano viene annullato."))
    with transaction.atomic():
        plan = _locked(plan)
        _end(plan, to=PlanStatus.CANCELLED, on=timezone.localdate(), by=by, why=why)
        meet_deadlines(subject=plan, steps=[steps.PLAN_APPROVAL])
    return plan


def _end(plan: RepaymentPlan, *, to: str, on: date, by, why: str | Phrase) -> None:
    """Completed, lapsed or cancelled: the day it ended is kept and its bills are let go."""
    _transition(plan=plan, to=to, by=by, why=why)
    plan.ended_on = on
    plan.save(update_fields=["ended_on"])
    release_bills(holder=plan, on=on)


def missed_from(installment: Installment, grace_days: int):
    """The day an unpaid installment counts as missed: after its due date and the grace days."""
    return add_working_days(installment.due_on, grace_days) + timedelta(days=1)


def follow_plan(*, plan: RepaymentPlan, today: date | None = None) -> RepaymentPlan:
    """Match the allocations to the plan's bills since the signature to the installments, oldest first.

    An installment is paid on the day the customer's payments to the plan's bills add up to it and
    everything before it; paid late if that day is after its due date; missed from the day after
    its grace days (working days after the due date) if still unpaid then. The plan lapses on the
    day the configured number of installments is missed and completes when all are paid. The
    result depends only on the allocations and `today`: running it twice, or after a gap, gives
    the state that running it every day would have given.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.ACTIVE or plan.signed_on is None:
            return plan
        payments: list[tuple[date, Decimal]] = []
        for allocation in allocations_counted_by(holder=plan).filter(payment__paid_on__gte=plan.signed_on):
            payments.append((allocation.payment.paid_on, allocation.amount))
        installments = list(plan.installments.order_by("number"))
        paid = owed = Decimal(0)
        index = 0
        missed_days = []
        for installment in installments:
            owed += installment.amount
            while paid < owed and index < len(payments) and payments[index][0] <= today:
                paid += payments[index][1]
                index += 1
            installment.paid_on = payments[index - 1][0] if paid >= owed else None
            missed_on = missed_from(installment, plan.grace_days)
            unpaid_then = installment.paid_on is None or installment.paid_on >= missed_on
            if unpaid_then and missed_on <= today:  # missed on that day, whatever came after
                missed_days.append(missed_on)
            if installment.paid_on is not None:
                late = installment.paid_on > installment.due_on
                installment.status = InstallmentStatus.PAID_LATE if late else InstallmentStatus.PAID
            else:
                installment.status = InstallmentStatus.MISSED if missed_on <= today else InstallmentStatus.DUE
        Installment.objects.bulk_update(installments, ["status", "paid_on"])
        if len(missed_days) >= plan.missed_allowed:
            lapsed_on = missed_days[plan.missed_allowed - 1]
            _end(
                plan,
                to=PlanStatus.LAPSED,
                on=lapsed_on,
                by=None,
                why=Phrase(
                    gettext_lazy("%(missed)d rate non pagate al %(day)s"),
                    missed=plan.missed_allowed,
                    day=lapsed_on,
                ),
            )
        elif all(paid_days := [installment.paid_on for installment in installments]):
            _end(
                plan,
                to=PlanStatus.COMPLETED,
                on=max(day for day in paid_days if day is not None),
                by=None,
                why=Phrase(gettext_lazy("tutte le rate pagate")),
            )
    return plan


def follow_plans(*, today: date | None = None, customers=None) -> dict[str, int]:
    """The daily follow-up of active plans (all, or those of some customers): what changed."""
    plans = RepaymentPlan.objects.filter(status=PlanStatus.ACTIVE)
    if customers is not None:
        plans = plans.filter(customer__in=customers)
    outcome = {"piani seguiti": 0, "decaduti": 0, "completati": 0}
    for plan in plans.order_by("pk"):
        plan = follow_plan(plan=plan, today=today)
        outcome["piani seguiti"] += 1
        outcome["decaduti"] += plan.status == PlanStatus.LAPSED
        outcome["completati"] += plan.status == PlanStatus.COMPLETED
    return outcome
