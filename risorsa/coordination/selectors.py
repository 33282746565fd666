"""Reads of the coordination core, scoped to the member in the query."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from risorsa.coordination.models import Deadline, SlaRule
from risorsa.coordination.steps import subject_querysets
from risorsa.organizations.models import Membership


def todo_for(*, membership: Membership | None, everyone: bool = False) -> QuerySet[Deadline]:
    """What waits on the member's organization (or, for the municipality, on anyone), overdue first.

    A deadline opened on a future date (the reminder of a review) is not in the queue yet.
    """
    deadlines = Deadline.objects.visible_to(membership).open().filter(opened_on__lte=timezone.localdate())
    if membership is not None and not everyone:
        deadlines = deadlines.filter(owner_id=membership.organization_id)
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
