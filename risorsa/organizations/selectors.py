from django.db.models import QuerySet

from risorsa.organizations.models import Membership, Organization


def membership_for(*, user) -> Membership | None:
    """The user's one membership with its organization, or None (anonymous, site admin)."""
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("organization").filter(user=user).first()


def organizations_of_kind(*, kind: str) -> QuerySet[Organization]:
    """Organizations of one kind, by name."""
    return Organization.objects.filter(kind=kind).order_by("name")
