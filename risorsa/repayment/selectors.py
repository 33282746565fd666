"""Reads of repayment plans, scoped to the member in the query."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from risorsa.ledger.models import Customer
from risorsa.organizations.models import Membership
from risorsa.repayment.models import Installment, InstallmentStatus, PlanStatus, PlanTransition, RepaymentPlan


def plans_for(*, membership: Membership | None, status: str = "") -> QuerySet[RepaymentPlan]:
    """Plans the member may see, newest first."""
    plans = RepaymentPlan.objects.visible_to(membership).select_related(
        "customer__person", "customer__utility", "created_by"
    )
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-created_at", "-pk")


def get_plan_for(*, membership: Membership | None, pk: int) -> RepaymentPlan:
    """One plan with its installments and history; 404 outside the member's scope."""
    return get_object_or_404(
        plans_for(membership=membership).prefetch_related(
            Prefetch("installments", queryset=Installment.objects.order_by("number")),
            Prefetch(
                "transitions", queryset=PlanTransition.objects.select_related("by").order_by("at", "pk")
            ),
        ),
        pk=pk,
    )


def kept_to_plan() -> Exists:
    """A customer who has kept to a plan: one active or completed with no installment missed."""
    missed = Installment.objects.filter(plan=OuterRef("pk"), status=InstallmentStatus.MISSED)
    return Exists(
        RepaymentPlan.objects.filter(
            customer=OuterRef("pk"), status__in=[PlanStatus.ACTIVE, PlanStatus.COMPLETED]
        ).exclude(Exists(missed))
    )


def is_eligible_for_help(*, customer: Customer) -> bool:
    """The municipality may help with new bills a customer who kept to the plan (DOMAIN.md)."""
    return Customer.objects.filter(pk=customer.pk).filter(kept_to_plan()).exists()
