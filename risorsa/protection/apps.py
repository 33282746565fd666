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
        from risorsa.protection.models import Protection
        from risorsa.protection.services import react_to_meter_events

        register_reaction(react_to_meter_events)
        register_matter(
            code="protection",
            label=_("Tutela"),
            noun=_("Tutela"),
            dated="proposed_on",
            model=Protection,
            order=10,
        )
