"""Reads of the work program, scoped to the member in the query (DOMAIN.md, who sees what).

The municipality reads its editions' projects; the partner the people referred to it (never
ISEE, assessments, other debts nor protections: the pages ask these selectors only for what it may
read); the utility only the track A placements its staff supervise and their timesheets.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from risorsa.coordination.models import Deadline
from risorsa.coordination.steps import step_label
from risorsa.core.money import quantize
from risorsa.core.workflow import transitions_seen_by
from risorsa.ledger.models import Credit, CreditStatus
from risorsa.organizations.models import Membership, OrganizationKind
from risorsa.workprogram.models import (
    PARTICIPATING,
    ContractText,
    Edition,
    EditionTiming,
    Placement,
    Referral,
    ReferralTransition,
    SocialContract,
    Timesheet,
    TimesheetEntry,
    TimesheetStatus,
    Track,
)

# ---- referrals --------------------------------------------------------------------------------


def referrals_for(
    *, membership: Membership | None, edition: Edition | None = None, status: str = ""
) -> QuerySet[Referral]:
    """The referrals the member may see (municipality: its editions'; partner: its own), newest first."""
    referrals = Referral.objects.visible_to(membership).select_related("person", "customer", "edition")
    if edition is not None:
        referrals = referrals.filter(edition=edition)
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-referred_on", "-pk")


def get_referral_for(*, membership: Membership | None, pk: int) -> Referral:
    """One referral the member may see, with its person, customer and edition; 404 otherwise."""
    referrals = Referral.objects.visible_to(membership).select_related(
        "person", "customer__utility", "edition__municipality", "edition__partner"
    )
    return get_object_or_404(referrals, pk=pk)


@dataclass(frozen=True)
class Statement:
    """Where a project stands: hours approved, work credits (applied by the utility or in transit)
    and what is still to be paid by work."""

    hours_approved: Decimal
    credits: Decimal
    applied: Decimal
    in_transit: Decimal
    remaining: Decimal
    hours_needed: int


def statement_for(*, referral: Referral) -> Statement:
    """The project's work credits (ledger credits held by the referral) against its amount; the hours
    still needed at the edition's net value, rounded up."""
    hours = Timesheet.objects.filter(placement__referral=referral, status=TimesheetStatus.APPROVED).aggregate(
        total=Sum("hours")
    )["total"]
    credits = Credit.objects.filter(
        holder_type=ContentType.objects.get_for_model(Referral), holder_id=referral.pk
    ).aggregate(
        applied=Sum("amount", filter=Q(status=CreditStatus.APPLIED)),
        in_transit=Sum("amount", filter=Q(status=CreditStatus.IN_TRANSIT)),
    )
    applied, in_transit = quantize(credits["applied"]), quantize(credits["in_transit"])
    total = applied + in_transit
    remaining = max(quantize(referral.project_amount - total), Decimal("0.00"))
    return Statement(
        hours_approved=quantize(hours),
        credits=total,
        applied=applied,
        in_transit=in_transit,
        remaining=remaining,
        hours_needed=referral.edition.hours_for(remaining),
    )


@dataclass(frozen=True)
class PathwayEntry:
    """One dated step of the pathway as the page lists it."""

    on: date
    step: str
    summary: str
    order: int


def pathway_for(*, referral: Referral) -> list[PathwayEntry]:
    """The steps recorded on a referral the member already sees (calls, tutor meetings, trainings,
    medical visits — outcome only —, activations), in date order."""
    entries: list[PathwayEntry] = []
    for call in referral.calls.all():
        summary = call.get_outcome_display() + (f" — {call.note}" if call.note else "")
        entries.append(PathwayEntry(call.on, _("Chiamata"), summary, 1))
    for meeting in referral.tutor_meetings.all():
        entries.append(PathwayEntry(meeting.on, _("Incontro con il tutor"), meeting.note, 2))
    for training in referral.trainings.all():
        summary = _("%(course)s, %(hours)s ore: %(result)s") % {
            "course": training.course,
            "hours": f"{training.hours.normalize():f}".replace(".", ","),
            "result": _("superato") if training.passed else _("non superato"),
        }
        entries.append(PathwayEntry(training.on, _("Corso di formazione"), summary, 3))
    for visit in referral.medical_visits.all():  # the outcome only: no diagnosis exists
        entries.append(PathwayEntry(visit.on, _("Visita medica"), visit.get_outcome_display(), 4))
    for activation in referral.activations.all():
        summary = _("riferimento %(reference)s") % {"reference": activation.reference}
        entries.append(PathwayEntry(activation.on, _("Attivazione dello strumento"), summary, 5))
    return sorted(entries, key=lambda entry: (entry.on, entry.order))


def contract_of(*, referral: Referral) -> SocialContract | None:
    """The social contract of a referral the member already sees, with its text and plan."""
    return SocialContract.objects.filter(referral=referral).select_related("text", "plan").first()


def get_contract_for(*, membership: Membership | None, pk: int) -> SocialContract:
    """A contract whose referral the member may see, with what its PDF prints; 404 otherwise."""
    contracts = SocialContract.objects.filter(
        referral__in=Referral.objects.visible_to(membership).values("pk")
    ).select_related(
        "text",
        "plan",
        "referral__person",
        "referral__customer__utility",
        "referral__edition__municipality",
        "referral__edition__partner",
    )
    return get_object_or_404(contracts, pk=pk)


def open_deadlines_for(*, referral: Referral, contract: SocialContract | None = None) -> QuerySet[Deadline]:
    """The steps still waiting on a referral the member already sees (and on its contract), whoever's turn."""
    subjects = Q(subject_type=ContentType.objects.get_for_model(Referral), subject_id=referral.pk)
    if contract is not None:
        subjects |= Q(subject_type=ContentType.objects.get_for_model(SocialContract), subject_id=contract.pk)
    return Deadline.objects.open().filter(subjects).select_related("owner").order_by("due_on", "pk")


def referral_transitions_for(
    *, membership: Membership | None, referral: Referral
) -> QuerySet[ReferralTransition]:
    """A referral's log of statuses, its reasons as the member may read them (core.workflow)."""
    return transitions_seen_by(ReferralTransition.objects.filter(referral=referral), membership)


@dataclass(frozen=True)
class ReferralPage:
    """What the referral page shows, each part read as the member may read it."""

    referral: Referral
    statement: Statement
    pathway: list[PathwayEntry]
    contract: SocialContract | None
    placements: list[Placement]
    deadlines: list[Deadline]
    transitions: list[ReferralTransition]


def referral_page_for(*, membership: Membership | None, referral: Referral) -> ReferralPage:
    """A referral the member already sees, with its statement, pathway, contract, placements, open
    deadlines and log (a fixed number of queries)."""
    contract = contract_of(referral=referral)
    return ReferralPage(
        referral=referral,
        statement=statement_for(referral=referral),
        pathway=pathway_for(referral=referral),
        contract=contract,
        placements=list(placements_for(membership=membership, referral=referral)),
        deadlines=list(open_deadlines_for(referral=referral, contract=contract)),
        transitions=list(referral_transitions_for(membership=membership, referral=referral)),
    )


# ---- placements and timesheets ----------------------------------------------------------------


def _placements(membership: Membership | None) -> QuerySet[Placement]:
    placements = Placement.objects.visible_to(membership)
    if membership is not None and membership.organization.kind == OrganizationKind.UTILITY:
        placements = placements.filter(track=Track.A)  # its staff supervise track A only
    return placements


def placements_for(*, membership: Membership | None, referral: Referral | None = None) -> QuerySet[Placement]:
    """The placements the member may see (the utility: the track A ones it supervises), newest first."""
    placements = _placements(membership).select_related(
        "referral__person", "referral__customer", "referral__edition", "supervisor"
    )
    if referral is not None:
        placements = placements.filter(referral=referral)
    return placements.order_by("-starts_on", "-pk")


def get_placement_for(*, membership: Membership | None, pk: int) -> Placement:
    """One placement the member may see, with its timesheets and their credits; 404 otherwise."""
    placements = (
        placements_for(membership=membership)
        .select_related("referral__customer__utility")
        .prefetch_related(
            Prefetch(
                "timesheets", queryset=Timesheet.objects.select_related("credit").order_by("-week_of", "-pk")
            ),
            Prefetch("timesheets__entries", queryset=TimesheetEntry.objects.order_by("on")),
        )
    )
    return get_object_or_404(placements, pk=pk)


def get_timesheet_for(*, membership: Membership | None, pk: int) -> Timesheet:
    """One timesheet of a placement the member may see; 404 otherwise."""
    timesheets = Timesheet.objects.filter(placement__in=_placements(membership).values("pk")).select_related(
        "placement__referral__edition", "placement__supervisor"
    )
    return get_object_or_404(timesheets, pk=pk)


# ---- editions and contract texts ---------------------------------------------------------------


def editions_for(*, membership: Membership | None) -> QuerySet[Edition]:
    """The editions the member may see: the municipality its own, the partner those it is the partner
    of, the utility those with a referral of one of its customers; with the people taking part."""
    if membership is None:
        return Edition.objects.none()
    organization = membership.organization_id
    kind = membership.organization.kind
    if kind == OrganizationKind.MUNICIPALITY:
        editions = Edition.objects.filter(municipality_id=organization)
    elif kind == OrganizationKind.PARTNER:
        editions = Edition.objects.filter(partner_id=organization)
    elif kind == OrganizationKind.UTILITY:
        editions = Edition.objects.filter(
            pk__in=Referral.objects.filter(customer__utility_id=organization).values("edition_id")
        )
    else:
        return Edition.objects.none()
    return (
        editions.select_related("municipality", "partner")
        .annotate(participants=Count("referrals", filter=Q(referrals__status__in=PARTICIPATING)))
        .order_by("-starts_on", "-pk")
    )


def get_edition_for(*, membership: Membership | None, pk: int) -> Edition:
    """One edition the member may see, with its agreed timings; 404 otherwise."""
    editions = editions_for(membership=membership).prefetch_related(
        Prefetch("timings", queryset=EditionTiming.objects.order_by("pk"))
    )
    return get_object_or_404(editions, pk=pk)


def open_editions_for(*, membership: Membership | None) -> QuerySet[Edition]:
    """The municipality's editions not ended yet: those a person may still be referred to."""
    if membership is None or membership.organization.kind != OrganizationKind.MUNICIPALITY:
        return Edition.objects.none()
    return Edition.objects.filter(
        municipality_id=membership.organization_id, ends_on__gte=timezone.localdate()
    ).order_by("-starts_on", "-pk")


@dataclass(frozen=True)
class TimingRow:
    """An agreed timing as the edition page lists it."""

    step: str
    label: str
    working_days: int


def timings_of(*, edition: Edition) -> list[TimingRow]:
    """An edition's agreed timings, in the order of the pathway, with the steps' names."""
    return [TimingRow(t.step, step_label(t.step), t.working_days) for t in edition.timings.all()]


def contract_texts_for(*, membership: Membership | None) -> QuerySet[ContractText]:
    """The versions of the municipality's contract text, newest first, with how many contracts use each."""
    return (
        ContractText.objects.visible_to(membership)
        .select_related("published_by")
        .annotate(contracts_count=Count("contracts"))
        .order_by("-version")
    )
