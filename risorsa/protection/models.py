import enum

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from risorsa.core.choices import TonedChoices
from risorsa.core.money import MoneyField
from risorsa.core.workflow import TransitionRecord
from risorsa.ledger.models import Customer, CustomerScopedQuerySet, MeterEvent, SupplyPoint
from risorsa.organizations.models import Membership
from risorsa.organizations.scoping import INCIDENT, granted


class ProtectionStatus(TonedChoices):
    PROPOSED = "proposta", _("proposta")
    ACTIVE = "attiva", _("attiva")
    SUSPENDED = "sospesa", _("sospesa")
    ENDED = "cessata", _("cessata")
    TONES = enum.nonmember({"proposta": "primary", "attiva": "success", "sospesa": "warning"})


OPEN_STATUSES = (ProtectionStatus.PROPOSED, ProtectionStatus.ACTIVE, ProtectionStatus.SUSPENDED)

# The pipeline a protection follows; anything else is refused.
ALLOWED_TRANSITIONS = {
    ProtectionStatus.PROPOSED: (ProtectionStatus.ACTIVE, ProtectionStatus.ENDED),
    ProtectionStatus.ACTIVE: (ProtectionStatus.SUSPENDED, ProtectionStatus.ENDED),
    ProtectionStatus.SUSPENDED: (ProtectionStatus.ACTIVE, ProtectionStatus.ENDED),
    ProtectionStatus.ENDED: (),
}


class EndReason(models.TextChoices):
    SETTLED = "debito_saldato", _("debito saldato")
    MOVED = "trasferito", _("trasferito")
    DECEASED = "deceduto", _("deceduto")
    PLAN_BROKEN = "piano_non_rispettato", _("piano non rispettato")
    OTHER = "altro", _("altro")


class ProtectionQuerySet(CustomerScopedQuerySet):
    hidden_from_utility = Q(status=ProtectionStatus.PROPOSED)  # the utility learns of it once in force

    def in_force_on(self, day):
        """Protections active on `day`: the latest of their transitions in effect by then made them active.

        `day` is a date, or an `OuterRef` to a date of the query this one is nested in (the day of a
        meter event): one expression answers both for a given day and for each row of a list.
        """
        if isinstance(day, OuterRef):
            # Seen from the transitions' subquery, the query this one is nested in is one level further.
            day = OuterRef(day)
        status_then = (
            ProtectionTransition.objects.filter(protection=OuterRef("pk"), on__lte=day)
            .order_by("-on", "-pk")
            .values("to_status")[:1]
        )
        return self.alias(status_then=Subquery(status_then)).filter(status_then=ProtectionStatus.ACTIVE)


class Protection(models.Model):
    """A customer the utility must not cut off (tutela), proposed and monitored by the municipality."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="protections", verbose_name=_("cliente")
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=ProtectionStatus.choices, default=ProtectionStatus.PROPOSED
    )
    reason = models.TextField(_("motivazione"), help_text=_("Visibile solo ai Servizi Sociali."))
    proposed_on = models.DateField(_("proposta il"), default=timezone.localdate)
    activated_on = models.DateField(_("attivata il"), null=True, blank=True)
    review_on = models.DateField(_("revisione il"), null=True, blank=True)
    ended_on = models.DateField(_("cessata il"), null=True, blank=True)
    end_reason = models.CharField(
        _("motivo di cessazione"), max_length=24, choices=EndReason.choices, blank=True
    )
    baseline_debt = MoneyField(_("debito all'attivazione"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposta da")
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)

    Status = ProtectionStatus  # for the status badge
    objects = ProtectionQuerySet.as_manager()
    # Field-level history with its user: the reason is in it, shown to the municipality's manager only.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tutela")
        verbose_name_plural = _("tutele")
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_protection_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(status="proposta") | Q(activated_on__isnull=False, baseline_debt__isnull=False),
                name="protection_activated_has_baseline",
            ),
            models.CheckConstraint(
                condition=~Q(status="cessata") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="protection_ended_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("Tutela del cliente %(code)s") % {"code": self.customer.code}

    def get_absolute_url(self) -> str:
        return reverse("protection:detail", args=[self.pk])

    @property
    def in_force(self) -> bool:
        return self.status == ProtectionStatus.ACTIVE

    @property
    def is_open(self) -> bool:
        """Proposed, active or suspended: in course, so no other is proposed for the customer."""
        return self.status in OPEN_STATUSES


class ProtectionTransition(TransitionRecord):
    """Every change of a protection's status (append-only): who, when, from, to, why, in effect from when.

    `on` is the day the change takes effect (an activation decided in an earlier meeting takes effect
    on the day of the decision): what a meter event meant is judged by the status on its own day.
    """

    statuses = ProtectionStatus
    protection = models.ForeignKey(Protection, on_delete=models.PROTECT, related_name="transitions")
    on = models.DateField(_("con effetto dal"))

    class Meta(TransitionRecord.Meta):
        verbose_name = _("passaggio di stato della tutela")
        verbose_name_plural = _("passaggi di stato della tutela")

    @property
    def backdated(self) -> bool:
        """It took effect on another day than the one it was recorded (shown in the history)."""
        return self.on != timezone.localtime(self.at).date()


class ContactChannel(models.TextChoices):
    PHONE = "telefono", _("telefono")
    MEETING = "colloquio", _("colloquio in ufficio")
    HOME_VISIT = "visita", _("visita domiciliare")
    EMAIL = "email", _("e-mail")


class MonitoringContact(models.Model):
    """A contact with the protected household (monitoring): date, channel, outcome."""

    protection = models.ForeignKey(Protection, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("data"))
    channel = models.CharField(_("canale"), max_length=10, choices=ContactChannel.choices)
    outcome = models.TextField(_("esito"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("operatore")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contatto di monitoraggio")
        verbose_name_plural = _("contatti di monitoraggio")
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.contacted_on:%d/%m/%Y}"


class IncidentKind(models.TextChoices):
    PROTECTED = "tutelato", _("cliente tutelato")
    NON_DISCONNECTABLE = "non_disalimentabile", _("fornitura non disalimentabile")


class IncidentQuerySet(CustomerScopedQuerySet):
    def visible_to(self, membership: Membership | None):
        """Whoever sees the customer, and the kinds granted `INCIDENT` (the partner its people's)."""
        extra = granted(INCIDENT, membership)
        if extra is None:
            return super().visible_to(membership)
        return self.filter(Q(pk__in=super().visible_to(membership).values("pk")) | extra)

    def open(self):
        return self.filter(closed_on__isnull=True)


class Incident(models.Model):
    """A protected or non-disconnectable supply was cut: open until the utility reconnects it."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("cliente")
    )
    supply_point = models.ForeignKey(
        SupplyPoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("punto di fornitura")
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=IncidentKind.choices)
    suspension = models.OneToOneField(
        MeterEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("sospensione")
    )
    opened_on = models.DateField(_("sospesa il"))
    reconnection = models.OneToOneField(
        MeterEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("riattivazione"),
    )
    closed_on = models.DateField(_("riattivata il"), null=True, blank=True)
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incidente")
        verbose_name_plural = _("incidenti")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supply_point"],
                condition=Q(closed_on__isnull=True),
                name="one_open_incident_per_supply",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="incident_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return _("Sospensione di %(code)s del %(day)s") % {
            "code": self.supply_point.code,
            "day": self.opened_on.strftime("%d/%m/%Y"),
        }

    def get_absolute_url(self) -> str:
        return reverse("protection:incident-detail", args=[self.pk])
