from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "risorsa.coordination"
    label = "coordination"
    verbose_name = _("Coordinamento")

    def ready(self):
        from risorsa.coordination.daily import react_to_payments, register_daily_job
        from risorsa.ledger.importing.reactions import register_reaction
        from risorsa.ledger.services import mark_interrupted_imports

        register_reaction(react_to_payments)
        register_daily_job("importazioni interrotte", mark_interrupted_imports)
