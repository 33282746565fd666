from risorsa.organizations.models import OrganizationKind
from risorsa.protection.models import Incident


def incidents(request):
    """Open incidents are shown at once, on every page, to everyone who may see them."""
    membership = getattr(request, "membership", None)
    if not membership or membership.organization.kind == OrganizationKind.PARTNER:
        return {}
    return {"open_incidents": Incident.objects.visible_to(membership).open().count()}
