from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "risorsa.privacy"
    label = "privacy"
    verbose_name = _("Diritti degli interessati e conservazione")

    def ready(self):
        from risorsa.coordination.daily import register_daily_job
        from risorsa.ledger.services import delete_expired_import_files
        from risorsa.privacy.services import anonymise_expired

        register_daily_job("file importati scaduti", delete_expired_import_files)
        register_daily_job("anonimizzazione", anonymise_expired)
