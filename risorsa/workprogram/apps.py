from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkprogramConfig(AppConfig):
    name = "risorsa.workprogram"
    label = "workprogram"
    verbose_name = _("Risorsa Lavoro")

    def ready(self):
        from risorsa.workprogram import steps  # noqa: F401 - declares the app's steps
