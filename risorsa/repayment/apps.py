from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepaymentConfig(AppConfig):
    name = "risorsa.repayment"
    label = "repayment"
    verbose_name = _("Piani di rientro")

    def ready(self):
        from risorsa.coordination.daily import register_daily_job
        from risorsa.repayment import steps  # noqa: F401 - declares the app's steps
        from risorsa.repayment.services import follow_plans

        register_daily_job("piani di rientro", follow_plans)
