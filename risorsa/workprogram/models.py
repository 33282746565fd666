"""Risorsa Lavoro: editions, referrals and their pathway, the social contract, placements and
the timesheets whose approved hours become work credits (DOMAIN.md, Work program)."""

import enum
import math
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.core.choices import TonedChoices
from risorsa.core.money import MoneyField
from risorsa.core.workflow import TransitionRecord
from risorsa.ledger.models import Customer
from risorsa.organizations.models import Membership, Organization, OrganizationKind
from risorsa.registry.models import Person
from risorsa.repayment.models import RepaymentPlan


class Edition(models.Model):
    """One cycle of the program in a territory, with its work instrument's rules as data."""

    municipality = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Comune"),
        limit_choices_to={"kind": OrganizationKind.MUNICIPALITY},
    )
    partner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner"),
        limit_choices_to={"kind": OrganizationKind.PARTNER},
    )
    name = models.CharField(_("nome"), max_length=20, help_text=_("per esempio 2010/11"))
    starts_on = models.DateField(_("inizio"))
    ends_on = models.DateField(_("fine"))
    instrument = models.CharField(_("strumento di lavoro"), max_length=60, default="Voucher INPS")
    face_hourly_value = MoneyField(_("valore nominale per ora"), null=True, blank=True)
    net_hourly_value = MoneyField(_("valore netto per ora"))
    yearly_cap_per_worker = MoneyField(_("tetto annuo per lavoratore"), null=True, blank=True)
    yearly_cap_per_employer = MoneyField(_("tetto annuo per lavoratore e committente"), null=True, blank=True)
    budget = MoneyField(_("budget"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("edizione")
        verbose_name_plural = _("edizioni")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="edition_name_per_municipality"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="edition_ends_after_start"),
            models.CheckConstraint(condition=Q(net_hourly_value__gt=0), name="edition_net_value_positive"),
        ]

    def __str__(self) -> str:
        return _("Edizione %(name)s") % {"name": self.name}

    def get_absolute_url(self) -> str:
        return reverse("workprogram:edition-detail", args=[self.pk])

    def has_started(self, today=None) -> bool:
        return (today or timezone.localdate()) >= self.starts_on

    def hours_for(self, amount: Decimal) -> int:
        """Hours of work that pay `amount` at the edition's net value, rounded up."""
        return math.ceil(amount / self.net_hourly_value) if amount > 0 else 0


class EditionTiming(models.Model):
    """A step's working days agreed for an edition: copied from the SLA table, editable until it starts."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="timings")
    step = models.CharField(_("passaggio"), max_length=40)
    working_days = models.PositiveSmallIntegerField(_("giorni lavorativi"))

    class Meta:
        verbose_name = _("tempistica dell'edizione")
        verbose_name_plural = _("tempistiche dell'edizione")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "step"], name="one_timing_per_step"),
            models.CheckConstraint(condition=Q(working_days__lte=250), name="timing_days_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.working_days}"


class ReferralStatus(TonedChoices):
    REFERRED = "segnalata", _("segnalata al partner")
    ACCEPTED = "accettata", _("in percorso")
    REJECTED = "rifiutata", _("rifiutata dal partner")
    REVOKED = "revocata", _("revocata dal Comune")
    WORKING = "al_lavoro", _("al lavoro")
    ENDED = "conclusa", _("conclusa")
    TONES = enum.nonmember(
        {"segnalata": "primary", "accettata": "primary", "al_lavoro": "success", "conclusa": "secondary"}
    )


ALLOWED_TRANSITIONS = {
    ReferralStatus.REFERRED: (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED, ReferralStatus.REVOKED),
    ReferralStatus.ACCEPTED: (ReferralStatus.WORKING, ReferralStatus.ENDED, ReferralStatus.REVOKED),
    ReferralStatus.WORKING: (ReferralStatus.ENDED,),
    ReferralStatus.REJECTED: (),
    ReferralStatus.REVOKED: (),
    ReferralStatus.ENDED: (),
}
# The people of an edition: referred and not turned away.
PARTICIPATING = (
    ReferralStatus.REFERRED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.WORKING,
    ReferralStatus.ENDED,
)
IN_PROGRESS = (ReferralStatus.ACCEPTED, ReferralStatus.WORKING)


class EndOutcome(models.TextChoices):
    COMPLETED = "completato", _("completato")
    WITHDRAWN = "ritirato", _("ritirato")
    NOT_FIT = "non_idoneo", _("non idoneo")


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        """The municipality its editions' referrals; the partner the people referred to it; the
        utility only what it supervises (placements, not the pathway): none here."""
        if membership is None:
            return self.none()
        kind = membership.organization.kind
        if kind == OrganizationKind.MUNICIPALITY:
            return self.filter(edition__municipality_id=membership.organization_id)
        if kind == OrganizationKind.PARTNER:
            return self.filter(edition__partner_id=membership.organization_id).exclude(
                status=ReferralStatus.REVOKED, accepted_on__isnull=True
            )
        return self.none()


class Referral(models.Model):
    """A person referred by the municipality to the partner: the project, its pathway and its end.

    The project amount is the part of the arrears to be paid by work; the project holds its bills
    (ledger.BillHold), and its work credits pay those bills only.
    """

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("edizione")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("persona")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("cliente")
    )
    project_amount = MoneyField(_("importo del progetto"))
    arrears_at_referral = MoneyField(_("morosità alla segnalazione"))
    note_for_partner = models.TextField(_("nota per il partner"), blank=True)
    status = models.CharField(
        _("stato"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    referred_on = models.DateField(_("segnalata il"), default=timezone.localdate)
    accepted_on = models.DateField(_("accettata il"), null=True, blank=True)
    ended_on = models.DateField(_("conclusa il"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=12, choices=EndOutcome.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("soddisfazione (1-5)"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("commento"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("segnalata da")
    )

    Status = ReferralStatus  # for the status badge
    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(project_amount__gt=0), name="referral_amount_positive"),
            models.CheckConstraint(
                condition=Q(project_amount__lte=F("arrears_at_referral")),
                name="referral_amount_within_arrears",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="referral_satisfaction_range",
            ),
            models.UniqueConstraint(
                fields=["edition", "person"],
                condition=Q(status__in=["segnalata", "accettata", "al_lavoro"]),
                name="one_open_referral_per_person_and_edition",
            ),
        ]

    def __str__(self) -> str:
        return _("Progetto di %(person)s (%(edition)s)") % {
            "person": f"{self.person.surname} {self.person.name}",
            "edition": self.edition.name,
        }

    def get_absolute_url(self) -> str:
        return reverse("workprogram:referral-detail", args=[self.pk])


class ReferralTransition(TransitionRecord):
    """Every change of a referral's status (append-only)."""

    statuses = ReferralStatus
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("passaggio di stato della segnalazione")
        verbose_name_plural = _("passaggi di stato delle segnalazioni")


class PathwayStep(models.Model):
    """A dated step of the pathway, recorded by the organization that did it."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("data"))
    note = models.CharField(_("nota"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.on:%d/%m/%Y}"


class CallOutcome(models.TextChoices):
    REACHED = "raggiunta", _("raggiunta: viene al colloquio")
    NO_ANSWER = "non_risponde", _("non risponde")
    WRONG_NUMBER = "numero_errato", _("numero errato")
    DECLINED = "rinuncia", _("rinuncia al progetto")


class CallAttempt(PathwayStep):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="calls")
    outcome = models.CharField(_("esito"), max_length=14, choices=CallOutcome.choices)

    class Meta(PathwayStep.Meta):
        verbose_name = _("chiamata")
        verbose_name_plural = _("chiamate")


class TutorMeeting(PathwayStep):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="tutor_meetings")

    class Meta(PathwayStep.Meta):
        verbose_name = _("incontro con il tutor")
        verbose_name_plural = _("incontri con il tutor")


class TrainingCourse(PathwayStep):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="trainings")
    course = models.CharField(_("corso"), max_length=120)
    hours = models.DecimalField(_("ore"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("superato"), default=True)

    class Meta(PathwayStep.Meta):
        verbose_name = _("corso di formazione")
        verbose_name_plural = _("corsi di formazione")
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]


class FitnessOutcome(models.TextChoices):
    FIT = "idoneo", _("idoneo")
    FIT_WITH_LIMITS = "idoneo_limitazioni", _("idoneo con limitazioni")
    NOT_FIT = "non_idoneo", _("non idoneo")


class MedicalVisit(PathwayStep):
    """The outcome only: no diagnosis is ever stored (GDPR art. 9), not even in the note."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="medical_visits")
    outcome = models.CharField(_("esito"), max_length=20, choices=FitnessOutcome.choices)
    note = None  # type: ignore[assignment]  # no free text where a diagnosis could be written

    class Meta(PathwayStep.Meta):
        verbose_name = _("visita medica")
        verbose_name_plural = _("visite mediche")

    @property
    def fit(self) -> bool:
        return self.outcome != FitnessOutcome.NOT_FIT


class VoucherActivation(PathwayStep):
    """The work instrument activated for the person (an INPS voucher, a PrestO contract)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="activations")
    reference = models.CharField(_("riferimento (es. INPS)"), max_length=60)

    class Meta(PathwayStep.Meta):
        verbose_name = _("attivazione dello strumento")
        verbose_name_plural = _("attivazioni dello strumento")


class ContractTextQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        if membership is None or membership.organization.kind != OrganizationKind.MUNICIPALITY:
            return self.none()
        return self.filter(municipality_id=membership.organization_id)


class ContractText(models.Model):
    """A version of the social contract's text agreed by the municipality and the utility."""

    municipality = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("versione"))
    body = models.TextField(_("testo"))
    published_on = models.DateField(_("pubblicato il"), default=timezone.localdate)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ContractTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("testo del contratto sociale")
        verbose_name_plural = _("testi del contratto sociale")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "version"], name="one_text_per_version"),
        ]

    def __str__(self) -> str:
        return _("Testo v%(version)s del %(day)s") % {
            "version": self.version,
            "day": f"{self.published_on:%d/%m/%Y}",
        }


class SocialContractQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        """The contracts of the referrals the member sees."""
        return self.filter(referral__in=Referral.objects.visible_to(membership).values("pk"))


class ContractStatus(TonedChoices):
    TO_SIGN = "da_firmare", _("da firmare")
    SIGNED = "firmato", _("firmato")
    TO_RESIGN = "da_rifirmare", _("da firmare di nuovo (nuovo testo)")
    CLOSED = "chiuso", _("chiuso")
    TONES = enum.nonmember({"da_firmare": "primary", "firmato": "success", "da_rifirmare": "warning"})


CONTRACT_TRANSITIONS = {
    ContractStatus.TO_SIGN: (ContractStatus.SIGNED, ContractStatus.CLOSED),
    ContractStatus.SIGNED: (ContractStatus.TO_RESIGN, ContractStatus.CLOSED),
    ContractStatus.TO_RESIGN: (ContractStatus.SIGNED, ContractStatus.CLOSED),
    ContractStatus.CLOSED: (),
}


class SocialContract(models.Model):
    """The social contract covering all the arrears: the project (paid by work), the older overdue
    bills (in a repayment plan) and the new bills (paid by the customer)."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="contract")
    text = models.ForeignKey(ContractText, on_delete=models.PROTECT, related_name="contracts")
    project_amount = MoneyField(_("importo del progetto (lavoro)"))
    plan = models.ForeignKey(
        RepaymentPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("piano di rientro delle fatture scadute"),
    )
    plan_amount = MoneyField(_("importo nel piano"), default=Decimal(0))
    other_arrears = MoneyField(_("altre fatture a carico dell'utente"), default=Decimal(0))
    status = models.CharField(
        _("stato"), max_length=14, choices=ContractStatus.choices, default=ContractStatus.TO_SIGN
    )
    prepared_on = models.DateField(_("preparato il"), default=timezone.localdate)
    signed_on = models.DateField(_("firmato il"), null=True, blank=True)
    first_signed_on = models.DateField(_("prima firma il"), null=True, blank=True)

    Status = ContractStatus
    objects = SocialContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contratto sociale")
        verbose_name_plural = _("contratti sociali")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="da_firmare") | Q(signed_on__isnull=False) | Q(status="chiuso"),
                name="contract_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return _("Contratto sociale di %(person)s") % {"person": self.referral.person}


class ContractTransition(TransitionRecord):
    """Every change of a contract's status, with the text it was signed on (append-only)."""

    statuses = ContractStatus
    contract = models.ForeignKey(SocialContract, on_delete=models.PROTECT, related_name="transitions")
    text = models.ForeignKey(ContractText, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("passaggio del contratto sociale")
        verbose_name_plural = _("passaggi dei contratti sociali")


class Track(models.TextChoices):
    A = "A", _("A: con il personale del gestore (pulizia aree)")
    B = "B", _("B: attività sociali (vestiti, mobili)")


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        """The municipality and the partner the placements of the referrals they see; the utility
        the track A placements its staff supervise."""
        if membership is None:
            return self.none()
        if membership.organization.kind == OrganizationKind.UTILITY:
            return self.filter(supervisor_id=membership.organization_id)
        return self.filter(referral__in=Referral.objects.visible_to(membership).values("pk"))


class Placement(models.Model):
    """Where and with whom the person works: track A with the utility, track B with the partner."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="placements")
    track = models.CharField(_("percorso"), max_length=1, choices=Track.choices)
    site = models.CharField(_("sede"), max_length=120)
    supervisor = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("supervisione")
    )
    starts_on = models.DateField(_("inizio"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("inserimento lavorativo")
        verbose_name_plural = _("inserimenti lavorativi")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_track_display()} — {self.site}"

    def get_absolute_url(self) -> str:
        return reverse("workprogram:placement-detail", args=[self.pk])


class TimesheetStatus(TonedChoices):
    SUBMITTED = "inviato", _("da approvare")
    APPROVED = "approvato", _("approvato")
    REJECTED = "respinto", _("respinto")
    TONES = enum.nonmember({"inviato": "primary", "approvato": "success"})


TIMESHEET_TRANSITIONS = {
    TimesheetStatus.SUBMITTED: (TimesheetStatus.APPROVED, TimesheetStatus.REJECTED),
    TimesheetStatus.APPROVED: (),
    TimesheetStatus.REJECTED: (),
}


class TimesheetQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        return self.filter(placement__in=Placement.objects.visible_to(membership).values("pk"))


class Timesheet(models.Model):
    """A week of hours of one placement; once approved by the supervisor, a work credit."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="timesheets")
    week_of = models.DateField(_("settimana dal"))  # a Monday
    hours = models.DecimalField(_("ore"), max_digits=5, decimal_places=2)
    status = models.CharField(
        _("stato"), max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.SUBMITTED
    )
    submitted_on = models.DateField(_("inviato il"), default=timezone.localdate)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("deciso il"), null=True, blank=True)
    credited = MoneyField(_("accreditato"), default=Decimal(0))
    cap_note = models.CharField(_("tetto applicato"), max_length=300, blank=True)
    credit = models.OneToOneField(
        "ledger.Credit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    Status = TimesheetStatus
    objects = TimesheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("foglio presenze")
        verbose_name_plural = _("fogli presenze")
        ordering = ["-week_of", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=60), name="timesheet_hours_range"),
            models.CheckConstraint(condition=Q(credited__gte=0), name="timesheet_credited_not_negative"),
            models.UniqueConstraint(
                fields=["placement", "week_of"],
                condition=~Q(status="respinto"),
                name="one_timesheet_per_week",
            ),
        ]

    def __str__(self) -> str:
        return _("Settimana dal %(day)s") % {"day": f"{self.week_of:%d/%m/%Y}"}


class TimesheetEntry(models.Model):
    """A day of a week's timesheet: date, hours, activity."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    on = models.DateField(_("giorno"))
    hours = models.DecimalField(_("ore"), max_digits=4, decimal_places=2)
    activity = models.CharField(_("attività"), max_length=120)

    class Meta:
        verbose_name = _("giornata di lavoro")
        verbose_name_plural = _("giornate di lavoro")
        ordering = ["on"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=12), name="entry_hours_range"),
            models.UniqueConstraint(fields=["timesheet", "on"], name="one_entry_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y}: {self.hours}"


class TimesheetTransition(TransitionRecord):
    statuses = TimesheetStatus
    timesheet = models.ForeignKey(Timesheet, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("passaggio del foglio presenze")
        verbose_name_plural = _("passaggi dei fogli presenze")
