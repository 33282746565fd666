from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepaymentConfig(AppConfig):
    name = "risorsa.repayment"
    label = "repayment"
    verbose_name = _("Piani di rientro")

    def ready(self):
        from risorsa.ledger.importing.reactions import register_reaction
        from risorsa.repayment.services import react_to_payments

        register_reaction(react_to_payments)
