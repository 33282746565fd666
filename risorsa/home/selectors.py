from django.db.models import Count, Q, Sum

from risorsa.audit.selectors import recent_access_count
from risorsa.coordination.selectors import todo_counts
from risorsa.core.money import quantize
from risorsa.ledger import figures
from risorsa.ledger.models import Arrears, ImportRun
from risorsa.organizations.models import Membership, OrganizationKind
from risorsa.protection.models import Protection, ProtectionStatus
from risorsa.protection.selectors import outcomes_for
from risorsa.registry.models import Household, Person


def dashboard_for(*, membership: Membership) -> dict:
    """What the home page shows to this member's organization kind (a fixed number of queries)."""
    kind = membership.organization.kind
    people = Person.objects.visible_to(membership)
    context = {
        "kind": kind,
        "people_count": people.count(),
        "todo": todo_counts(membership=membership),
    }
    if kind == OrganizationKind.MUNICIPALITY:
        context["households"] = Household.objects.visible_to(membership).aggregate(
            total=Count("pk"), life_support=Count("pk", filter=Q(life_support=True))
        )
        context["recent_reads"] = recent_access_count(membership=membership, days=30)
        context["protection"] = outcomes_for(membership=membership)
    if kind == OrganizationKind.UTILITY:
        context["protected_count"] = (
            Protection.objects.visible_to(membership).filter(status=ProtectionStatus.ACTIVE).count()
        )
    if kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY):
        owed = Arrears.objects.visible_to(membership).filter(service=Arrears.ALL, unpaid__gt=0)
        unpaid = figures.remembered(
            ("unpaid", membership.organization_id),
            lambda: owed.aggregate(total=Sum("unpaid"), customers=Count("pk")),
        )
        context["unpaid_total"] = quantize(unpaid["total"])
        context["customers_with_unpaid"] = unpaid["customers"]
        context["last_import"] = ImportRun.objects.visible_to(membership).first()
    return context
