from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "risorsa.coordination"
    label = "coordination"
    verbose_name = _("Coordinamento")

    def ready(self):
        from risorsa.coordination.daily import react_to_payments
        from risorsa.ledger.importing.reactions import register_reaction

        register_reaction(react_to_payments)
