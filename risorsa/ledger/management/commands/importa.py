"""manage.py importa {fatture,pagamenti,eventi} FILE [--gestore CODICE] [--al AAAA-MM-GG] [--modo MODO]"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from risorsa.core.exceptions import DomainError
from risorsa.ledger import services
from risorsa.ledger.importing.engine import ImportFailed
from risorsa.ledger.models import ImportKind, ImportMode, ImportStatus
from risorsa.organizations.models import Organization, OrganizationKind

SHOWN_ISSUES = 200


class Command(BaseCommand):
    help = "Importa un file del gestore (fatture, pagamenti, eventi): tutto o niente, ripetibile."

    def add_arguments(self, parser):
        parser.add_argument("tipo", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--gestore", help="codice del gestore (predefinito: l'unico configurato)")
        parser.add_argument("--al", type=date.fromisoformat, help="data di estrazione AAAA-MM-GG (oggi)")
        parser.add_argument("--modo", choices=ImportMode.values, default=ImportMode.INCREMENTAL)
        parser.add_argument("--senza-barra", action="store_true", help="nessuna barra di avanzamento")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"File non trovato: {path}")
        try:
            utility = self._utility(options["gestore"])
            run = services.receive_file(
                utility=utility,
                kind=options["tipo"],
                mode=options["modo"],
                as_of=options["al"] or timezone.localdate(),
                source=path,
                file_name=path.name,
                copy=False,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        with tqdm(total=None, unit=" righe", disable=options["senza_barra"], file=self.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                run = services.run_import(run=run, progress=progress)
            except ImportFailed as failure:  # its message names the run, never a row's values
                raise CommandError(str(failure)) from None
        self._summary(run)
        if run.status != ImportStatus.DONE:
            raise CommandError("File rifiutato: nessun dato è stato scritto.")

    def _utility(self, code: str | None) -> Organization:
        if not code:
            return services.default_utility()
        utility = Organization.objects.filter(kind=OrganizationKind.UTILITY, code=code).first()
        if utility is None:
            raise DomainError(f"Gestore sconosciuto: {code}")
        return utility

    def _summary(self, run) -> None:
        for warning in run.warning_texts:
            self.stdout.write(self.style.WARNING(f"Avviso: {warning}"))
        if run.status == ImportStatus.DONE:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{run.file_name}: {run.created} nuove, {run.updated} aggiornate, "
                    f"{run.unchanged} invariate, {run.closed} chiuse, {run.superseded} superate"
                    + (
                        f"; {run.people_created} persone aggiunte all'anagrafica"
                        if run.people_created
                        else ""
                    )
                )
            )
            return
        if run.failure:
            self.stderr.write(self.style.ERROR(run.failure))
        self.stderr.write(self.style.ERROR(f"{run.file_name}: {run.invalid_rows} righe non valide"))
        for issue in run.issues.all()[:SHOWN_ISSUES]:
            self.stderr.write(f"  {issue.message}")
        if run.issues.count() > SHOWN_ISSUES:
            self.stderr.write(
                f"  … e altre {run.issues.count() - SHOWN_ISSUES}: vedi lo storico importazioni"
            )
