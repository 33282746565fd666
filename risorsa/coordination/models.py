from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.coordination.steps import step_awaits, step_label
from risorsa.organizations.models import Membership, Organization, OrganizationKind
from risorsa.registry.models import Person


class SlaRuleQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        """A municipality reads its own territory's table; a utility or a partner, who may work in
        several territories, every table (read-only: the municipality's manager sets its own)."""
        if membership is None:
            return self.none()
        if membership.organization.kind == OrganizationKind.MUNICIPALITY:
            return self.filter(municipality_id=membership.organization_id)
        return self


class SlaRule(models.Model):
    """How many working days an organization kind has for a step: each municipality's SLA table,
    the agreement of its territory with the utilities and the partner."""

    municipality = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="sla_rules",
        verbose_name=_("Comune"),
        limit_choices_to={"kind": OrganizationKind.MUNICIPALITY},
    )
    step = models.CharField(_("passaggio"), max_length=40)  # a code of coordination.steps
    owner_kind = models.CharField(_("in carico a"), max_length=10, choices=OrganizationKind.choices)
    working_days = models.PositiveSmallIntegerField(_("giorni lavorativi"))
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modificato da"),
    )

    objects = SlaRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("tempo massimo (SLA)")
        verbose_name_plural = _("tempi massimi (SLA)")
        ordering = ["municipality", "step"]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=0, working_days__lte=250), name="sla_days_in_range"
            ),
            models.UniqueConstraint(fields=["municipality", "step"], name="one_sla_per_step_and_territory"),
        ]

    def __str__(self) -> str:
        return f"{self.step_label}: {self.working_days}"

    @property
    def step_label(self) -> str:
        return step_label(self.step)


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None):
        """An organization sees the deadlines that wait on it; a municipality also those of the
        others about the people of its registry (whose turn it is), never another territory's."""
        if membership is None:
            return self.none()
        mine = Q(owner_id=membership.organization_id)
        if membership.organization.kind == OrganizationKind.MUNICIPALITY:
            return self.filter(mine | Q(person__organization_id=membership.organization_id))
        return self.filter(mine)

    def open(self):
        return self.filter(met_on__isnull=True)


class Deadline(models.Model):
    """A step that waits on one organization, due on a working day, until it is met."""

    step = models.CharField(_("passaggio"), max_length=40)  # a code of coordination.steps
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("in carico a")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("persona"),
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    opened_on = models.DateField(_("aperta il"))
    due_on = models.DateField(_("scadenza"))
    met_on = models.DateField(_("svolta il"), null=True, blank=True)
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("scadenza")
        verbose_name_plural = _("scadenze")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject"),
            models.Index(fields=["owner", "due_on"], condition=Q(met_on__isnull=True), name="deadline_open"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "subject_type", "subject_id"],
                condition=Q(met_on__isnull=True),
                name="one_open_deadline_per_step_and_subject",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("opened_on")), name="deadline_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step_label} ({self.due_on:%d/%m/%Y})"

    @property
    def step_label(self) -> str:
        return step_label(self.step)

    @property
    def awaits(self) -> str:
        """Whom the step waits for, said to a member whose role does not meet it."""
        return step_awaits(self.step)

    def days_late(self, today) -> int:
        """Calendar days past the due date (0 when not late)."""
        end = self.met_on or today
        return max(0, (end - self.due_on).days)


class DailyRun(models.Model):
    """One run of the daily follow-up: the day it followed up, the one before, what it did."""

    day = models.DateField(_("giorno"))
    previous_day = models.DateField(_("giro precedente"), null=True, blank=True)
    ran_at = models.DateTimeField(_("eseguito il"), default=timezone.now)
    outcome = models.JSONField(_("esito"), default=dict)

    class Meta:
        verbose_name = _("giro giornaliero")
        verbose_name_plural = _("giri giornalieri")
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}"
