"""Reads of spot interventions, scoped to the member in the query."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from risorsa.audit.history import HistoryEntry, history_entries
from risorsa.core.workflow import transitions_seen_by
from risorsa.interventions.models import Budget, InterventionTransition, SpotIntervention
from risorsa.interventions.services import budget_use
from risorsa.organizations.models import Membership, Organization


def interventions_for(*, membership: Membership | None, status: str = "") -> QuerySet[SpotIntervention]:
    """Interventions the member may see, newest first."""
    interventions = SpotIntervention.objects.visible_to(membership).select_related(
        "customer__person", "customer__utility", "credit"
    )
    if status:
        interventions = interventions.filter(status=status)
    return interventions.order_by("-proposed_on", "-pk")


def get_intervention_for(*, membership: Membership | None, pk: int) -> SpotIntervention:
    return get_object_or_404(
        interventions_for(membership=membership).prefetch_related(
            "bills",
            Prefetch(
                "transitions", queryset=transitions_seen_by(InterventionTransition.objects.all(), membership)
            ),
        ),
        pk=pk,
    )


@dataclass
class BudgetSummary:
    year: int
    amount: Decimal | None
    committed: Decimal
    spent: Decimal

    @property
    def available(self) -> Decimal | None:
        return None if self.amount is None else self.amount - self.committed - self.spent


def budget_summary(*, municipality: Organization, year: int) -> BudgetSummary:
    """The yearly budget with what is committed (authorized, not yet applied) and spent (applied)."""
    budget = Budget.objects.filter(municipality=municipality, year=year).first()
    committed, spent = budget_use(municipality=municipality, year=year)
    return BudgetSummary(
        year=year, amount=budget.amount if budget else None, committed=committed, spent=spent
    )


def budget_history_for(*, membership: Membership | None) -> list[HistoryEntry]:
    """Who changed the municipality's yearly budgets, from what to what: its manager only, its own
    budgets only (in the query)."""
    if not (membership and membership.is_municipality and membership.is_manager):
        return []
    return history_entries(Budget.history.filter(municipality_id=membership.organization_id))
