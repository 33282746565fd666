"""Writes of protection: the workflow of a tutela, monitoring, and the reactions to meter events."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from risorsa.coordination.models import Step
from risorsa.coordination.services import meet_deadlines, open_deadline
from risorsa.core.calendar import add_months, add_working_days, next_working_day
from risorsa.core.exceptions import DomainError
from risorsa.core.workflow import change_status
from risorsa.ledger.models import Customer, ImportRun, MeterEvent, MeterEventKind
from risorsa.ledger.selectors import balance_for
from risorsa.protection.models import (
    ALLOWED_TRANSITIONS,
    OPEN_STATUSES,
    ContactChannel,
    EndReason,
    Incident,
    IncidentKind,
    MonitoringContact,
    Protection,
    ProtectionStatus,
    ProtectionTransition,
)

REVIEW_MONTHS = 6
REVIEW_NOTICE_DAYS = 10  # working days before the review date that it enters the "da fare" queue
REDUCTIONS = (MeterEventKind.POWER_REDUCTION, MeterEventKind.FLOW_LIMITATION)


def _decision_day(on: date | None) -> date:
    """The day a decision was taken: today unless recorded afterwards, never in the future."""
    today = timezone.localdate()
    if on is not None and on > today:
        raise DomainError(_("La data della decisione non può essere futura."))
    return on or today


def _transition(*, protection: Protection, to: str, by, why: str = "") -> None:
    """Move along the protection's pipeline and record it; anything else is refused in Italian."""
    change_status(
        protection,
        to=to,
        allowed=ALLOWED_TRANSITIONS,
        statuses=ProtectionStatus,
        refusal=_("Una tutela %(current)s non può diventare %(target)s."),
        log=protection.transitions,
        by=by,
        why=why,
        save=False,  # activation and ending set their dates with it (database checks hold them together)
    )


def _locked(protection: Protection) -> Protection:
    return Protection.objects.select_for_update().select_related("customer__person").get(pk=protection.pk)


def propose_protection(*, customer: Customer, reason: str, by, on: date | None = None) -> Protection:
    """Propose a protection for a customer; at most one protection is open per customer."""
    proposed_on = _decision_day(on)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Scrivi la motivazione della tutela."))
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        if Protection.objects.filter(customer=customer, status__in=OPEN_STATUSES).exists():
            raise DomainError(_("Questo cliente ha già una tutela proposta, attiva o sospesa."))
        protection = Protection.objects.create(
            customer=customer, reason=reason, created_by=by, proposed_on=proposed_on
        )
        ProtectionTransition.objects.create(
            protection=protection, from_status="", to_status=ProtectionStatus.PROPOSED, by=by, why=reason
        )
    return protection


def activate_protection(
    *, protection: Protection, by, review_on: date | None = None, why: str = "", on: date | None = None
) -> Protection:
    """Activate (or resume): the debt at first activation is the baseline the outcome is measured on."""
    today = _decision_day(on)
    with transaction.atomic():
        protection = _locked(protection)
        first_time = protection.status == ProtectionStatus.PROPOSED
        _transition(protection=protection, to=ProtectionStatus.ACTIVE, by=by, why=why)
        if first_time:
            protection.activated_on = today
            protection.baseline_debt = balance_for(customer=protection.customer)
        protection.review_on = review_on or protection.review_on or add_months(today, REVIEW_MONTHS)
        if protection.review_on <= today:
            raise DomainError(_("La data di revisione deve seguire l'attivazione."))
        protection.save()
        _schedule_review(protection)
    return protection


def suspend_protection(*, protection: Protection, by, why: str) -> Protection:
    """Suspend a protection for a while (it can be resumed): the reason is required."""
    if not why.strip():
        raise DomainError(_("Scrivi perché la tutela viene sospesa."))
    with transaction.atomic():
        protection = _locked(protection)
        _transition(protection=protection, to=ProtectionStatus.SUSPENDED, by=by, why=why)
        protection.save()
        meet_deadlines(subject=protection, steps=[Step.PROTECTION_REVIEW])
    return protection


def end_protection(*, protection: Protection, by, reason: str, note: str = "") -> Protection:
    """End a protection for one of the listed reasons; it is never deleted."""
    if reason not in EndReason.values:
        raise DomainError(_("Scegli il motivo della cessazione."))
    with transaction.atomic():
        protection = _locked(protection)
        _transition(
            protection=protection, to=ProtectionStatus.ENDED, by=by, why=note or str(EndReason(reason).label)
        )
        protection.ended_on = timezone.localdate()
        protection.end_reason = reason
        protection.save()
        meet_deadlines(subject=protection, steps=[Step.PROTECTION_REVIEW, Step.CONTACT_AFTER_REDUCTION])
    return protection


def review_protection(*, protection: Protection, by, next_review_on: date, note: str) -> Protection:
    """The periodic review of an active protection: recorded, and the next one scheduled."""
    today = timezone.localdate()
    if next_review_on <= today:
        raise DomainError(_("La prossima revisione deve essere in una data futura."))
    with transaction.atomic():
        protection = _locked(protection)
        if protection.status != ProtectionStatus.ACTIVE:
            raise DomainError(_("Si rivede solo una tutela attiva."))
        meet_deadlines(subject=protection, steps=[Step.PROTECTION_REVIEW])
        protection.review_on = next_review_on
        protection.save()
        MonitoringContact.objects.create(
            protection=protection,
            contacted_on=today,
            channel=ContactChannel.MEETING,
            outcome=_("Revisione della tutela: %(note)s") % {"note": note.strip() or "—"},
            by=by,
        )
        _schedule_review(protection)
    return protection


def record_contact(
    *, protection: Protection, by, contacted_on: date, channel: str, outcome: str
) -> MonitoringContact:
    """A contact with the household; it meets the deadline to contact them after a reduction."""
    if contacted_on > timezone.localdate():
        raise DomainError(_("La data del contatto non può essere futura."))
    if not outcome.strip():
        raise DomainError(_("Scrivi l'esito del contatto."))
    with transaction.atomic():
        contact = MonitoringContact.objects.create(
            protection=protection, contacted_on=contacted_on, channel=channel, outcome=outcome.strip(), by=by
        )
        meet_deadlines(subject=protection, steps=[Step.CONTACT_AFTER_REDUCTION], on=contacted_on)
    return contact


def _schedule_review(protection: Protection) -> None:
    if protection.review_on is None:
        return
    meet_deadlines(subject=protection, steps=[Step.PROTECTION_REVIEW])
    due_on = next_working_day(protection.review_on)
    open_deadline(
        step=Step.PROTECTION_REVIEW,
        subject=protection,
        owner=protection.customer.person.organization,
        person=protection.customer.person,
        # It enters the queue a few working days ahead: a reminder, not six months of clutter.
        opened_on=min(due_on, max(timezone.localdate(), add_working_days(due_on, -REVIEW_NOTICE_DAYS))),
        due_on=due_on,
    )


def react_to_meter_events(*, run: ImportRun) -> None:
    """What the meter events of an import set off (in the import's transaction).

    A reduction on any customer: the municipality evaluates them. On a protected customer it
    also opens the deadline to contact the household. A cut of a protected or non-disconnectable
    supply is an incident, open until the reconnection.
    """
    events = list(
        MeterEvent.objects.filter(run=run)
        .select_related("customer__person__household", "customer__person__organization", "supply_point")
        .order_by("occurred_on", "pk")
    )
    if not events:
        return
    customers = {event.customer_id for event in events}
    protections = {
        protection.customer_id: protection
        for protection in Protection.objects.filter(customer_id__in=customers, status=ProtectionStatus.ACTIVE)
    }
    for event in events:
        person = event.customer.person
        protection = protections.get(event.customer_id)
        if event.kind in REDUCTIONS:
            open_deadline(
                step=Step.EVALUATE_REDUCTION,
                subject=event.customer,
                owner=person.organization,
                person=person,
                opened_on=event.occurred_on,
            )
            if protection:
                open_deadline(
                    step=Step.CONTACT_AFTER_REDUCTION,
                    subject=protection,
                    owner=person.organization,
                    person=person,
                    opened_on=event.occurred_on,
                )
        elif event.kind == MeterEventKind.SUSPENSION:
            life_support = bool(person.household and person.household.life_support)
            if protection or life_support:
                _open_incident(
                    event, IncidentKind.NON_DISCONNECTABLE if life_support else IncidentKind.PROTECTED
                )
        elif event.kind == MeterEventKind.RECONNECTION:
            for incident in Incident.objects.open().filter(supply_point=event.supply_point_id):
                incident.reconnection = event
                incident.closed_on = max(event.occurred_on, incident.opened_on)
                incident.save(update_fields=["reconnection", "closed_on"])
                meet_deadlines(subject=incident, steps=[Step.INCIDENT], on=incident.closed_on)


def _open_incident(event: MeterEvent, kind: str) -> None:
    if Incident.objects.open().filter(supply_point=event.supply_point_id).exists():
        return
    incident = Incident.objects.create(
        customer=event.customer,
        supply_point=event.supply_point,
        kind=kind,
        suspension=event,
        opened_on=event.occurred_on,
    )
    open_deadline(
        step=Step.INCIDENT,
        subject=incident,
        owner=event.customer.utility,
        person=event.customer.person,
        opened_on=event.occurred_on,
    )
