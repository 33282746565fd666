"""Reads of protection, scoped to the member in the query."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from risorsa.audit.history import HistoryEntry, history_entries
from risorsa.coordination.models import Deadline
from risorsa.core.money import quantize
from risorsa.core.workflow import transitions_seen_by
from risorsa.ledger.models import Customer, MeterEvent, MeterEventKind
from risorsa.ledger.selectors import MONEY, balance_of
from risorsa.organizations.models import Membership
from risorsa.protection import steps
from risorsa.protection.models import (
    OPEN_STATUSES,
    Incident,
    Protection,
    ProtectionStatus,
    ProtectionTransition,
)
from risorsa.registry.models import Isee
from risorsa.repayment.models import RepaymentPlan

RECENT_DAYS = 30
REVIEW_SOON_DAYS = 30


def open_protection_for(*, customer: Customer) -> Protection | None:
    """The customer's protection in course (proposed, active or suspended): there is at most one."""
    return Protection.objects.filter(customer=customer, status__in=OPEN_STATUSES).first()


def latest_protection_for(*, customer: Customer) -> Protection | None:
    """The customer's protection in course, else their latest one (ended), else None: what the
    customer's page links to, of a customer the member already sees."""
    return (
        Protection.objects.filter(customer=customer)
        .order_by(Case(When(status__in=OPEN_STATUSES, then=0), default=1), "-proposed_on", "-pk")
        .first()
    )


def protections_for(
    *,
    membership: Membership | None,
    status: str = "",
    review_due: bool = False,
    recent_events: bool = False,
    plan: str = "",
) -> QuerySet[Protection]:
    """Protections the member may see, with each customer's balance now (the municipality's list)."""
    today = timezone.localdate()
    protections = (
        Protection.objects.visible_to(membership)
        .select_related("customer__person", "customer__utility")
        .annotate(current_debt=balance_of("customer"))
    )
    if status:
        protections = protections.filter(status=status)
    if review_due:
        protections = protections.filter(
            status=ProtectionStatus.ACTIVE, review_on__lte=today + timedelta(days=REVIEW_SOON_DAYS)
        )
    if recent_events:
        recent = MeterEvent.objects.filter(
            customer=OuterRef("customer"), occurred_on__gte=today - timedelta(days=RECENT_DAYS)
        )
        protections = protections.filter(Exists(recent))
    if plan == "nessuno":
        protections = protections.exclude(Exists(RepaymentPlan.objects.filter(customer=OuterRef("customer"))))
    elif plan:
        protections = protections.filter(
            Exists(RepaymentPlan.objects.filter(customer=OuterRef("customer"), status=plan))
        )
    return protections.order_by("status", "review_on", "pk")


def get_protection_for(*, membership: Membership | None, pk: int) -> Protection:
    """One protection with its history (municipality only: it carries the reason)."""
    return get_object_or_404(
        protections_for(membership=membership).prefetch_related(
            Prefetch(
                "transitions", queryset=transitions_seen_by(ProtectionTransition.objects.all(), membership)
            ),
            "contacts__by",
        ),
        pk=pk,
    )


def protected_list_for_utility(*, membership: Membership | None) -> QuerySet:
    """What a utility may know of protections: flag, dates and status; the reason is not even selected."""
    return (
        Protection.objects.visible_to(membership)
        .order_by("customer__code", "-pk")
        .values(
            "pk",
            "customer__code",
            "customer__holder_surname",
            "customer__holder_name",
            "customer__person__codice_fiscale",
            "status",
            "activated_on",
            "review_on",
            "ended_on",
        )
    )


def protection_on_event_day() -> Subquery:
    """For a query of meter events: the protection of the event's customer in force on the event's day.

    The pk of the protection, or NULL if the customer was not protected that day (not yet activated,
    suspended, ended): a cut or a reduction is judged by the status on its own day, not today's.
    """
    in_force = Protection.objects.filter(customer=OuterRef("customer")).in_force_on(OuterRef("occurred_on"))
    return Subquery(in_force.values("pk")[:1])


def non_disconnectable_for(*, membership: Membership | None) -> QuerySet[Customer]:
    """Customers with a household member on life-support equipment: never to be cut (an absolute block)."""
    return (
        Customer.objects.visible_to(membership)
        .filter(person__household__life_support=True)
        .select_related("person", "utility")
        .prefetch_related("supply_points")
        .order_by("code")
    )


def incidents_for(*, membership: Membership | None, open_only: bool = False) -> QuerySet[Incident]:
    """Suspensions of protected or non-disconnectable supplies the member may see, newest first."""
    incidents = Incident.objects.visible_to(membership).select_related(
        "customer__person", "customer__utility", "supply_point", "suspension", "reconnection"
    )
    return incidents.open() if open_only else incidents


def get_incident_for(*, membership: Membership | None, pk: int) -> tuple[Incident, list[MeterEvent]]:
    """An incident and its timeline: the supply point's meter events from 60 days before the cut on."""
    incident = get_object_or_404(incidents_for(membership=membership), pk=pk)
    end = incident.closed_on or timezone.localdate()
    timeline = list(
        MeterEvent.objects.filter(
            supply_point=incident.supply_point_id,
            occurred_on__gte=incident.opened_on - timedelta(days=60),
            occurred_on__lte=end,
        ).order_by("occurred_on", "pk")
    )
    return incident, timeline


def evaluations_for(*, membership: Membership | None) -> QuerySet[Deadline]:
    """Evaluations after a reduction that wait (or waited) on the member's own organization."""
    return (
        Deadline.objects.visible_to(membership)
        .filter(step=steps.EVALUATE_REDUCTION, owner_id=membership.organization_id if membership else None)
        .select_related("person__household")
    )


def evaluation_queue_for(*, membership: Membership | None) -> QuerySet[Deadline]:
    """Customers whose supply was reduced, waiting for the municipality's evaluation, oldest first."""
    isee = Isee.objects.filter(household=OuterRef("person__household")).order_by("-issued_on", "-pk")
    customers = Customer.objects.filter(pk=OuterRef("subject_id"))
    last_reduction = MeterEvent.objects.filter(
        customer=OuterRef("subject_id"),
        kind__in=[MeterEventKind.POWER_REDUCTION, MeterEventKind.FLOW_LIMITATION],
    ).order_by("-occurred_on", "-pk")
    return (
        evaluations_for(membership=membership)
        .filter(met_on__isnull=True)
        .annotate(
            balance=Subquery(customers.annotate(b=balance_of()).values("b")[:1], output_field=MONEY),
            isee=Subquery(isee.values("value")[:1], output_field=MONEY),
            customer_code=Subquery(customers.values("code")[:1]),
            reduced_on=Subquery(last_reduction.values("occurred_on")[:1]),
            reduction_kind=Subquery(last_reduction.values("kind")[:1]),
            open_protection=Subquery(
                Protection.objects.filter(customer=OuterRef("subject_id"), status__in=OPEN_STATUSES).values(
                    "pk"
                )[:1]
            ),
        )
        .order_by("due_on", "pk")
    )


@dataclass
class Outcomes:
    active: int
    soft_cap: int
    baseline: Decimal
    current: Decimal
    reduction: Decimal | None  # share of the baseline debt no longer owed, e.g. 0.62
    suspensions: int
    incidents: int
    open_incidents: int

    @property
    def over_cap(self) -> bool:
        """More protections active than the list's agreed size."""
        return self.active > self.soft_cap


def outcomes_for(*, membership: Membership | None) -> Outcomes:
    """The seed's measures: active protections, (Σ baseline - Σ current) / Σ baseline, cuts this year.

    The cuts are the suspensions of customers protected on the day of the cut (the seed's "cuts kept
    to a minimum" is about the protected list, not every customer of the utility).
    """
    year = timezone.localdate().year
    active = protections_for(membership=membership, status=ProtectionStatus.ACTIVE)
    totals = active.aggregate(count=Count("pk"), baseline=Sum("baseline_debt"), current=Sum("current_debt"))
    baseline = quantize(totals["baseline"] or 0)
    current = quantize(totals["current"] or 0)
    incidents = Incident.objects.visible_to(membership).aggregate(
        year=Count("pk", filter=Q(opened_on__year=year)), open=Count("pk", filter=Q(closed_on__isnull=True))
    )
    suspensions = (
        MeterEvent.objects.filter(kind=MeterEventKind.SUSPENSION, occurred_on__year=year)
        .filter(customer__in=Customer.objects.visible_to(membership))
        .alias(protection_then=protection_on_event_day())
        .filter(protection_then__isnull=False)
        .count()
    )
    return Outcomes(
        active=totals["count"],
        soft_cap=settings.PROTECTION_SOFT_CAP,
        baseline=baseline,
        current=current,
        reduction=((baseline - current) / baseline).quantize(Decimal("0.001")) if baseline > 0 else None,
        suspensions=suspensions,
        incidents=incidents["year"],
        open_incidents=incidents["open"],
    )


def protection_history_for(*, membership: Membership | None, protection: Protection) -> list[HistoryEntry]:
    """Who changed which field of a protection (its reason included): the municipality's manager
    only, and only for a protection the one scoping function lets it see (in the query)."""
    if not (membership and membership.is_municipality and membership.is_manager):
        return []
    visible = Protection.objects.visible_to(membership).filter(pk=protection.pk).values("pk")
    return history_entries(Protection.history.filter(id__in=visible))
