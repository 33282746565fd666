from django.contrib.auth import get_user_model
from django.db import transaction

from risorsa.organizations.models import Membership, Organization


@transaction.atomic
def ensure_organization(
    *,
    code: str,
    kind: str,
    name: str,
    short_name: str,
    fiscal_code: str,
    codice_catastale: str | None = None,
    default_municipality: Organization | None = None,
) -> Organization:
    """Create or update the organization with this code (idempotent), validated. A municipality
    names its territory (`codice_catastale`); a utility its `default_municipality`."""
    organization = Organization.objects.filter(code=code).first() or Organization(code=code)
    organization.kind = kind
    organization.name = name
    organization.short_name = short_name
    organization.fiscal_code = fiscal_code
    organization.codice_catastale = codice_catastale
    organization.default_municipality = default_municipality
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def ensure_member(
    *,
    username: str,
    organization: Organization,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
) -> Membership:
    """Create or update a user and their one membership (idempotent)."""
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    if password is not None:
        user.set_password(password)
    user.save()
    membership = Membership.objects.filter(user=user).first() or Membership(user=user)
    membership.organization = organization
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership
