"""manage.py anonimizza [--al AAAA-MM-GG] [--dry-run] [--senza-barra]"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from risorsa.privacy import services


class Command(BaseCommand):
    help = (
        "Anonimizza le persone senza casi aperti e senza attività da PERSONAL_DATA_RETENTION_YEARS anni "
        "(lo fa anche il giro giornaliero): importi, date e conteggi restano."
    )

    def add_arguments(self, parser):
        parser.add_argument("--al", type=date.fromisoformat, help="giorno di riferimento AAAA-MM-GG (oggi)")
        parser.add_argument("--dry-run", action="store_true", help="conta soltanto, senza cambiare nulla")
        parser.add_argument("--senza-barra", action="store_true", help="nessuna barra di avanzamento")

    def handle(self, *args, **options):
        today = options["al"] or timezone.localdate()
        cutoff = services.retention_cutoff(today)
        ids = list(services.people_to_anonymise(today=today).values_list("pk", flat=True))
        if options["dry_run"]:
            self.stdout.write(
                f"{len(ids)} persone senza casi aperti né attività dal {cutoff:%d/%m/%Y}: "
                "da anonimizzare (nessuna modifica: --dry-run)."
            )
            return
        done = 0
        with tqdm(total=len(ids), unit=" persone", disable=options["senza_barra"], file=self.stderr) as bar:
            for start in range(0, len(ids), services.BATCH):
                done += services.anonymise(
                    person_ids=ids[start : start + services.BATCH], today=today, progress=bar.update
                )
        self.stdout.write(
            self.style.SUCCESS(f"{done} persone anonimizzate (nessuna attività dal {cutoff:%d/%m/%Y}).")
        )
