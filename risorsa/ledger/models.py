import enum
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.core.choices import TonedChoices
from risorsa.core.money import MoneyField
from risorsa.ledger.importing import reasons
from risorsa.organizations.models import Membership, Organization, OrganizationKind
from risorsa.organizations.scoping import CUSTOMER, granted
from risorsa.registry.models import Person


class Service(models.TextChoices):
    ELECTRICITY = "ENERGIA", _("energia elettrica")
    GAS = "GAS", _("gas")
    WATER = "ACQUA", _("acqua")


class ImportKind(models.TextChoices):
    BILLS = "fatture", _("fatture")
    PAYMENTS = "pagamenti", _("pagamenti")
    EVENTS = "eventi", _("eventi")


class ImportMode(models.TextChoices):
    INCREMENTAL = "incrementale", _("incrementale")
    FULL = "completo", _("completo")


class ImportStatus(TonedChoices):
    PENDING = "in_coda", _("in coda")
    RUNNING = "in_corso", _("in corso")
    DONE = "completato", _("completato")
    REJECTED = "rifiutato", _("rifiutato")
    FAILED = "errore", _("errore di sistema")
    TONES = enum.nonmember(
        {"in_corso": "primary", "completato": "success", "rifiutato": "danger", "errore": "danger"}
    )


# A worker polls its queue every second or so: a file queued longer than this is waiting for none.
NOT_STARTED_AFTER = timedelta(seconds=30)


class ImportRunQuerySet(models.QuerySet):
    """A utility's files: the utility sees its own; a municipality sees that they arrived (the
    run's figures; the rows' report stays with the utility that sent them); the partner none."""

    def visible_to(self, membership: Membership | None):
        if membership is None:
            return self.none()
        kind = membership.organization.kind
        if kind == OrganizationKind.MUNICIPALITY:
            return self
        if kind == OrganizationKind.UTILITY:
            return self.filter(utility_id=membership.organization_id)
        return self.none()


class CustomerScopedQuerySet(models.QuerySet):
    """Rows about a customer, seen by whoever may see the customer: the grants on `CUSTOMER` in
    organizations.scoping (a municipality its territory, a utility its own customers, other kinds
    what their apps grant them). `customer_path` leads from the row to its customer ("" for the
    customer itself); `hidden_from_utility` keeps out what is not yet the utility's business."""

    customer_path = "customer"
    hidden_from_utility: Q | None = None

    def visible_to(self, membership: Membership | None):
        condition = granted(CUSTOMER, membership)
        if membership is None or condition is None:
            return self.none()
        if self.customer_path:
            customers = Customer.objects.filter(condition).values("pk")
            rows = self.filter(**{f"{self.customer_path}__in": customers})
        else:
            rows = self.filter(condition)
        if self.hidden_from_utility is not None and membership.organization.kind == OrganizationKind.UTILITY:
            rows = rows.exclude(self.hidden_from_utility)
        return rows


class CustomerQuerySet(CustomerScopedQuerySet):
    customer_path = ""


class ImportRun(models.Model):
    """One file received from the utility: who, when, what it was, and what it did."""

    utility = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="import_runs", verbose_name=_("gestore")
    )
    kind = models.CharField(_("tipo di file"), max_length=12, choices=ImportKind.choices)
    mode = models.CharField(
        _("modalità"), max_length=12, choices=ImportMode.choices, default=ImportMode.INCREMENTAL
    )
    as_of = models.DateField(_("data di estrazione"))
    file_name = models.CharField(_("nome del file"), max_length=255)
    file_path = models.CharField(max_length=500, editable=False)
    # The file itself is deleted after the retention period; its hash and report stay.
    file_deleted_on = models.DateField(_("file eliminato il"), null=True, blank=True)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    size = models.BigIntegerField(_("dimensione (byte)"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avviato da"),
    )
    created_at = models.DateTimeField(_("ricevuto il"), auto_now_add=True)
    started_at = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    # Written as the rows are read; a run "in corso" whose heartbeat stops was interrupted.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("terminato il"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(_("righe"), default=0)
    rows_done = models.PositiveIntegerField(_("righe lette"), default=0)
    created = models.PositiveIntegerField(_("nuove"), default=0)
    updated = models.PositiveIntegerField(_("aggiornate"), default=0)
    unchanged = models.PositiveIntegerField(_("invariate"), default=0)
    closed = models.PositiveIntegerField(_("chiuse"), default=0)
    superseded = models.PositiveIntegerField(_("superate"), default=0)
    people_created = models.PositiveIntegerField(_("persone nuove in anagrafica"), default=0)
    invalid_rows = models.PositiveIntegerField(_("righe non valide"), default=0)
    # importing.reasons.warning(): a code and its parameters (before the codes, an Italian sentence)
    warnings = models.JSONField(_("avvisi"), default=list, blank=True)
    failure = models.TextField(_("errore di sistema"), blank=True)

    Status = ImportStatus  # for the status badge
    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)

    @property
    def warning_texts(self) -> list[str]:
        """The run's warnings in the reader's language."""
        return [reasons.warning_text(warning) for warning in self.warnings]

    @property
    def waits_for_a_worker(self) -> bool:
        """Queued for longer than a worker takes to pick a file up, and not started: no worker may
        be running (a process of its own, `manage.py db_worker`, which `make run` starts)."""
        return (
            self.status == ImportStatus.PENDING
            and self.started_at is None
            and self.created_at is not None
            and timezone.now() - self.created_at > NOT_STARTED_AFTER
        )


class ImportIssue(models.Model):
    """An invalid row of a rejected file: line, column, value and the reason, as a code and its
    parameters (`importing.reasons`), worded in the reader's language when shown."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    line = models.PositiveIntegerField(_("riga"))
    column = models.CharField(_("colonna"), max_length=60, blank=True)
    value = models.CharField(_("valore"), max_length=200, blank=True)
    # A code of importing.reasons.REASONS; the rows stored before the codes hold the Italian sentence.
    reason = models.CharField(_("motivo"), max_length=300)
    params = models.JSONField(_("dati del motivo"), default=dict, blank=True)

    class Meta:
        verbose_name = _("riga non valida")
        verbose_name_plural = _("righe non valide")
        ordering = ["line", "pk"]

    def __str__(self) -> str:
        return self.message

    @property
    def reason_text(self) -> str:
        return reasons.text(self.reason, self.params)

    @property
    def message(self) -> str:
        if self.column:
            return _('riga %(line)s: %(column)s "%(value)s": %(reason)s') % {
                "line": self.line,
                "column": self.column,
                "value": self.value,
                "reason": self.reason_text,
            }
        return _("riga %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason_text}


class Customer(models.Model):
    """The utility's customer code (codice cliente), held by a person of the registry."""

    utility = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("gestore"),
        db_index=False,  # the unique (utility, code) leads with it
    )
    code = models.CharField(_("codice cliente"), max_length=20)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="customers", verbose_name=_("intestatario")
    )
    # The holder as the utility names them in its files: what the utility sees, whatever the
    # registry says (a difference is a "da verificare" item for the municipality).
    holder_surname = models.CharField(_("cognome dell'intestatario"), max_length=100)
    holder_name = models.CharField(_("nome dell'intestatario"), max_length=100)
    # The municipality whose social services follow the customer: where its supply points lie.
    municipality = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="territory_customers",
        verbose_name=_("Comune"),
        limit_choices_to={"kind": OrganizationKind.MUNICIPALITY},
    )
    created_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, related_name="+", db_index=False, db_constraint=False
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("cliente")
        verbose_name_plural = _("clienti")
        constraints = [models.UniqueConstraint(fields=["utility", "code"], name="customer_code_unique")]
        indexes = [models.Index(fields=["holder_surname", "holder_name", "code"], name="customer_by_name")]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("ledger:customer-detail", args=[self.pk])

    @property
    def holder(self) -> str:
        return f"{self.holder_surname} {self.holder_name}"


class ArrearsQuerySet(CustomerScopedQuerySet):
    pass


class Arrears(models.Model):
    """What a customer owes, kept up to date by the ledger's writes (the merges of the utility's
    files, the program's credits: `ledger.figures.refresh`) instead of summed over every bill at
    each request. One row for all services (`service` empty) and one per service with open bills;
    none for a customer who owes nothing and has nothing in transit. Derived data: the bills and
    the credits remain the record, and the figures always equal what they give (property-tested).
    Not the ageing, which moves with the date (`selectors.aged_amounts`).
    """

    ALL = ""

    # Derived rows, rewritten by each refresh of their customer: no key check per row (a first
    # file writes hundreds of thousands), no index of its own (the unique key leads with it).
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="arrears", db_index=False, db_constraint=False
    )
    service = models.CharField(_("servizio"), max_length=8, blank=True)
    unpaid = MoneyField(_("da pagare"))
    in_transit = MoneyField(_("accrediti in transito"))
    balance = MoneyField(_("saldo"))
    oldest_due = models.DateField(_("scadenza più vecchia"), null=True)

    objects = ArrearsQuerySet.as_manager()

    class Meta:
        verbose_name = _("morosità del cliente")
        verbose_name_plural = _("morosità dei clienti")
        constraints = [models.UniqueConstraint(fields=["customer", "service"], name="arrears_unique")]
        indexes = [
            models.Index(
                F("service"), F("balance").desc(), name="arrears_by_balance", condition=Q(balance__gt=0)
            ),
            models.Index(F("service"), F("oldest_due"), name="arrears_by_due", condition=Q(balance__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.service or '*'}: {self.balance}"


class SupplyPoint(models.Model):
    """A supply point (POD, PDR or water meter) of a customer."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="supply_points",
        verbose_name=_("cliente"),
        db_index=False,  # the unique (customer, code) leads with it
    )
    service = models.CharField(_("servizio"), max_length=8, choices=Service.choices)
    code = models.CharField(_("punto di fornitura"), max_length=30)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    smart_meter = models.BooleanField(_("contatore elettronico"), null=True, blank=True)
    municipality = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Comune"),
        db_index=False,  # read through the customer; no query starts from a municipality's meters
    )

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("punto di fornitura")
        verbose_name_plural = _("punti di fornitura")
        constraints = [models.UniqueConstraint(fields=["customer", "code"], name="supply_point_unique")]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.code}"


class Bill(models.Model):
    """A bill as the utility last reported it; its residual is the unpaid part as of `as_of`."""

    # Indexes and foreign-key checks kept to what must hold or what a list cannot do without (see
    # Meta): each one costs a lookup per row of a million-row import. `utility` repeats the
    # customer's utility (for the unique bill number) and the two runs are bookkeeping: their
    # integrity follows from `customer` and from the import.
    utility = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="bills", verbose_name=_("cliente")
    )
    supply_point = models.ForeignKey(
        SupplyPoint,
        on_delete=models.PROTECT,
        related_name="bills",
        verbose_name=_("punto di fornitura"),
        db_index=False,  # bills are read by customer; no query starts from a supply point
    )
    number = models.CharField(_("numero fattura"), max_length=40)
    issued_on = models.DateField(_("emessa il"))
    due_on = models.DateField(_("scadenza"))
    amount = MoneyField(_("importo"))
    residual = MoneyField(_("importo residuo"))
    as_of = models.DateField(_("aggiornata al"))
    closed_on = models.DateField(_("chiusa il"), null=True, blank=True)
    created_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    changed_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("fattura")
        verbose_name_plural = _("fatture")
        constraints = [
            models.UniqueConstraint(fields=["utility", "number"], name="bill_number_unique_per_utility"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            models.CheckConstraint(
                condition=Q(residual__gte=0) & Q(residual__lte=F("amount")),
                name="bill_residual_within_amount",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="bill_due_after_issue"),
        ]
        indexes = [
            # The ageing filter's bounded buckets (0-30, 31-90, 91-180 days, counted from today):
            # the open bills due in a window of dates, and their customers, without reading every
            # debtor's bills (selectors.owing_in). Open bills only: the paid ones never age.
            models.Index(
                fields=["due_on", "customer"],
                name="bill_open_by_due",
                condition=Q(closed_on__isnull=True, residual__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class BillRevision(models.Model):
    """Append-only history of a bill's residual: every change an import or a payment made."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="revisions")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    previous_residual = MoneyField()
    residual = MoneyField()
    previous_as_of = models.DateField()
    as_of = models.DateField()
    closed_on = models.DateField(null=True)

    class Meta:
        verbose_name = _("revisione di fattura")
        verbose_name_plural = _("revisioni di fatture")

    def __str__(self) -> str:
        return f"{self.bill_id}: {self.previous_residual} → {self.residual}"


class PaymentChannel(models.TextChoices):
    COUNTER = "SPORTELLO", _("sportello")
    POSTAL = "BOLLETTINO", _("bollettino")
    DIRECT_DEBIT = "DOMICILIAZIONE", _("domiciliazione")
    POS = "POS", _("POS")
    TRANSFER = "BONIFICO", _("bonifico")
    PROGRAM = "PROGRAMMA", _("programma")


class CreditKind(models.TextChoices):
    WORK = "LAVORO", _("accredito lavoro")
    MUNICIPAL = "COMUNE", _("contributo comunale")
    OTHER = "ALTRO", _("altro contributo")


class CreditStatus(models.TextChoices):
    IN_TRANSIT = "IN_TRANSITO", _("in transito")
    APPLIED = "APPLICATO", _("applicato")


class Credit(models.Model):
    """A credit the program creates for a customer: in transit until the utility applies it."""

    kind = models.CharField(_("tipo"), max_length=12, choices=CreditKind.choices)
    reference = models.CharField(_("riferimento"), max_length=30, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credits")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="credits")
    # The instrument that made the credit (a spot intervention, a work project): its settlement pays
    # the bills that instrument holds, and only those.
    holder_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_id = models.PositiveBigIntegerField(null=True, blank=True)
    holder = GenericForeignKey("holder_type", "holder_id")
    amount = MoneyField(_("importo"))
    reason = models.CharField(_("causale"), max_length=200)
    created_on = models.DateField(_("data"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(
        _("stato"), max_length=12, choices=CreditStatus.choices, default=CreditStatus.IN_TRANSIT
    )
    applied_on = models.DateField(_("applicato il"), null=True, blank=True)

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accredito")
        verbose_name_plural = _("accrediti")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_amount_positive"),
            models.CheckConstraint(
                condition=Q(holder_type__isnull=True, holder_id__isnull=True)
                | Q(holder_type__isnull=False, holder_id__isnull=False),
                name="credit_holder_whole",
            ),
            models.CheckConstraint(
                condition=Q(status="IN_TRANSITO", applied_on__isnull=True)
                | Q(status="APPLICATO", applied_on__isnull=False),
                name="credit_applied_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Payment(models.Model):
    """A payment the utility reports (append-only); `credit` when it settles a program credit."""

    utility = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(_("id pagamento"), max_length=40)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    paid_on = models.DateField(_("data"))
    amount = MoneyField(_("importo"))
    channel = models.CharField(_("canale"), max_length=16, choices=PaymentChannel.choices, blank=True)
    reference = models.CharField(_("riferimento"), max_length=30, blank=True)
    credit = models.OneToOneField(
        Credit, on_delete=models.PROTECT, null=True, blank=True, related_name="settlement"
    )
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        constraints = [
            models.UniqueConstraint(fields=["utility", "external_id"], name="payment_id_unique_per_utility"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.external_id


class AllocationQuerySet(CustomerScopedQuerySet):
    customer_path = "payment__customer"


class Allocation(models.Model):
    """Where a payment's euros went, written once by the payments merge (append-only).

    Every payment is allocated once: to the bill it names, else to the customer's oldest open
    bills; a payment settling a program credit pays that credit's bills only. What no bill can
    take stays on the customer, a row with no bill. The rows of a payment add up to its amount.
    Instruments (plans, spot interventions, work projects) read the allocations to the bills
    they hold; nothing else reads raw payments to decide what was paid.
    """

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(
        Bill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("fattura"),
    )
    amount = MoneyField(_("importo"))

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("imputazione di pagamento")
        verbose_name_plural = _("imputazioni di pagamenti")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.bill_id or '—'}: {self.amount}"


class BillHoldQuerySet(models.QuerySet):
    def current(self):
        return self.filter(released_on__isnull=True)

    def of(self, holder: models.Model):
        return self.filter(holder_type=ContentType.objects.get_for_model(holder), holder_id=holder.pk)


class BillHold(models.Model):
    """A bill held by one instrument (a repayment plan, a spot intervention, a work project).

    A bill is in at most one instrument at a time (the partial unique constraint); the
    instrument counts the allocations of the payments made while it held the bill:
    `held_on` <= paid on < `released_on`.
    """

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="holds", verbose_name=_("fattura"))
    holder_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    holder_id = models.PositiveBigIntegerField()
    holder = GenericForeignKey("holder_type", "holder_id")
    held_on = models.DateField(_("impegnata il"))
    released_on = models.DateField(_("liberata il"), null=True, blank=True)

    objects = BillHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("fattura impegnata")
        verbose_name_plural = _("fatture impegnate")
        indexes = [models.Index(fields=["holder_type", "holder_id"], name="bill_hold_holder")]
        constraints = [
            models.UniqueConstraint(
                fields=["bill"], condition=Q(released_on__isnull=True), name="one_instrument_per_bill"
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(released_on__gte=F("held_on")),
                name="bill_hold_released_after_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} ↔ {self.holder_type_id}:{self.holder_id}"


class MeterEventKind(models.TextChoices):
    POWER_REDUCTION = "RIDUZIONE_POTENZA", _("riduzione di potenza")
    FLOW_LIMITATION = "LIMITAZIONE_FLUSSO", _("limitazione di flusso")
    SUSPENSION = "SOSPENSIONE", _("sospensione")
    RECONNECTION = "RIATTIVAZIONE", _("riattivazione")


class DunningEventKind(models.TextChoices):
    REMINDER = "SOLLECITO", _("sollecito")
    FORMAL_NOTICE = "COSTITUZIONE_MORA", _("costituzione in mora")


class EventBase(models.Model):
    utility = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(_("id evento"), max_length=40)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    supply_point = models.ForeignKey(SupplyPoint, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("data"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class MeterEvent(EventBase):
    """What the meter did: power reduced, flow limited, supply cut or restored."""

    kind = models.CharField(_("tipo"), max_length=20, choices=MeterEventKind.choices)

    class Meta:
        verbose_name = _("evento del contatore")
        verbose_name_plural = _("eventi del contatore")
        ordering = ["occurred_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["utility", "external_id"], name="meter_event_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"


class DunningEvent(EventBase):
    """A reminder or formal notice the utility sent."""

    kind = models.CharField(_("tipo"), max_length=20, choices=DunningEventKind.choices)

    class Meta:
        verbose_name = _("sollecito")
        verbose_name_plural = _("solleciti")
        ordering = ["occurred_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["utility", "external_id"], name="dunning_event_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"


class RegistryMismatchQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        """The municipality whose registry keeps the person checks; no one else sees these."""
        if membership and membership.organization.kind == OrganizationKind.MUNICIPALITY:
            return self.filter(municipality_id=membership.organization_id)
        return self.none()

    def open(self):
        return self.filter(resolved_on__isnull=True)


class RegistryMismatch(models.Model):
    """ "Da verificare": a utility's file names a customer's holder otherwise than the registry.

    The import takes the utility's name for its customer and never tells the utility what the
    registry says; the municipality keeping the person checks (a typo, a change of name, a
    different person behind a mistyped codice fiscale) and marks it checked.
    """

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="registry_mismatches", verbose_name=_("cliente")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="registry_mismatches", verbose_name=_("persona")
    )
    municipality = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("Comune")
    )
    holder_surname = models.CharField(_("cognome nel file"), max_length=100)
    holder_name = models.CharField(_("nome nel file"), max_length=100)
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("segnalata il"))
    resolved_on = models.DateField(_("verificata il"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verificata da"),
    )

    objects = RegistryMismatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("intestatario da verificare")
        verbose_name_plural = _("intestatari da verificare")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "resolved_on"], name="mismatch_customer_open")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.holder_surname} {self.holder_name}"
