"""Reads of repayment plans, scoped to the member in the query."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from risorsa.core.workflow import transitions_seen_by
from risorsa.ledger.models import Customer, DunningEvent, Service
from risorsa.organizations.models import Membership, OrganizationKind
from risorsa.repayment.models import Installment, InstallmentStatus, PlanStatus, PlanTransition, RepaymentPlan
from risorsa.repayment.schedule import Terms, regulated


def plans_for(*, membership: Membership | None, status: str = "") -> QuerySet[RepaymentPlan]:
    """Plans the member may see, newest first; only the municipality reads the household's income."""
    plans = RepaymentPlan.objects.visible_to(membership).select_related(
        "customer__person", "customer__utility", "created_by"
    )
    if membership is None or membership.organization.kind != OrganizationKind.MUNICIPALITY:
        plans = plans.defer("monthly_income", "share")
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-created_at", "-pk")


def get_plan_for(*, membership: Membership | None, pk: int) -> RepaymentPlan:
    """One plan with its installments and history; 404 outside the member's scope."""
    return get_object_or_404(
        plans_for(membership=membership).prefetch_related(
            Prefetch("installments", queryset=Installment.objects.order_by("number")),
            Prefetch("transitions", queryset=transitions_seen_by(PlanTransition.objects.all(), membership)),
        ),
        pk=pk,
    )


def _kept_plans(today: date) -> QuerySet[RepaymentPlan]:
    """Plans kept to on `today`: active or completed, at least one installment already due, and
    every installment due by then paid (DOMAIN.md)."""
    due = Installment.objects.filter(plan=OuterRef("pk"), due_on__lte=today)
    unpaid = due.exclude(status__in=[InstallmentStatus.PAID, InstallmentStatus.PAID_LATE])
    return (
        RepaymentPlan.objects.filter(status__in=[PlanStatus.ACTIVE, PlanStatus.COMPLETED])
        .filter(Exists(due))
        .exclude(Exists(unpaid))
    )


def kept_to_plan(today: date | None = None) -> Exists:
    """A customer who has kept to a plan (the rule of `_kept_plans`), as a filter on customers."""
    return Exists(_kept_plans(today or timezone.localdate()).filter(customer=OuterRef("pk")))


class Standing:
    """Where a customer stands with a plan, for the plan page and the intervention form."""

    KEPT = "kept"  # at least one installment due, every due one paid
    NOTHING_DUE = "nothing_due"  # active, but no installment is due yet
    NOT_KEPT = "not_kept"


def standing_of(*, plan: RepaymentPlan, today: date | None = None) -> str:
    """Whether the customer has kept to this plan, or cannot have yet (nothing due)."""
    today = today or timezone.localdate()
    if _kept_plans(today).filter(pk=plan.pk).exists():
        return Standing.KEPT
    if plan.status == PlanStatus.ACTIVE and not plan.installments.filter(due_on__lte=today).exists():
        return Standing.NOTHING_DUE
    return Standing.NOT_KEPT


def is_eligible_for_help(*, customer: Customer, today: date | None = None) -> bool:
    """The municipality may help with new bills a customer who kept to the plan (DOMAIN.md)."""
    return Customer.objects.filter(pk=customer.pk).filter(kept_to_plan(today)).exists()


def under_remsi(*, bills) -> bool:
    """REMSI applies (ARERA 311/2019, art. 5): a water bill among them was followed by a reminder
    or a formal notice on its supply point (on or after its due date)."""
    water = [bill for bill in bills if bill.supply_point.service == Service.WATER]
    if not water:
        return False
    dunned = Q()
    for bill in water:
        dunned |= Q(supply_point_id=bill.supply_point_id, occurred_on__gte=bill.due_on)
    return DunningEvent.objects.filter(dunned).exists()


def offered_terms(*, terms: Terms, bills, shorter_choice: bool) -> tuple[Terms, bool]:
    """The terms the generator offers for these bills, and whether REMSI applies: a water debt
    under notice gets the regulated terms unless the customer documented a shorter choice."""
    remsi = under_remsi(bills=bills)
    return (regulated(terms) if remsi and not shorter_choice else terms), remsi
