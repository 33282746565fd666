from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def own_territory(membership) -> Q:
    """A municipality sees the customers whose supply points lie in its territory."""
    return Q(municipality_id=membership.organization_id)


def own_customers(membership) -> Q:
    """A utility sees its own customers, and nothing of the registry beyond what it sent."""
    return Q(utility_id=membership.organization_id)


class LedgerConfig(AppConfig):
    name = "risorsa.ledger"
    label = "ledger"
    verbose_name = _("Morosità")

    def ready(self):
        from risorsa.organizations.models import OrganizationKind
        from risorsa.organizations.scoping import CUSTOMER, register_grant
        from risorsa.registry.panels import register_panel

        register_grant(CUSTOMER, OrganizationKind.MUNICIPALITY, own_territory)
        register_grant(CUSTOMER, OrganizationKind.UTILITY, own_customers)
        register_panel(template="ledger/partials/people_customers.html", reader=customers_panel)


def customers_panel(*, membership, people):
    """The "Utenze e debiti" section of a person's and a household's page (registry.panels)."""
    from risorsa.ledger.selectors import customers_of_people

    holdings = customers_of_people(membership=membership, people=people)
    return None if holdings is None else {"holdings": holdings}
