"""Load the demo set-up: two municipalities, two utilities and a partner, three logins each, about
200 people in Cremona and a few A2A customers in Crema. Idempotent."""

import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from risorsa.coordination.models import Deadline
from risorsa.coordination.services import meet_deadlines
from risorsa.core.calendar import add_months
from risorsa.demo.ledger import BILL_HEADER, EXTRACTION, LATER_EXTRACTION, italian_amount, write_files
from risorsa.demo.people import demo_people
from risorsa.demo.synthetic import write_bills, write_payments
from risorsa.interventions import services as intervention_services
from risorsa.ledger import services as ledger
from risorsa.ledger.models import Bill, Customer, ImportRun, ImportStatus
from risorsa.ledger.selectors import balance_for
from risorsa.organizations.models import OrganizationKind, Role
from risorsa.organizations.services import ensure_member, ensure_organization
from risorsa.protection import services as protection_services
from risorsa.protection import steps as protection_steps
from risorsa.protection.models import ContactChannel, EndReason, Protection
from risorsa.registry import codice_fiscale as cf
from risorsa.registry import services as registry
from risorsa.registry.models import FragilityLevel, Isee, Person
from risorsa.repayment import services as repayment
from risorsa.repayment.models import RepaymentPlan
from risorsa.repayment.schedule import Terms

DEMO_PASSWORD = "risorsa-demo"  # noqa: S105 - demo data only, refused outside DEBUG/RISORSA_DEMO

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


# `--scala`: ten bills a customer, one every 36 days from January 2009, known on 28/02/2010.
SCALE_BILLS_PER_CUSTOMER = 10
SCALE_GAP_DAYS = 36
SCALE_EXTRACTION = date(2010, 2, 28)

CREMA_PEOPLE = [
    ("BONVICINI", "ROSA", "F"),
    ("GUERINI", "ANGELO", "M"),
    ("STANGA", "LUISA", "F"),
    ("ZANINI", "PIETRO", "M"),
    ("DONATI", "CARLA", "F"),
    ("MARAZZI", "FRANCO", "M"),
]


def other_territory_bills() -> Path:
    """A2A's bills in Crema (its default territory: no codice_comune column needed)."""
    rows = [BILL_HEADER]
    for index, (surname, name, sex) in enumerate(CREMA_PEOPLE):
        code = cf.encode(
            surname=surname,
            name=name,
            sex=sex,
            birth_date=date(1955 + 4 * index, 3, 1 + index),
            birth_place_code="D142",
        )
        for month in (9, 11):
            amount = 9000 + 2500 * index + 100 * month
            rows.append(
                f"A2A{index:05d};{code};{surname};{name};GAS;{880000000000 + index:014d};"
                f"Via Mazzini {index + 1}, Crema;A2A/2009/{index:04d}{month:02d};01/{month:02d}/2009;"
                f"21/{month:02d}/2009;{italian_amount(amount)};{italian_amount(amount if index % 2 else 0)}"
            )
    path = Path(settings.VAR_DIR) / "demo" / "a2a_fatture.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


class Command(BaseCommand):
    help = "Carica i dati dimostrativi (organizzazioni, utenti, anagrafica). Si può ripetere."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scala",
            type=int,
            default=0,
            metavar="N",
            help="aggiunge N clienti di AEM a Cremona (10 fatture ciascuno, pagamenti, tutele allo 0,1%%) "
            "per provare il prodotto e misurarlo alle dimensioni di un territorio",
        )
        parser.add_argument("--senza-barra", action="store_true", help="nessuna barra di avanzamento")

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError("I dati dimostrativi si caricano solo con DEBUG=1 o RISORSA_DEMO=1.")
        with transaction.atomic():
            members = self._organizations_and_logins()
            created = self._people(members["comune.responsabile"])
        imported = self._utility_files(members)
        if options["scala"] > 0:
            imported += self._territory_at_scale(members, options["scala"], bar=not options["senza_barra"])
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
                    password=DEMO_PASSWORD,
                )
        return members

    def _people(self, manager) -> int:
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

    def _utility_files(self, members) -> int:
        """AEM's files for the demo people, through the importer itself, with the protections between.

        The order is the story: May's bills, then the municipality protects the most fragile
        customers, then the meter events and payments, then November's bills.
        """
        operator = members["aem.operatore"]
        demo = write_files(demo_people(), Path(settings.VAR_DIR) / "demo")
        imported = self._import(operator, "fatture", demo.files["fatture"], EXTRACTION)
        self._protections(members["comune.operatore"].user, demo.protected)
        imported += self._import(operator, "eventi", demo.files["eventi"], EXTRACTION)
        imported += self._import(operator, "pagamenti", demo.files["pagamenti"], EXTRACTION)
        imported += self._import(operator, "fatture", demo.files["fatture_novembre"], LATER_EXTRACTION)
        self._follow_up(members["comune.operatore"].user)
        imported += self._plans_and_interventions(members, demo.protected)
        imported += self._import(members["a2a.operatore"], "fatture", other_territory_bills(), EXTRACTION)
        return imported

    def _territory_at_scale(self, members, customers: int, *, bar: bool) -> int:
        """N more customers of AEM in Cremona through the real importer: ten bills each (2009, 60%
        unpaid), payments of half as many after the extraction, and protections for one customer
        in a thousand through the services. Idempotent: the same N writes the same files."""
        folder = Path(settings.VAR_DIR) / "demo" / f"scala-{customers}"
        folder.mkdir(parents=True, exist_ok=True)
        bills = customers * SCALE_BILLS_PER_CUSTOMER
        bills_path = folder / "fatture.csv"
        if not bills_path.exists():
            write_bills(bills_path, bills, per_customer=SCALE_BILLS_PER_CUSTOMER, gap_days=SCALE_GAP_DAYS)
        payments_path = folder / "pagamenti.csv"
        if not payments_path.exists():
            write_payments(
                payments_path,
                customers // 2,
                bills=bills,
                per_customer=SCALE_BILLS_PER_CUSTOMER,
                gap_days=SCALE_GAP_DAYS,
                after=SCALE_EXTRACTION,
            )
        operator = members["aem.operatore"]
        imported = self._import(operator, "fatture", bills_path, SCALE_EXTRACTION, bar=bar)
        imported += self._import(operator, "pagamenti", payments_path, SCALE_EXTRACTION, bar=bar)
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
                    on=SCALE_EXTRACTION,
                )
                protection_services.activate_protection(protection=protection, by=user, on=SCALE_EXTRACTION)
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

    def _protections(self, user, codes: list[str]) -> None:
        """About 130 active protections; a few proposed, suspended or ended, so every state shows."""
        rng = random.Random(2012)
        customers = {customer.code: customer for customer in Customer.objects.filter(code__in=codes)}
        already = set(Protection.objects.values_list("customer__code", flat=True))
        today = date.today()  # noqa: DTZ011 - demo dates, a day is enough
        for index, code in enumerate(codes):
            if code in already or code not in customers:
                continue
            protection = protection_services.propose_protection(
                customer=customers[code],
                reason=rng.choice(REASONS),
                by=user,
                on=date(2010, 3, 1) + timedelta(days=index % 20),
            )
            # The first two stay active (the demo's two cuts are theirs); a few are at other stages.
            if index in (5, 6, 7):
                continue  # still a proposal
            protection_services.activate_protection(
                protection=protection, by=user, on=date(2010, 4, 1) + timedelta(days=index % 25)
            )
            if index in (2, 3):
                protection_services.suspend_protection(
                    protection=protection,
                    by=user,
                    why="Nucleo temporaneamente ospite da parenti fuori comune.",
                )
            elif index == 4:
                protection_services.end_protection(protection=protection, by=user, reason=EndReason.MOVED)
            else:
                protection_services.review_protection(
                    protection=protection,
                    by=user,
                    next_review_on=today + timedelta(days=rng.randrange(5, 180)),
                    note="Piano rispettato, situazione stabile.",
                )

    def _follow_up(self, user) -> None:
        """Most reductions already handled; a few left waiting, one of them late, as in real life."""
        contacts = Deadline.objects.filter(
            step=protection_steps.CONTACT_AFTER_REDUCTION, met_on__isnull=True
        ).order_by("pk")
        for deadline in list(contacts)[2:]:
            protection_services.record_contact(
                protection=deadline.subject,
                by=user,
                contacted_on=deadline.opened_on + timedelta(days=1),
                channel=ContactChannel.PHONE,
                outcome="Il nucleo è stato contattato: fissato un colloquio per rivedere il piano.",
            )
        evaluations = Deadline.objects.filter(
            step=protection_steps.EVALUATE_REDUCTION, met_on__isnull=True
        ).order_by("-due_on")
        for deadline in list(evaluations)[5:]:
            meet_deadlines(
                subject=deadline.subject, steps=[protection_steps.EVALUATE_REDUCTION], on=deadline.due_on
            )

    def _plans_and_interventions(self, members, protected: list[str]) -> int:
        """Plans and spot interventions at every stage, dated from today; then the utility's recent
        payments, imported like any file, pay installments, confirm shares and settle credits."""
        if RepaymentPlan.objects.exists():
            return 0
        operator, manager = members["comune.operatore"].user, members["comune.responsabile"].user
        approver = members["aem.responsabile"].user
        today = date.today()  # noqa: DTZ011 - demo dates, a day is enough
        customers = {c.code: c for c in Customer.objects.filter(code__in=protected).select_related("person")}
        debtors = [customers[code] for code in protected if code in customers]
        debtors = [c for c in debtors if balance_for(customer=c) > 50][:24]
        payments: list[str] = []
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
                    f"PR{plan.pk:04d}{installment.number:02d};{plan.customer.code};;{day:%d/%m/%Y};"
                    f"{italian_amount(int(installment.amount * 100))};BOLLETTINO;"
                )
        year = today.year
        intervention_services.set_budget(
            municipality=members["comune.responsabile"].organization, year=year, amount=Decimal("20000.00")
        )
        others = [
            c
            for c in Customer.objects.exclude(code__in=protected).select_related("person").order_by("code")
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
                    f"PS{intervention.pk:04d};{customer.code};{bill.number};{today:%d/%m/%Y};"
                    f"{italian_amount(int(intervention.customer_share * 100))};SPORTELLO;"
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
                        f"PC{intervention.pk:04d};{customer.code};{bill.number};{today:%d/%m/%Y};"
                        f"{italian_amount(int(intervention.municipal_share * 100))};PROGRAMMA;"
                        f"{intervention.credit.reference}"
                    )
        path = Path(settings.VAR_DIR) / "demo" / f"aem-pagamenti-{today:%Y%m%d}.csv"
        header = "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento"
        path.write_text("\n".join([header, *payments]) + "\n", encoding="utf-8")
        # The plans without payments lapse through the daily follow-up (`make run` starts with it).
        return self._import(members["aem.operatore"], "pagamenti", path, today)

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
