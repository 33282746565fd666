import enum
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from risorsa.core.choices import TonedChoices
from risorsa.core.money import MoneyField
from risorsa.core.workflow import TransitionRecord
from risorsa.ledger.models import Bill, Credit, Customer, CustomerScopedQuerySet
from risorsa.organizations.models import Organization

CENT = Decimal("0.01")


def shares(amount: Decimal, municipal_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(customer's share, municipality's contribution) of an amount.

    The rule: the municipality's contribution is rounded half up to the cent and the customer
    pays the rest, so the two always add up to the amount (50% of 300,01 €: 150,00 + 150,01).
    """
    municipal = (amount * municipal_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount - municipal, municipal


class InterventionKind(models.TextChoices):
    SPOT = "spot", _("intervento spot")
    PLAN_HELP = "aiuto_piano", _("aiuto su nuove bollette (piano rispettato)")


class InterventionStatus(TonedChoices):
    PROPOSED = "proposto", _("proposto")
    SHARE_PAID = "quota_pagata", _("quota utente pagata")
    AUTHORIZED = "autorizzato", _("contributo autorizzato")
    CREDIT_SENT = "accredito_inviato", _("accredito inviato")
    APPLIED = "applicato", _("applicato")
    WITHDRAWN = "ritirato", _("ritirato dal Comune")
    CANCELLED = "annullato", _("annullato dal gestore")
    TONES = enum.nonmember(
        {
            "proposto": "primary",
            "quota_pagata": "primary",
            "autorizzato": "primary",
            "accredito_inviato": "primary",
            "applicato": "success",
        }
    )


ALLOWED_TRANSITIONS = {
    InterventionStatus.PROPOSED: (
        InterventionStatus.SHARE_PAID,
        InterventionStatus.WITHDRAWN,
        InterventionStatus.CANCELLED,
    ),
    InterventionStatus.SHARE_PAID: (InterventionStatus.AUTHORIZED, InterventionStatus.WITHDRAWN),
    InterventionStatus.AUTHORIZED: (InterventionStatus.CREDIT_SENT, InterventionStatus.WITHDRAWN),
    InterventionStatus.CREDIT_SENT: (InterventionStatus.APPLIED,),
    InterventionStatus.APPLIED: (),
    InterventionStatus.WITHDRAWN: (),
    InterventionStatus.CANCELLED: (),
}
# Ended: the bills it held are let go and its contribution no longer weighs on the budget.
CLOSED = (InterventionStatus.APPLIED, InterventionStatus.WITHDRAWN, InterventionStatus.CANCELLED)
COMMITTED = (InterventionStatus.AUTHORIZED, InterventionStatus.CREDIT_SENT)


class Budget(models.Model):
    """The municipality's yearly budget for its contributions."""

    municipality = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("Comune")
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    amount = MoneyField(_("stanziamento"))
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    history = HistoricalRecords()  # who changed the amount, from what to what, when

    class Meta:
        verbose_name = _("budget degli interventi")
        verbose_name_plural = _("budget degli interventi")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_budget_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class InterventionQuerySet(CustomerScopedQuerySet):
    pass


class SpotIntervention(models.Model):
    """The customer pays a share of chosen bills and the municipality contributes the rest."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("cliente")
    )
    kind = models.CharField(
        _("tipo"), max_length=12, choices=InterventionKind.choices, default=InterventionKind.SPOT
    )
    bills = models.ManyToManyField(Bill, related_name="+", verbose_name=_("fatture"))  # as proposed
    amount = MoneyField(_("importo"))
    municipal_percent = models.DecimalField(
        _("quota del Comune (%)"), max_digits=5, decimal_places=2, default=50
    )
    customer_share = MoneyField(_("quota utente"))
    municipal_share = MoneyField(_("contributo del Comune"))
    status = models.CharField(
        _("stato"), max_length=20, choices=InterventionStatus.choices, default=InterventionStatus.PROPOSED
    )
    year = models.PositiveSmallIntegerField(_("anno di bilancio"))
    proposed_on = models.DateField(_("proposto il"), default=timezone.localdate)
    closed_on = models.DateField(_("chiuso il"), null=True, blank=True)
    credit = models.OneToOneField(
        Credit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("accredito")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposto da")
    )

    Status = InterventionStatus  # for the status badge
    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervento spot")
        verbose_name_plural = _("interventi spot")
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="intervention_amount_positive"),
            models.CheckConstraint(
                # Rounded: SQLite keeps decimals as binary floating point, where 22,93 + 22,94
                # is not exactly 45,87.
                condition=Q(customer_share__gte=0, municipal_share__gte=0)
                & Q(amount=Round(F("customer_share") + F("municipal_share"), 2)),
                name="intervention_shares_sum_to_amount",
            ),
            models.CheckConstraint(
                condition=Q(municipal_percent__gt=0, municipal_percent__lte=100),
                name="intervention_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return _("Intervento per il cliente %(code)s") % {"code": self.customer.code}

    def get_absolute_url(self) -> str:
        return reverse("interventions:detail", args=[self.pk])


class InterventionTransition(TransitionRecord):
    """Every change of an intervention's status (append-only); `by` is empty when a file decided it."""

    statuses = InterventionStatus
    intervention = models.ForeignKey(SpotIntervention, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("passaggio di stato dell'intervento")
        verbose_name_plural = _("passaggi di stato dell'intervento")
