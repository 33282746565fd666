"""Writes of the coordination core: deadlines opened and met, the SLA table edited."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from risorsa.coordination.models import Deadline, SlaRule
from risorsa.coordination.steps import all_steps, step_definition
from risorsa.core.calendar import add_working_days
from risorsa.core.exceptions import DomainError, PermissionDenied
from risorsa.organizations.models import Organization, OrganizationKind
from risorsa.organizations.selectors import membership_for
from risorsa.registry.models import Person


def sla_table(municipality: Organization) -> None:
    """Give a municipality its SLA table, with the code's defaults, the first time it is needed."""
    SlaRule.objects.bulk_create(
        [
            SlaRule(
                municipality=municipality,
                step=step.code,
                owner_kind=step.owner_kind,
                working_days=step.default_days,
            )
            for step in all_steps()
        ],
        ignore_conflicts=True,
    )


def sla_rule(step: str, municipality: Organization) -> SlaRule:
    """The step's row of the territory's SLA table, created with its default when first needed."""
    definition = step_definition(step)
    rule, _created = SlaRule.objects.get_or_create(
        municipality=municipality,
        step=step,
        defaults={"owner_kind": definition.owner_kind, "working_days": definition.default_days},
    )
    return rule


def _customer_of(subject: models.Model):
    return subject if hasattr(subject, "holder_surname") else getattr(subject, "customer", None)


def _person_of(subject: models.Model) -> Person | None:
    """The person a step is about (a customer's holder), so that their municipality sees it."""
    if isinstance(subject, Person):
        return subject
    return getattr(_customer_of(subject), "person", None)


def _territory_of(subject: models.Model, owner: Organization, person: Person | None) -> Organization | None:
    """Whose SLA table sets the deadline: the municipality that owns the step, else the one whose
    territory the customer lies in, else the one keeping the person."""
    if owner.kind == OrganizationKind.MUNICIPALITY:
        return owner
    customer = _customer_of(subject)
    if customer is not None:
        return customer.municipality
    return person.organization if person is not None else None


def open_deadline(
    *,
    step: str,
    subject: models.Model,
    owner: Organization,
    person: Person | None = None,
    opened_on: date | None = None,
    due_on: date | None = None,
) -> Deadline:
    """Open the step's deadline for `subject`, due after the SLA's working days; at most one stays open."""
    subject_type = ContentType.objects.get_for_model(subject)
    person = person or _person_of(subject)
    opened_on = opened_on or timezone.localdate()
    if due_on is None:
        territory = _territory_of(subject, owner, person)
        days = sla_rule(step, territory).working_days if territory else step_definition(step).default_days
        due_on = add_working_days(opened_on, days)
    with transaction.atomic():
        existing = (
            Deadline.objects.open()
            .select_for_update()
            .filter(step=step, subject_type=subject_type, subject_id=subject.pk)
            .first()
        )
        if existing:
            return existing
        return Deadline.objects.create(
            step=step,
            subject_type=subject_type,
            subject_id=subject.pk,
            owner=owner,
            person=person,
            opened_on=opened_on,
            due_on=max(due_on, opened_on),
        )


def meet_deadlines(*, subject: models.Model, steps: list[str], on: date | None = None) -> int:
    """Mark the open deadlines of these steps for `subject` as met; how many there were."""
    return (
        Deadline.objects.open()
        .filter(
            step__in=steps,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        )
        .update(met_on=on or timezone.localdate())
    )


def update_sla_rule(*, rule: SlaRule, working_days: int, by) -> SlaRule:
    """Change a step's working days in the manager's own territory; open deadlines keep the due
    date they were given."""
    membership = membership_for(user=by)
    if membership is None or not membership.is_manager or membership.organization_id != rule.municipality_id:
        raise PermissionDenied(_("Solo il responsabile del Comune cambia i tempi del suo territorio."))
    if not 0 <= working_days <= 250:
        raise DomainError(_("I giorni lavorativi devono essere tra 0 e 250."))
    rule.working_days = working_days
    rule.updated_by = by
    rule.full_clean()
    rule.save()
    return rule
