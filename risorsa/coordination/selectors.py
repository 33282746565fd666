"""Reads of the coordination core, scoped to the member in the query."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, Model, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from risorsa.coordination.models import Deadline, SlaRule
from risorsa.coordination.steps import steps_met_by, subject_querysets
from risorsa.organizations.models import Membership


def _open_now(membership: Membership | None) -> QuerySet[Deadline]:
    """The open deadlines the member sees, once opened (the reminder of a review waits its day)."""
    return Deadline.objects.visible_to(membership).open().filter(opened_on__lte=timezone.localdate())


def _queue(deadlines: QuerySet[Deadline], membership: Membership | None) -> QuerySet[Deadline]:
    # The municipality's rows name the person; the others' name the subject, fetched with what its
    # name reads (coordination.steps.register_subject).
    subjects: str | GenericPrefetch = "subject"
    if membership is not None and not membership.is_municipality:
        subjects = GenericPrefetch("subject", subject_querysets())
    return (
        deadlines.select_related("owner", "person", "subject_type")
        .prefetch_related(subjects)
        .order_by("due_on", "pk")
    )


def _met_by_role(membership: Membership) -> Q:
    """The steps the member's role meets (coordination.steps: the roles of the action meeting each)."""
    codes = steps_met_by(membership.role)
    return Q(step__in=codes) if codes else Q(pk__in=[])


def todo_for(*, membership: Membership | None, everyone: bool = False) -> QuerySet[Deadline]:
    """What the member has to do: the steps waiting on their organization that their role meets,
    overdue first (or, for the municipality's overview, what waits on anyone about its people).

    A step their role does not meet (the manager's approval, for an operator; every step, for a
    reader) is not theirs to do: `awaiting_other_role_for` lists it. A deadline opened on a future
    date (the reminder of a review) is not in the queue yet.
    """
    deadlines = _open_now(membership)
    if membership is not None and not everyone:
        deadlines = deadlines.filter(_met_by_role(membership), owner_id=membership.organization_id)
    return _queue(deadlines, membership)


def awaiting_other_role_for(*, membership: Membership | None) -> QuerySet[Deadline]:
    """The steps waiting on the member's organization that another role meets (the manager), to
    be read and not done: for a reader, all of their organization's steps."""
    if membership is None:
        return Deadline.objects.none()
    deadlines = _open_now(membership).filter(owner_id=membership.organization_id)
    return _queue(deadlines.exclude(_met_by_role(membership)), membership)


def todo_counts(*, membership: Membership) -> dict[str, int]:
    """The to-do card's figures, in one query, counting what `todo_for` and
    `awaiting_other_role_for` list: the member's steps, how many are late, and how many wait on
    another role of their organization."""
    mine = _met_by_role(membership)
    late = Q(due_on__lt=timezone.localdate())
    return (
        _open_now(membership)
        .filter(owner_id=membership.organization_id)
        .aggregate(
            total=Count("pk", filter=mine),
            late=Count("pk", filter=mine & late),
            awaiting=Count("pk", filter=~mine),
        )
    )


def sla_rules(*, membership: Membership | None) -> QuerySet[SlaRule]:
    """The SLA tables the member reads: a municipality its own, others every territory's."""
    return (
        SlaRule.objects.visible_to(membership)
        .select_related("municipality", "updated_by")
        .order_by("municipality__name", "step")
    )


def get_sla_rule(*, membership: Membership | None, pk: int) -> SlaRule:
    return get_object_or_404(SlaRule.objects.visible_to(membership), pk=pk)


def latest_deadline(*, subject: Model, step: str) -> Deadline | None:
    """The most recent deadline of a step for a subject, met or not."""
    return (
        Deadline.objects.filter(
            step=step, subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
        .order_by("-opened_on", "-pk")
        .first()
    )
