"""Who may see a person: the municipality sees everyone; other kinds through grants.

Apps further down the layering (ledger: a utility's own customers; workprogram: the
people referred to a partner) register a grant for their organization kind in their
AppConfig.ready(), so that the registry never imports them and scoping stays one
query filter.
"""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import Q

from risorsa.organizations.models import Membership, OrganizationKind

PersonGrant = Callable[[Membership], Q]
_grants: dict[str, list[PersonGrant]] = defaultdict(list)


def register_person_grant(kind: str, grant: PersonGrant) -> None:
    """Let members of `kind` see the people that `grant(membership)` selects."""
    if grant not in _grants[kind]:
        _grants[kind].append(grant)


def person_filter(membership: Membership | None) -> Q | None:
    """The filter on Person for this member, or None when they may see no one."""
    if membership is None:
        return None
    kind = membership.organization.kind
    if kind == OrganizationKind.MUNICIPALITY:
        return Q()
    grants = _grants.get(kind, [])
    if not grants:
        return None
    condition = Q(pk__in=[])
    for grant in grants:
        condition |= grant(membership)
    return condition
