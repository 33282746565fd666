from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "risorsa.registry"
    label = "registry"
    verbose_name = _("Anagrafica")

    def ready(self):
        from risorsa.organizations.models import OrganizationKind
        from risorsa.organizations.scoping import PERSON, register_grant

        register_grant(PERSON, OrganizationKind.MUNICIPALITY, own_registry)


def own_registry(membership) -> Q:
    """A municipality sees the people its registry keeps, and no other municipality's."""
    return Q(organization_id=membership.organization_id)
