from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def utility_customers(membership) -> Q:
    """A utility sees the people who are its own customers."""
    return Q(customers__utility_id=membership.organization_id)


class LedgerConfig(AppConfig):
    name = "risorsa.ledger"
    label = "ledger"
    verbose_name = _("Morosità")

    def ready(self):
        from risorsa.organizations.models import OrganizationKind
        from risorsa.registry.access import register_person_grant

        register_person_grant(OrganizationKind.UTILITY, utility_customers)
