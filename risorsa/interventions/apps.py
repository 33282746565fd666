from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "risorsa.interventions"
    label = "interventions"
    verbose_name = _("Interventi spot")

    def ready(self):
        from risorsa.interventions.services import react_to_payments
        from risorsa.ledger.importing.reactions import register_reaction

        register_reaction(react_to_payments)
