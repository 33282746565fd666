from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "risorsa.interventions"
    label = "interventions"
    verbose_name = _("Interventi spot")

    def ready(self):
        from risorsa.coordination.daily import register_daily_job
        from risorsa.interventions import steps  # noqa: F401 - declares the app's steps
        from risorsa.interventions.services import follow_interventions

        register_daily_job("interventi", follow_interventions)
