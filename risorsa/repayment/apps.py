from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepaymentConfig(AppConfig):
    name = "risorsa.repayment"
    label = "repayment"
    verbose_name = _("Piani di rientro")

    def ready(self):
        from risorsa.coordination.daily import register_daily_job
        from risorsa.ledger.matters import register_matter
        from risorsa.repayment import steps  # noqa: F401 - declares the app's steps
        from risorsa.repayment.models import RepaymentPlan
        from risorsa.repayment.services import follow_plans

        register_daily_job("piani di rientro", follow_plans)
        register_matter(
            code="repayment",
            label=_("Piani di rientro"),
            noun=_("Piano di rientro"),
            dated="created_at",
            model=RepaymentPlan,
            order=20,
        )
