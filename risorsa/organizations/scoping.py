"""Who sees which rows: one table of grants, applied by each model's one scoping function.

Apps register, in their AppConfig.ready(), what the members of an organization kind may see of
a subject: `PERSON` (the registry's people), `CUSTOMER` (a utility's customers, and through
them every row about a customer: supply points, bills, payments, credits, events, plans,
protections, interventions) or `INCIDENT` (the cuts of protected supplies, to kinds that see no
customer). A grant is a function of the membership returning a filter on the
subject's model; the scoping function of a model ORs the grants of the member's kind, so that a
later app (the work program giving the partner its people's credits) widens what a kind sees
without editing the apps that own the rows. No grant, no rows.

A grant must select each row at most once: write a many-valued relation as `pk__in=<subquery>`.
"""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import Q

from risorsa.organizations.models import Membership

PERSON = "person"
CUSTOMER = "customer"
# The cuts of protected or non-disconnectable supplies: seen by whoever sees the customer, and by
# the kinds an app grants them to (the partner, for the people referred to it).
INCIDENT = "incident"

Grant = Callable[[Membership], Q]
_grants: dict[tuple[str, str], list[Grant]] = defaultdict(list)


def register_grant(subject: str, kind: str, grant: Grant) -> None:
    """Let members of organizations of `kind` see the rows of `subject` that `grant(membership)` selects."""
    if grant not in _grants[subject, kind]:
        _grants[subject, kind].append(grant)


def granted(subject: str, membership: Membership | None) -> Q | None:
    """The filter on `subject` for this member, or None when they may see none of it."""
    if membership is None:
        return None
    grants = _grants.get((subject, membership.organization.kind))
    if not grants:
        return None
    condition = grants[0](membership)
    for grant in grants[1:]:
        condition |= grant(membership)
    return condition
