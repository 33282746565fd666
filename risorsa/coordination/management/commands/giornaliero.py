"""manage.py giornaliero: the daily follow-up (cron, systemd timer, or `make run` every hour)."""

from django.core.management.base import BaseCommand

from risorsa.coordination.daily import run_daily


class Command(BaseCommand):
    help = (
        "Giro giornaliero: rate non pagate dopo la tolleranza, piani decaduti o completati, quote "
        "utente e accrediti applicati. Si può ripetere o saltare un giorno: riprende dallo stato dei dati."
    )

    def handle(self, *args, **options):
        run = run_daily()
        since = f" (giro precedente: {run.previous_day:%d/%m/%Y})" if run.previous_day else ""
        self.stdout.write(self.style.SUCCESS(f"Giro giornaliero del {run.day:%d/%m/%Y}{since}"))
        for job, counts in run.outcome.items():
            figures = ", ".join(f"{label} {value}" for label, value in counts.items())
            self.stdout.write(f"  {job}: {figures or 'niente da fare'}")
