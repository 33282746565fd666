"""manage.py interessato CODICE_FISCALE [--formato json|pdf] [--output FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from risorsa.privacy.exports import FORMATS, subject_export
from risorsa.registry.models import Person


class Command(BaseCommand):
    help = (
        "Esporta tutto ciò che Risorsa conserva su una persona (accesso dell'interessato, art. 15 GDPR), "
        "in JSON o PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("codice_fiscale")
        parser.add_argument("--formato", choices=sorted(FORMATS), default="json")
        parser.add_argument("--output", type=Path, help="file da scrivere (JSON: predefinito lo schermo)")

    def handle(self, *args, **options):
        code = "".join(options["codice_fiscale"].split()).upper()
        person = Person.objects.filter(codice_fiscale=code).first()
        if person is None:
            raise CommandError(f"Nessuna persona con codice fiscale {code}.")
        content, _type, _name = subject_export(person=person, fmt=options["formato"])
        output: Path | None = options["output"]
        if output is None:
            if options["formato"] == "pdf":
                raise CommandError("Per il PDF indica il file con --output.")
            self.stdout.write(content.decode())
            return
        output.write_bytes(content)
        output.chmod(0o600)
        self.stderr.write(self.style.SUCCESS(f"Scritto {output} ({len(content)} byte)."))
