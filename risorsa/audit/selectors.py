from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from risorsa.audit.models import AccessLog
from risorsa.organizations.models import Membership


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_for(
    *,
    membership: Membership | None,
    user: str = "",
    organization_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    people: QuerySet | None = None,
) -> QuerySet[AccessLog]:
    """The access rows this member may browse (scoped in the query), newest first, filtered by the
    user's name, the organization, the days (both included) and a set of people."""
    log = AccessLog.objects.visible_to(membership).select_related("user", "organization", "person")
    for term in user.split():
        log = log.filter(
            Q(user__username__icontains=term)
            | Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
        )
    if organization_id:
        log = log.filter(organization_id=organization_id)
    if since:
        log = log.filter(accessed_at__gte=_day_start(since))
    if until:
        log = log.filter(accessed_at__lt=_day_start(until + timedelta(days=1)))
    if people is not None:
        log = log.filter(person__in=people)
    return log


def recent_access_count(*, membership: Membership | None, days: int = 30) -> int:
    """How many reads by other organizations the member may browse, in the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    log = AccessLog.objects.visible_to(membership).filter(accessed_at__gte=since)
    if membership:
        log = log.exclude(organization_id=membership.organization_id)
    return log.count()
