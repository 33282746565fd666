"""Load the demo set-up: two municipalities, two utilities and a partner, three logins each, about
200 people in Cremona and a few A2A customers in Crema, and their story up to today: two years of
bills, the protections, plans and spot interventions, and the work program's editions (the seed's
two as the last two completed cycles, the current one under way). Idempotent: the story is told
once, dated from the day it was first loaded (`risorsa.demo.clock`)."""

import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from risorsa.coordination.models import Deadline
from risorsa.coordination.services import meet_deadlines
from risorsa.core.calendar import add_months, add_working_days, next_working_day
from risorsa.demo.clock import DemoClock
from risorsa.demo.ledger import (
    BILL_HEADER,
    PROPOSALS,
    bills_file,
    demo_ledger,
    events_file,
    italian_amount,
    open_bill_rows,
    payment_rows,
    payments_file,
    protection_dates,
)
from risorsa.demo.people import demo_people
from risorsa.demo.synthetic import write_bills, write_payments
from risorsa.demo.workprogram import WorkProgram, cast_for
from risorsa.interventions import services as intervention_services
from risorsa.ledger import services as ledger
from risorsa.ledger.models import Bill, Customer, ImportRun, ImportStatus
from risorsa.ledger.selectors import balance_for
from risorsa.organizations.models import OrganizationKind, Role
from risorsa.organizations.services import ensure_member, ensure_organization
from risorsa.protection import services as protection_services
from risorsa.protection import steps as protection_steps
from risorsa.protection.models import ContactChannel, EndReason, Protection
from risorsa.protection.services import REVIEW_NOTICE_DAYS
from risorsa.registry import codice_fiscale as cf
from risorsa.registry import services as registry
from risorsa.registry.models import FragilityLevel, Isee, Person
from risorsa.repayment import services as repayment
from risorsa.repayment.schedule import Terms

DEMO_PASSWORD = "risorsa-demo"  # noqa: S105 - demo data only, refused outside DEBUG/RISORSA_DEMO
# One hash for every demo login (they share the password anyway): the slow hasher runs once, not
# fifteen times, and the same salt makes a second run leave the hashes as they are.
DEMO_SALT = "risorsademoCremonaAEMilPonte2010"  # 128 bits: a shorter salt is re-hashed at every login

# code, kind, name, short name, fiscal code, codice catastale (a municipality's territory),
# default municipality (of a utility's rows without codice_comune). Crema and A2A are the other
# territory and the other utility: each organization sees only its own.
ORGANIZATIONS = [
    (
        "comune",
        OrganizationKind.MUNICIPALITY,
        "Comune di Cremona — Servizi Sociali",
        "Comune di Cremona",
        "00297960197",
        "D150",
        None,
    ),
    ("aem", OrganizationKind.UTILITY, "AEM Cremona S.p.A.", "AEM", "01336280191", None, "comune"),
    (
        "ponte",
        OrganizationKind.PARTNER,
        "Centro di Solidarietà Il Ponte",
        "Il Ponte",
        "93004560194",
        None,
        None,
    ),
    (
        "crema",
        OrganizationKind.MUNICIPALITY,
        "Comune di Crema — Servizi Sociali",
        "Comune di Crema",
        "91035680197",
        "D142",
        None,
    ),
    ("a2a", OrganizationKind.UTILITY, "A2A Energia S.p.A.", "A2A", "12883450152", None, "crema"),
]
STAFF = {
    "comune": [("Giulia", "Ferrari"), ("Marco", "Bernardi"), ("Anna", "Rota")],
    "aem": [("Paolo", "Ghidetti"), ("Silvia", "Manfredi"), ("Luca", "Tedoldi")],
    "ponte": [("Chiara", "Boldori"), ("Davide", "Rizzi"), ("Elena", "Sacchi")],
    "crema": [("Franca", "Bonizzi"), ("Stefano", "Moretti"), ("Laura", "Cattaneo")],
    "a2a": [("Roberto", "Villa"), ("Marta", "Colombo"), ("Giorgio", "Brambilla")],
}
ROLES = [Role.MANAGER, Role.OPERATOR, Role.READER]


REASONS = [
    "Nucleo monoreddito con due minori; il padre ha perso il lavoro a gennaio.",
    "Persona anziana sola, pensione minima, seguita dal servizio domiciliare.",
    "Madre sola con tre figli, lavoro saltuario; in carico al servizio minori.",
    "Invalidità civile al 100% di un componente; spese sanitarie elevate.",
    "Famiglia sfrattata e ricollocata in alloggio comunale; debiti pregressi.",
    "Cassa integrazione a zero ore da sei mesi; mutuo in sospensione.",
]


# `--scala`: ten bills a customer, one every 36 days over the year before the scale extraction.
SCALE_BILLS_PER_CUSTOMER = 10
SCALE_GAP_DAYS = 36

CREMA_PEOPLE = [
    ("BONVICINI", "ROSA", "F"),
    ("GUERINI", "ANGELO", "M"),
    ("STANGA", "LUISA", "F"),
    ("ZANINI", "PIETRO", "M"),
    ("DONATI", "CARLA", "F"),
    ("MARAZZI", "FRANCO", "M"),
]


def other_territory_bills(folder: Path, clock: DemoClock) -> Path:
    """A2A's bills in Crema (its default territory: no codice_comune column needed)."""
    rows = []
    for index, (surname, name, sex) in enumerate(CREMA_PEOPLE):
        code = cf.encode(
            surname=surname,
            name=name,
            sex=sex,
            birth_date=date(1955 + 4 * index, 3, 1 + index),
            birth_place_code="D142",
        )
        for months in (3, 1):
            issued = add_months(clock.extraction, -months).replace(day=1)
            amount = 9000 + 2500 * index + 100 * issued.month
            rows.append(
                f"A2A{index:05d};{code};{surname};{name};GAS;{880000000000 + index:014d};"
                f"Via Mazzini {index + 1}, Crema;A2A/{issued:%Y}/{index:04d}{issued:%m};{issued:%d/%m/%Y};"
                f"{issued + timedelta(days=20):%d/%m/%Y};{italian_amount(amount)};"
                f"{italian_amount(amount if index % 2 else 0)}"
            )
    path = folder / "a2a_fatture.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([BILL_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _review_opened(protection, clock: DemoClock) -> bool:
    """Whether the protection's six-monthly review is in the municipality's queue already."""
    due_on = next_working_day(protection.review_on)
    return add_working_days(due_on, -REVIEW_NOTICE_DAYS) <= clock.today


def edition_names(value: str) -> tuple[str, str]:
    names = tuple(name.strip() for name in value.split(","))
    if len(names) != 2 or not all(names) or any(len(name) > 20 for name in names):
        raise CommandError('--edizioni: due nomi separati da una virgola, per esempio "2009/10,2010/11".')
    return names


class Command(BaseCommand):
    help = (
        "Carica i dati dimostrativi (organizzazioni, utenti, anagrafica e la loro storia). Si può ripetere."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scala",
            type=int,
            default=0,
            metavar="N",
            help="aggiunge N clienti di AEM a Cremona (10 fatture ciascuno, pagamenti, tutele allo 0,1%%) "
            "per provare il prodotto e misurarlo alle dimensioni di un territorio",
        )
        parser.add_argument(
            "--edizioni",
            type=edition_names,
            default=None,
            metavar="A,B",
            help="i nomi delle due edizioni concluse di Risorsa Lavoro (predefiniti: gli ultimi due anni "
            "da settembre ad agosto, per esempio 2024/25 e 2025/26)",
        )
        parser.add_argument("--senza-barra", action="store_true", help="nessuna barra di avanzamento")

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError("I dati dimostrativi si caricano solo con DEBUG=1 o RISORSA_DEMO=1.")
        bar = not options["senza_barra"]
        # DEBUG keeps a log of every query, and on SQLite each logged query costs another one
        # (to quote its parameters): that would more than double the load. Not needed here.
        with override_settings(DEBUG=False):
            with transaction.atomic():
                members = self._organizations_and_logins()
                clock = self._clock(members["aem.operatore"].organization)
                created = self._people(members["comune.responsabile"], clock)
            imported = 0
            if not self._told(members["aem.operatore"].organization):
                with transaction.atomic():
                    imported = self._story(members, clock, options["edizioni"], bar=bar)
            if options["scala"] > 0:
                imported += self._territory_at_scale(members, clock, options["scala"], bar=bar)
        self.stdout.write(
            self.style.SUCCESS(
                f"Dati dimostrativi pronti al {clock.today:%d/%m/%Y}: {created} persone nuove, "
                f"{imported} file del gestore importati."
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
        organizations = {}
        for code, kind, name, short_name, fiscal_code, catastale, default in ORGANIZATIONS:
            organization = organizations[code] = ensure_organization(
                code=code,
                kind=kind,
                name=name,
                short_name=short_name,
                fiscal_code=fiscal_code,
                codice_catastale=catastale,
                default_municipality=organizations[default] if default else None,
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
                )
        hashed = make_password(DEMO_PASSWORD, DEMO_SALT)
        users = get_user_model().objects.filter(username__in=members).exclude(password=hashed)
        for user in users:  # the demo's password, set again if someone changed it
            user.password = hashed
            user.save(update_fields=["password"])
        return members

    def _clock(self, utility) -> DemoClock:
        """The day the story was first told (its last file of the utility is dated then), or today."""
        told = ImportRun.objects.filter(
            utility=utility, file_name__startswith="aem-", status=ImportStatus.DONE
        )
        return DemoClock(today=told.aggregate(day=Max("as_of"))["day"] or timezone.localdate())

    def _told(self, utility) -> bool:
        return ImportRun.objects.filter(
            utility=utility, file_name__startswith="aem-", status=ImportStatus.DONE
        ).exists()

    def _people(self, manager, clock: DemoClock) -> int:
        rng = random.Random(2011)
        registry_of = Person.objects.filter(organization=manager.organization)
        known = set(registry_of.values_list("codice_fiscale", flat=True))
        created = 0
        households = {}
        for demo in demo_people():
            person = registry_of.filter(codice_fiscale=demo.codice_fiscale).first()
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
                        assessed_on=clock.today - timedelta(days=rng.randrange(30, 400)),
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
                self._isee(manager, household, random.Random(demo.household_key), clock)
            elif person.household_id is None:
                registry.add_household_member(
                    membership=manager,
                    household=households[demo.household_key],
                    codice_fiscale=person.codice_fiscale,
                )
        return created

    def _story(self, members, clock: DemoClock, names: tuple[str, str] | None, *, bar: bool) -> int:
        """Two years of the utility's files through the importer itself, with the municipality's
        and the partner's work between them, in the order of their days.

        The order is the story: the work program's two completed editions (the bills of their
        people, the pathways, the payments settling their work credits); the snapshot of six
        months ago, then the protections of the most fragile customers, the meter events and the
        payments since; the current edition; the plans and spot interventions; the last snapshot
        (every bill still open, the new ones too); today's payments.
        """
        operator = members["aem.operatore"]
        municipality = members["comune.operatore"].user
        folder = Path(settings.VAR_DIR) / "demo" / f"{clock.today:%Y%m%d}"
        people = demo_people()
        cast = cast_for(people, clock, names)
        book = demo_ledger(people, clock, starts=cast.bills_from(), working=cast.in_progress())
        cast.find_bills(book)
        program = WorkProgram(members=members, clock=clock, cast=cast, folder=folder, receive=self._import)
        program.start()
        with tqdm(desc="storia", unit=" passi", total=0, disable=not bar, file=self.stderr) as progress:

            def run() -> None:
                progress.total += program.steps()
                program.run(lambda: progress.update(1))

            editions = [program.plan_completed(0)]
            run()
            imported = program.settle(editions[0], until=clock.today)
            editions.append(program.plan_completed(1))
            run()
            imported += program.settle(editions[1], until=clock.today)
            first = clock.first_extraction
            imported += self._import(
                operator, "fatture", bills_file(folder / f"aem-fatture-{first:%Y%m%d}.csv", book.first), first
            )
            self._protections(municipality, book.protected, clock)
            last = clock.extraction
            imported += self._import(
                operator, "eventi", events_file(folder / f"aem-eventi-{last:%Y%m%d}.csv", book), last
            )
            paid = payments_file(folder / f"aem-pagamenti-{last:%Y%m%d}.csv", payment_rows(book))
            imported += self._import(operator, "pagamenti", paid, last)
            self._follow_up(municipality, clock)
            editions.append(program.plan_current())
            run()
            imported += program.settle(editions[2], until=clock.today - timedelta(days=21))
        payments = self._plans_and_interventions(members, book.protected, clock, exclude=cast.in_progress())
        before = [line for day, line in payments if day <= last]
        if before:
            path = payments_file(folder / f"aem-pagamenti-rate-{last:%Y%m%d}.csv", before)
            imported += self._import(operator, "pagamenti", path, last)
        snapshot = bills_file(
            folder / f"aem-fatture-{last:%Y%m%d}.csv",
            book.later,
            extra_rows=open_bill_rows(operator.organization),
        )
        imported += self._import(operator, "fatture", snapshot, last)
        today = [line for day, line in payments if day > last]
        path = payments_file(folder / f"aem-pagamenti-{clock.today:%Y%m%d}.csv", today)
        # The plans without payments lapse through the daily follow-up (`make run` starts with it).
        imported += self._import(operator, "pagamenti", path, clock.today)
        imported += self._import(
            members["a2a.operatore"], "fatture", other_territory_bills(folder, clock), last
        )
        return imported

    def _territory_at_scale(self, members, clock: DemoClock, customers: int, *, bar: bool) -> int:
        """N more customers of AEM in Cremona through the real importer: ten bills each over the
        year before the scale extraction (four months ago, 60% unpaid), payments of half as many
        in the four months after it, and protections for one customer in a thousand through the
        services. Idempotent: the same N on the same demo writes the same files."""
        extraction = clock.scale_extraction
        start = extraction - timedelta(days=365)
        folder = Path(settings.VAR_DIR) / "demo" / f"scala-{customers}-{extraction:%Y%m%d}"
        folder.mkdir(parents=True, exist_ok=True)
        bills = customers * SCALE_BILLS_PER_CUSTOMER
        bills_path = folder / "fatture.csv"
        if not bills_path.exists():
            write_bills(
                bills_path, bills, per_customer=SCALE_BILLS_PER_CUSTOMER, gap_days=SCALE_GAP_DAYS, start=start
            )
        payments_path = folder / "pagamenti.csv"
        if not payments_path.exists():
            write_payments(
                payments_path,
                customers // 2,
                bills=bills,
                per_customer=SCALE_BILLS_PER_CUSTOMER,
                gap_days=SCALE_GAP_DAYS,
                after=extraction,
                start=start,
            )
        operator = members["aem.operatore"]
        imported = self._import(operator, "fatture", bills_path, extraction, bar=bar)
        imported += self._import(operator, "pagamenti", payments_path, extraction, bar=bar)
        user = members["comune.operatore"].user
        synthetic = Customer.objects.filter(utility=operator.organization, code__regex=r"^C[0-9]{9}$")
        every_thousandth = list(synthetic.order_by("code").values_list("pk", flat=True))[::1000]
        chosen = Customer.objects.filter(pk__in=every_thousandth).order_by("code")
        protected = set(Protection.objects.values_list("customer_id", flat=True))
        with tqdm(chosen, desc="tutele", unit=" clienti", disable=not bar, file=self.stderr) as progress:
            for customer in progress:
                if customer.pk in protected:
                    continue
                protection = protection_services.propose_protection(
                    customer=customer,
                    reason=REASONS[customer.pk % len(REASONS)],
                    by=user,
                    on=extraction,
                )
                protection_services.activate_protection(protection=protection, by=user, on=extraction)
        return imported

    def _import(self, operator, kind: str, path: Path, as_of: date, *, bar: bool = False) -> int:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        utility = operator.organization
        if ImportRun.objects.filter(utility=utility, sha256=digest, status=ImportStatus.DONE).exists():
            return 0
        run = ledger.receive_file(
            utility=utility,
            kind=kind,
            as_of=as_of,
            source=path,
            file_name=path.name,
            started_by=operator.user,
        )
        with tqdm(desc=path.name, unit=" righe", disable=not bar, file=self.stderr) as progress:

            def advance(done: int, total: int) -> None:
                progress.total = total
                progress.update(done - progress.n)

            run = ledger.run_import(run=run, progress=advance)
        if run.status != ImportStatus.DONE:
            raise CommandError(f"{path.name}: {run.failure or run.invalid_rows}")
        return 1

    def _protections(self, user, codes: list[str], clock: DemoClock) -> None:
        """About 130 active protections from the weeks after the first snapshot; a few proposed in
        the last days, suspended or ended, so every state shows."""
        rng = random.Random(2012)
        customers = {customer.code: customer for customer in Customer.objects.filter(code__in=codes)}
        for index, code in enumerate(codes):
            proposed_on, activated_on = protection_dates(clock, index)
            protection = protection_services.propose_protection(
                customer=customers[code], reason=rng.choice(REASONS), by=user, on=proposed_on
            )
            # The first two stay active (the demo's two cuts are theirs); a few are at other stages.
            if index in PROPOSALS:
                continue  # still a proposal
            protection = protection_services.activate_protection(
                protection=protection, by=user, on=activated_on
            )
            if index in (2, 3):
                protection_services.suspend_protection(
                    protection=protection,
                    by=user,
                    why="Nucleo temporaneamente ospite da parenti fuori comune.",
                )
            elif index == 4:
                protection_services.end_protection(protection=protection, by=user, reason=EndReason.MOVED)
            elif index % 2 and _review_opened(protection, clock):  # half of the reviews due are done
                protection_services.review_protection(
                    protection=protection,
                    by=user,
                    next_review_on=clock.today + timedelta(days=rng.randrange(60, 180)),
                    note="Piano rispettato, situazione stabile.",
                )

    def _follow_up(self, user, clock: DemoClock) -> None:
        """Most reductions already handled; the latest few left waiting, as in real life."""
        contacts = Deadline.objects.filter(
            step=protection_steps.CONTACT_AFTER_REDUCTION, met_on__isnull=True
        ).order_by("-opened_on", "-pk")
        for deadline in list(contacts)[2:]:
            protection_services.record_contact(
                protection=deadline.subject,
                by=user,
                contacted_on=min(deadline.opened_on + timedelta(days=1), clock.today),
                channel=ContactChannel.PHONE,
                outcome="Il nucleo è stato contattato: fissato un colloquio per rivedere il piano.",
            )
        evaluations = Deadline.objects.filter(
            step=protection_steps.EVALUATE_REDUCTION, met_on__isnull=True
        ).order_by("-due_on", "-pk")
        for deadline in list(evaluations)[5:]:
            meet_deadlines(
                subject=deadline.subject,
                steps=[protection_steps.EVALUATE_REDUCTION],
                on=min(deadline.due_on, clock.today),
            )

    def _plans_and_interventions(
        self, members, protected: list[str], clock: DemoClock, *, exclude: set[str]
    ) -> list[tuple[date, str]]:
        """Plans and spot interventions at every stage, dated from today (the people of the
        current work projects left out); the utility's payments (day, row) that pay their
        installments, confirm the customers' shares and settle the municipality's credits."""
        operator, manager = members["comune.operatore"].user, members["comune.responsabile"].user
        approver = members["aem.responsabile"].user
        today = clock.today
        customers = {c.code: c for c in Customer.objects.filter(code__in=protected).select_related("person")}
        debtors = [customers[code] for code in protected if code in customers]
        debtors = [c for c in debtors if balance_for(customer=c) > 50][:24]
        payments: list[tuple[date, str]] = []
        # stage: (how many, months ago the first installment fell due, installments paid)
        stages = [
            ("bozza", 2, 0, 0),
            ("proposta", 2, 0, 0),
            ("approvata", 2, 0, 0),
            ("attiva", 12, 2, 2),
            ("completata", 2, 3, 99),
            ("decaduta", 2, 4, 0),
            ("annullata", 1, 0, 0),
        ]
        plans = []
        index = 0
        for stage, count, months_ago, paid in stages:
            for customer in debtors[index : index + count]:
                start = add_months(today, -months_ago) if months_ago else add_months(today, 1)
                terms = Terms(
                    debt=min(balance_for(customer=customer), Decimal("1500.00")),
                    monthly_income=Decimal(900 + 50 * (index % 12)),
                    start_on=start,
                )
                drafted_on = min(today, start - timedelta(days=14))
                plan = repayment.draft_plan(customer=customer, terms=terms, by=operator, on=drafted_on)
                if stage != "bozza":
                    repayment.propose_plan(plan=plan, by=operator)
                if stage == "annullata":
                    repayment.refuse_plan(
                        plan=plan, by=approver, why="Importo da ricalcolare dopo l'ultima bolletta."
                    )
                elif stage not in ("bozza", "proposta"):
                    repayment.approve_plan(plan=plan, by=approver)
                if stage not in ("bozza", "proposta", "approvata", "annullata"):
                    repayment.activate_plan(
                        plan=plan, by=operator, signed_on=min(today, start - timedelta(days=7))
                    )
                    plans.append((plan, paid))
                index += 1
        for plan, paid in plans:
            for installment in plan.installments.order_by("number")[:paid]:
                day = min(today, installment.due_on - timedelta(days=2))
                payments.append(
                    (
                        day,
                        f"PR{plan.pk:04d}{installment.number:02d};{plan.customer.code};;{day:%d/%m/%Y};"
                        f"{italian_amount(int(installment.amount * 100))};BOLLETTINO;",
                    )
                )
        year = today.year
        intervention_services.set_budget(
            municipality=members["comune.responsabile"].organization, year=year, amount=Decimal("20000.00")
        )
        others = [
            c
            for c in Customer.objects.filter(utility=members["aem.operatore"].organization)
            .exclude(code__in=protected)
            .exclude(person__codice_fiscale__in=exclude)
            .select_related("person")
            .order_by("code")
            if Bill.objects.filter(customer=c, closed_on__isnull=True, residual__gt=0).exists()
        ][:12]
        for number, customer in enumerate(others):
            bill = (
                Bill.objects.filter(customer=customer, closed_on__isnull=True, residual__gt=0)
                .order_by("due_on")
                .first()
            )
            # The last two were proposed a month ago: one withdrawn by the municipality, one the
            # utility cancelled when the customer's share never came within the SLA.
            proposed_on = add_months(today, -1) if number >= 10 else today
            intervention = intervention_services.propose_intervention(
                customer=customer, bills=[bill], by=operator, on=proposed_on
            )
            if number == 10:
                intervention_services.withdraw_intervention(
                    intervention=intervention, by=operator, why="Il nucleo ha ottenuto il bonus sociale."
                )
                continue
            if number == 11:
                intervention_services.cancel_intervention(
                    intervention=intervention,
                    by=members["aem.operatore"].user,
                    why="Quota dell'utente mai pagata nei tempi concordati.",
                )
                continue
            if number in (2, 3):  # the customer pays: the utility's file confirms it
                payments.append(
                    (
                        today,
                        f"PS{intervention.pk:04d};{customer.code};{bill.number};{today:%d/%m/%Y};"
                        f"{italian_amount(int(intervention.customer_share * 100))};SPORTELLO;",
                    )
                )
            if number >= 4:
                intervention_services.confirm_customer_share(
                    intervention=intervention, by=members["aem.operatore"].user
                )
            if number >= 6:
                intervention_services.authorize_contribution(intervention=intervention, by=manager)
            if number >= 8:
                intervention_services.send_credit(intervention=intervention, by=operator)
                intervention.refresh_from_db()
                if number == 9:  # the utility applied this one
                    payments.append(
                        (
                            today,
                            f"PC{intervention.pk:04d};{customer.code};{bill.number};{today:%d/%m/%Y};"
                            f"{italian_amount(int(intervention.municipal_share * 100))};PROGRAMMA;"
                            f"{intervention.credit.reference}",
                        )
                    )
        return payments

    def _isee(self, manager, household, rng, clock: DemoClock) -> None:
        value = Decimal(rng.randrange(150000, 2500000)) / 100
        issued_on = clock.today - timedelta(days=rng.randrange(20, 330))
        if rng.random() > 0.8 or Isee.objects.filter(household=household).exists():
            return
        registry.record_isee(
            membership=manager,
            household=household,
            value=value,
            protocol=f"INPS-ISEE-{issued_on:%Y}-{household.pk:08d}-00",
            issued_on=issued_on,
            expires_on=issued_on + timedelta(days=365),
        )
