"""Load the demo set-up: three organizations, nine logins, about 200 people. Idempotent."""

import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from risorsa.demo.ledger import EXTRACTION, write_files
from risorsa.demo.people import demo_people
from risorsa.ledger import services as ledger
from risorsa.ledger.models import ImportRun, ImportStatus
from risorsa.organizations.models import OrganizationKind, Role
from risorsa.organizations.services import ensure_member, ensure_organization
from risorsa.registry import services as registry
from risorsa.registry.models import FragilityLevel, Isee, Person

DEMO_PASSWORD = "risorsa-demo"  # noqa: S105 - demo data only, refused outside DEBUG/RISORSA_DEMO

ORGANIZATIONS = [
    (
        "comune",
        OrganizationKind.MUNICIPALITY,
        "Comune di Cremona — Servizi Sociali",
        "Comune di Cremona",
        "00297960197",
    ),
    ("aem", OrganizationKind.UTILITY, "AEM Cremona S.p.A.", "AEM", "01336280191"),
    (
        "ponte",
        OrganizationKind.PARTNER,
        "Centro di Solidarietà Il Ponte",
        "Il Ponte",
        "93004560194",
    ),
]
STAFF = {
    "comune": [("Giulia", "Ferrari"), ("Marco", "Bernardi"), ("Anna", "Rota")],
    "aem": [("Paolo", "Ghidetti"), ("Silvia", "Manfredi"), ("Luca", "Tedoldi")],
    "ponte": [("Chiara", "Boldori"), ("Davide", "Rizzi"), ("Elena", "Sacchi")],
}
ROLES = [Role.MANAGER, Role.OPERATOR, Role.READER]


class Command(BaseCommand):
    help = "Carica i dati dimostrativi (organizzazioni, utenti, anagrafica). Si può ripetere."

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError("I dati dimostrativi si caricano solo con DEBUG=1 o RISORSA_DEMO=1.")
        with transaction.atomic():
            members = self._organizations_and_logins()
            created = self._people(members["comune.responsabile"])
        imported = self._utility_files(members["aem.operatore"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Dati dimostrativi pronti: {created} persone nuove, {imported} file del gestore importati."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Accessi dimostrativi (password per tutti: {DEMO_PASSWORD})")
        for username, membership in members.items():
            self.stdout.write(
                f"  {username:<22} {membership.organization.display_name} — {membership.get_role_display()}"
            )
        self.stdout.write("")

    def _organizations_and_logins(self):
        members = {}
        for code, kind, name, short_name, fiscal_code in ORGANIZATIONS:
            organization = ensure_organization(
                code=code, kind=kind, name=name, short_name=short_name, fiscal_code=fiscal_code
            )
            for role, (first_name, last_name) in zip(ROLES, STAFF[code], strict=True):
                username = f"{code}.{role.value}"
                members[username] = ensure_member(
                    username=username,
                    organization=organization,
                    role=role,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@example.org",
                    password=DEMO_PASSWORD,
                )
        return members

    def _people(self, manager) -> int:
        rng = random.Random(2011)
        known = set(Person.objects.values_list("codice_fiscale", flat=True))
        created = 0
        households = {}
        for demo in demo_people():
            person = Person.objects.filter(codice_fiscale=demo.codice_fiscale).first()
            if demo.codice_fiscale not in known:
                person = registry.create_person(
                    membership=manager,
                    codice_fiscale=demo.codice_fiscale,
                    surname=demo.surname,
                    name=demo.name,
                    citizenship=demo.citizenship,
                    citizenship_country=demo.citizenship_country,
                    phone=demo.phone,
                    address=demo.address.split(",")[0],
                    city="Cremona",
                )
                created += 1
                if rng.random() < 0.3:
                    registry.record_assessment(
                        membership=manager,
                        person=person,
                        assessed_on=date(2010, 1, 11) + timedelta(days=rng.randrange(150)),
                        fragility=rng.choice(FragilityLevel.values),
                        notes="Colloquio in sede: situazione lavorativa precaria, arretrati sulle utenze.",
                    )
            if demo.household_key not in households:
                household = person.household or registry.create_household(
                    membership=manager,
                    person=person,
                    address=demo.address,
                    size=rng.choice([1, 2, 3, 4, 5]),
                    minors=0,
                    life_support=rng.random() < 0.03,
                )
                households[demo.household_key] = household
                self._isee(manager, household, random.Random(demo.household_key))
            elif person.household_id is None:
                registry.add_household_member(
                    membership=manager,
                    household=households[demo.household_key],
                    codice_fiscale=person.codice_fiscale,
                )
        return created

    def _utility_files(self, operator) -> int:
        """AEM's bills, payments and events for the demo people, through the importer itself."""
        imported = 0
        files = write_files(demo_people(), Path(settings.VAR_DIR) / "demo")
        for kind in ("fatture", "pagamenti", "eventi"):
            path = files[kind]
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            utility = operator.organization
            if ImportRun.objects.filter(utility=utility, sha256=digest, status=ImportStatus.DONE).exists():
                continue
            run = ledger.receive_file(
                utility=utility,
                kind=kind,
                as_of=EXTRACTION,
                source=path,
                file_name=path.name,
                started_by=operator.user,
            )
            run = ledger.run_import(run=run)
            if run.status != ImportStatus.DONE:
                raise CommandError(f"{path.name}: {run.failure or run.invalid_rows}")
            imported += 1
        return imported

    def _isee(self, manager, household, rng) -> None:
        protocol = f"INPS-ISEE-2010-{household.pk:08d}-00"
        value = Decimal(rng.randrange(150000, 2500000)) / 100
        if Isee.objects.filter(household=household, protocol=protocol).exists() or rng.random() > 0.8:
            return
        registry.record_isee(
            membership=manager,
            household=household,
            value=value,
            protocol=protocol,
            issued_on=date(2010, 1, 15),
            expires_on=date(2011, 1, 15),
        )
