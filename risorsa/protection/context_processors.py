from risorsa.protection.models import Incident


def incidents(request):
    """Open incidents are shown at once, on every page, to everyone who may see them (the partner:
    those of the people referred to it)."""
    membership = getattr(request, "membership", None)
    if not membership:
        return {}
    return {"open_incidents": Incident.objects.visible_to(membership).open().count()}
