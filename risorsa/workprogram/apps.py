from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkprogramConfig(AppConfig):
    name = "risorsa.workprogram"
    label = "workprogram"
    verbose_name = _("Risorsa Lavoro")

    def ready(self):
        from risorsa.coordination.steps import register_subject
        from risorsa.workprogram import steps  # noqa: F401 - declares the app's steps
        from risorsa.workprogram.models import Referral

        # The partner's to-do list names each referral by its person and edition.
        register_subject(Referral, lambda: Referral.objects.select_related("person", "edition"))
