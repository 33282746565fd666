"""Reads of the reports: the edition report (the seed's table and its criticità, measured), scoped
to the member in the query. Every figure is computed from the records, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from risorsa.coordination.models import Deadline
from risorsa.coordination.steps import step_label
from risorsa.core.money import quantize
from risorsa.ledger.models import Credit, CreditKind, CreditStatus
from risorsa.organizations.models import Membership, OrganizationKind
from risorsa.registry.models import Citizenship, Sex
from risorsa.workprogram.models import (
    IN_PROGRESS,
    PARTICIPATING,
    Edition,
    EndOutcome,
    Referral,
    ReferralStatus,
    SocialContract,
    Timesheet,
    TimesheetEntry,
    TimesheetStatus,
)
from risorsa.workprogram.steps import EDITION_STEPS

RATE = Decimal("0.0001")
SCORE = Decimal("0.01")


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The `percent`-th percentile by the nearest-rank method: the smallest value with at least
    `percent`% of the values at or below it (always an observed value; None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))  # ceil(percent * n / 100), in integers
    return ordered[rank - 1]


@dataclass(frozen=True)
class Wait:
    """How long one organization kept one step waiting (`step` empty: all its steps together).

    Calendar days from opening to meeting (or to the report's day while still open); median and
    90th percentile by nearest rank; late: met after the due date, or still open past it.
    """

    step: str
    step_label: str
    owner_id: int
    owner_name: str
    deadlines: int
    still_open: int
    median_days: int
    p90_days: int
    late: int


@dataclass(frozen=True)
class EditionReport:
    """An edition's figures: the seed's table (people, men, women, Italian, foreign, arrears), the
    work done (hours, credits), the outcomes (completion, satisfaction) and the waits (contract to
    first work day; each step per organization). Medians and 90th percentiles are nearest-rank."""

    edition: Edition
    as_of: date
    # the seed's table
    people: int
    men: int
    women: int
    italian: int
    foreign: int
    arrears: Decimal
    # the work done
    hours: Decimal
    credited: Decimal
    credits_applied: Decimal
    # the outcomes
    ended: int
    completed: int
    completion_rate: Decimal | None
    satisfaction: Decimal | None
    satisfaction_answers: int
    # from the contract to the work (the seed's criticità)
    contracts_signed: int
    started_work: int
    days_to_work_median: int | None
    days_to_work_p90: int | None
    signed_not_started: int
    longest_wait_for_work: int | None
    # the waits on each organization
    waits: tuple[Wait, ...]
    waits_by_organization: tuple[Wait, ...]


def editions_with_reports_for(*, membership: Membership | None) -> QuerySet[Edition]:
    """The editions whose report the member reads: a municipality its own, a partner those it works
    in; a utility none. Newest first, with the people of each."""
    if membership is None:
        return Edition.objects.none()
    kind = membership.organization.kind
    if kind == OrganizationKind.MUNICIPALITY:
        editions = Edition.objects.filter(municipality_id=membership.organization_id)
    elif kind == OrganizationKind.PARTNER:
        editions = Edition.objects.filter(partner_id=membership.organization_id)
    else:
        return Edition.objects.none()
    return (
        editions.select_related("municipality", "partner")
        .annotate(
            people=Count("referrals__person", distinct=True, filter=Q(referrals__status__in=PARTICIPATING))
        )
        .order_by("-starts_on", "-pk")
    )


def get_edition_for_report(*, membership: Membership | None, pk: int) -> Edition:
    """One edition whose report the member reads; 404 otherwise."""
    return get_object_or_404(editions_with_reports_for(membership=membership), pk=pk)


def edition_report(*, edition: Edition, today: date | None = None) -> EditionReport:
    """The edition's report as of `today` (default: now), from the records only.

    People are the distinct persons of the edition's referrals in a participating status (referred
    and not turned away); foreign is every citizenship other than Italian (unknown included). The
    arrears are their project amounts; hours and credits those of the approved timesheets; credits
    applied the work credits the utility has applied. The first work day is the earliest day of a
    timesheet not rejected; "signed, not started" counts the people still in the pathway whose
    contract is signed and who have no work day yet. Medians and 90th percentiles are nearest-rank.
    """
    today = today or timezone.localdate()
    referrals = Referral.objects.filter(edition=edition)
    participating = referrals.filter(status__in=PARTICIPATING)

    people = participating.aggregate(
        people=Count("person", distinct=True),
        men=Count("person", distinct=True, filter=Q(person__sex=Sex.MALE)),
        women=Count("person", distinct=True, filter=Q(person__sex=Sex.FEMALE)),
        italian=Count("person", distinct=True, filter=Q(person__citizenship=Citizenship.ITALIAN)),
        arrears=Sum("project_amount"),
        ended=Count("pk", filter=Q(status=ReferralStatus.ENDED)),
        completed=Count("pk", filter=Q(status=ReferralStatus.ENDED, outcome=EndOutcome.COMPLETED)),
        answers=Count("satisfaction"),
        scores=Sum("satisfaction"),
    )
    work = Timesheet.objects.filter(
        placement__referral__edition=edition, status=TimesheetStatus.APPROVED
    ).aggregate(hours=Sum("hours"), credited=Sum("credited"))
    applied = Credit.objects.filter(
        kind=CreditKind.WORK,
        status=CreditStatus.APPLIED,
        holder_type=ContentType.objects.get_for_model(Referral),
        holder_id__in=referrals.values("pk"),
    ).aggregate(total=Sum("amount"))["total"]

    ended, completed, answers = people["ended"], people["completed"], people["answers"]
    latency = _contract_to_work(edition=edition, today=today)
    waits = _waits(edition=edition, today=today)
    return EditionReport(
        edition=edition,
        as_of=today,
        people=people["people"],
        men=people["men"],
        women=people["women"],
        italian=people["italian"],
        foreign=people["people"] - people["italian"],
        arrears=quantize(people["arrears"]),
        hours=quantize(work["hours"]),
        credited=quantize(work["credited"]),
        credits_applied=quantize(applied),
        ended=ended,
        completed=completed,
        completion_rate=_share(completed, ended, RATE),
        satisfaction=_share(people["scores"] or 0, answers, SCORE),
        satisfaction_answers=answers,
        waits=waits[0],
        waits_by_organization=waits[1],
        **latency,
    )


def _share(part: int, whole: int, places: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def _contract_to_work(*, edition: Edition, today: date) -> dict:
    """Calendar days from the first signature of the contract to the first work day."""
    contracts = SocialContract.objects.filter(
        referral__edition=edition,
        referral__status__in=PARTICIPATING,
        first_signed_on__isnull=False,
    ).values_list("referral_id", "referral__status", "first_signed_on")
    first_days = dict(
        TimesheetEntry.objects.filter(timesheet__placement__referral__edition=edition)
        .exclude(timesheet__status=TimesheetStatus.REJECTED)
        .values("timesheet__placement__referral_id")
        .annotate(first=Min("on"))
        .values_list("timesheet__placement__referral_id", "first")
    )
    to_work: list[int] = []
    waiting: list[int] = []
    signed = 0
    for referral_id, status, signed_on in contracts:
        if signed_on is None:  # filtered out above; said again for the type checker
            continue
        signed += 1
        first = first_days.get(referral_id)
        if first is not None:
            to_work.append((first - signed_on).days)
        elif status in IN_PROGRESS:
            waiting.append((today - signed_on).days)
    return {
        "contracts_signed": signed,
        "started_work": len(to_work),
        "days_to_work_median": nearest_rank(to_work, 50),
        "days_to_work_p90": nearest_rank(to_work, 90),
        "signed_not_started": len(waiting),
        "longest_wait_for_work": max(waiting, default=None),
    }


def _edition_deadlines(*, edition: Edition, today: date) -> QuerySet[Deadline]:
    """The deadlines about the edition's referrals, their contracts and their timesheets, already
    opened: three subqueries, whatever the number of people."""
    types = ContentType.objects.get_for_models(Referral, SocialContract, Timesheet)
    subjects = {
        Referral: Referral.objects.filter(edition=edition).values("pk"),
        SocialContract: SocialContract.objects.filter(referral__edition=edition).values("pk"),
        Timesheet: Timesheet.objects.filter(placement__referral__edition=edition).values("pk"),
    }
    about = Q()
    for model, pks in subjects.items():
        about |= Q(subject_type=types[model], subject_id__in=pks)
    return Deadline.objects.filter(about, step__in=EDITION_STEPS, opened_on__lte=today)


def _waits(*, edition: Edition, today: date) -> tuple[tuple[Wait, ...], tuple[Wait, ...]]:
    """Per step and organization, in the pathway's order; then per organization, all steps."""
    rows = _edition_deadlines(edition=edition, today=today).values_list(
        "step", "owner_id", "owner__short_name", "owner__name", "opened_on", "due_on", "met_on"
    )
    by_step: dict[tuple[str, int], list[tuple[int, bool, bool]]] = defaultdict(list)
    by_owner: dict[int, list[tuple[int, bool, bool]]] = defaultdict(list)
    names: dict[int, str] = {}
    for step, owner_id, short_name, name, opened_on, due_on, met_on in rows:
        end = met_on or today
        measure = ((end - opened_on).days, met_on is None, end > due_on)
        by_step[step, owner_id].append(measure)
        by_owner[owner_id].append(measure)
        names[owner_id] = short_name or name
    order = {step: index for index, step in enumerate(EDITION_STEPS)}
    per_step = tuple(
        _wait(step, owner_id, names[owner_id], measures)
        for (step, owner_id), measures in sorted(
            by_step.items(), key=lambda item: (order[item[0][0]], names[item[0][1]], item[0][1])
        )
    )
    per_owner = tuple(
        _wait("", owner_id, names[owner_id], measures)
        for owner_id, measures in sorted(by_owner.items(), key=lambda item: (names[item[0]], item[0]))
    )
    return per_step, per_owner


def _wait(step: str, owner_id: int, owner_name: str, measures: Iterable[tuple[int, bool, bool]]) -> Wait:
    measures = list(measures)
    days = [waited for waited, _open, _late in measures]
    return Wait(
        step=step,
        step_label=step_label(step) if step else "",
        owner_id=owner_id,
        owner_name=owner_name,
        deadlines=len(measures),
        still_open=sum(1 for _waited, still_open, _late in measures if still_open),
        median_days=nearest_rank(days, 50) or 0,
        p90_days=nearest_rank(days, 90) or 0,
        late=sum(1 for _waited, _open, late in measures if late),
    )
