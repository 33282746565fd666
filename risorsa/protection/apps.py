from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "risorsa.protection"
    label = "protection"
    verbose_name = _("Tutela")

    def ready(self):
        from risorsa.ledger.importing.reactions import register_reaction
        from risorsa.ledger.matters import register_matter
        from risorsa.protection import steps  # noqa: F401 - declares the app's steps
        from risorsa.protection.services import react_to_meter_events

        register_reaction(react_to_meter_events)
        register_matter(
            code="protection",
            label=_("Tutela"),
            noun=_("Tutela"),
            dated="proposed_on",
            rows=protections_of_customers,
            order=10,
        )


def protections_of_customers(membership, customers):
    """The person page's protections (ledger.matters): what the member's scoping lets them read."""
    from risorsa.protection.models import Protection

    return Protection.objects.visible_to(membership).filter(customer_id__in=customers).order_by("-pk")
