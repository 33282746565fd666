import enum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from risorsa.core.choices import TonedChoices
from risorsa.core.money import MoneyField
from risorsa.core.workflow import TransitionRecord
from risorsa.ledger.models import Customer, CustomerScopedQuerySet


class PlanStatus(TonedChoices):
    DRAFT = "bozza", _("bozza")
    PROPOSED = "proposta", _("proposta al gestore")
    APPROVED = "approvata", _("approvata dal gestore")
    ACTIVE = "attiva", _("attiva")
    COMPLETED = "completata", _("completata")
    LAPSED = "decaduta", _("decaduta")
    CANCELLED = "annullata", _("annullata")
    TONES = enum.nonmember(
        {
            "bozza": "primary",
            "proposta": "primary",
            "approvata": "primary",
            "attiva": "success",
            "completata": "success",
        }
    )


OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.APPROVED, PlanStatus.ACTIVE)

ALLOWED_TRANSITIONS = {
    PlanStatus.DRAFT: (PlanStatus.PROPOSED, PlanStatus.CANCELLED),
    PlanStatus.PROPOSED: (PlanStatus.APPROVED, PlanStatus.CANCELLED),
    PlanStatus.APPROVED: (PlanStatus.ACTIVE, PlanStatus.CANCELLED),
    PlanStatus.ACTIVE: (PlanStatus.COMPLETED, PlanStatus.LAPSED),
    PlanStatus.COMPLETED: (),
    PlanStatus.LAPSED: (),
    PlanStatus.CANCELLED: (),
}


def grace_days_default() -> int:
    return settings.PLAN_GRACE_DAYS


class PlanQuerySet(CustomerScopedQuerySet):
    hidden_from_utility = Q(status=PlanStatus.DRAFT)  # a draft is the social worker's, not yet sent


class RepaymentPlan(models.Model):
    """A repayment plan (piano di rientro) agreed with a household for overdue debt."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="repayment_plans", verbose_name=_("cliente")
    )
    status = models.CharField(_("stato"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    debt = MoneyField(_("debito"))
    monthly_income = MoneyField(_("reddito mensile del nucleo"))
    share = models.DecimalField(_("quota sostenibile del reddito"), max_digits=4, decimal_places=3)
    minimum_installment = MoneyField(_("rata minima"))
    max_months = models.PositiveSmallIntegerField(_("mesi al massimo"))
    annual_rate = models.DecimalField(_("tasso annuo"), max_digits=5, decimal_places=4, default=0)
    interest = MoneyField(_("interessi"), default=0)
    start_on = models.DateField(_("prima rata il"))
    missed_allowed = models.PositiveSmallIntegerField(_("rate non pagate ammesse"), default=2)
    grace_days = models.PositiveSmallIntegerField(
        _("giorni lavorativi di tolleranza"), default=grace_days_default
    )
    signed_on = models.DateField(_("firmato il"), null=True, blank=True)
    ended_on = models.DateField(_("concluso il"), null=True, blank=True)
    # REMSI (ARERA 311/2019, art. 5): water debts under a reminder or formal notice get at least
    # 12 monthly installments with no interest, unless the customer documents the choice of a
    # shorter plan: who recorded it, the day the customer chose, how (the document).
    regulated = models.BooleanField(_("piano regolato REMSI (acqua)"), default=False)
    shorter_choice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scelta registrata da"),
    )
    shorter_choice_on = models.DateField(_("scelta del cliente il"), null=True, blank=True)
    shorter_choice_how = models.CharField(_("come il cliente ha scelto"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("preparato da")
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    Status = PlanStatus  # for the status badge
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("piano di rientro")
        verbose_name_plural = _("piani di rientro")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=OPEN_PLAN_STATUSES),
                name="one_open_plan_per_customer",
            ),
            models.CheckConstraint(condition=Q(debt__gt=0), name="plan_debt_positive"),
            models.CheckConstraint(
                condition=Q(max_months__gte=1, max_months__lte=60), name="plan_months_in_range"
            ),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=1), name="plan_share_in_range"),
            models.CheckConstraint(
                condition=Q(
                    shorter_choice_on__isnull=True, shorter_choice_how="", shorter_choice_by__isnull=True
                )
                | (
                    Q(shorter_choice_on__isnull=False, shorter_choice_by__isnull=False)
                    & ~Q(shorter_choice_how="")
                ),
                name="plan_shorter_choice_whole",
            ),
        ]

    def __str__(self) -> str:
        return _("Piano di rientro del cliente %(code)s") % {"code": self.customer.code}

    def get_absolute_url(self) -> str:
        return reverse("repayment:detail", args=[self.pk])

    @property
    def total(self):
        return self.debt + self.interest

    @property
    def shorter_by_choice(self) -> bool:
        return self.shorter_choice_on is not None


class InstallmentStatus(models.TextChoices):
    DUE = "da_pagare", _("da pagare")
    PAID = "pagata", _("pagata")
    PAID_LATE = "pagata_in_ritardo", _("pagata in ritardo")
    MISSED = "non_pagata", _("non pagata")


class Installment(models.Model):
    """One monthly installment of a plan; its status follows the utility's payments."""

    plan = models.ForeignKey(RepaymentPlan, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField(_("rata n."))
    due_on = models.DateField(_("scadenza"))
    amount = MoneyField(_("importo"))
    status = models.CharField(
        _("stato"), max_length=20, choices=InstallmentStatus.choices, default=InstallmentStatus.DUE
    )
    paid_on = models.DateField(_("pagata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("rata")
        verbose_name_plural = _("rate")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="installment_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="installment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.amount} ({self.due_on:%d/%m/%Y})"


class PlanTransition(TransitionRecord):
    """Every change of a plan's status (append-only); `by` is empty when the payments decided it."""

    statuses = PlanStatus
    plan = models.ForeignKey(RepaymentPlan, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("passaggio di stato del piano")
        verbose_name_plural = _("passaggi di stato del piano")
