"""Writes of protection: the workflow of a tutela, monitoring, and the reactions to meter events."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from risorsa.coordination.services import meet_deadlines, open_deadline
from risorsa.core.calendar import add_months, add_working_days, next_working_day
from risorsa.core.exceptions import DomainError
from risorsa.core.workflow import change_status
from risorsa.ledger.access import require_party
from risorsa.ledger.models import Customer, ImportRun, MeterEvent, MeterEventKind
from risorsa.ledger.selectors import balance_for
from risorsa.protection import steps
from risorsa.protection.actions import ACTIONS
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
from risorsa.protection.selectors import protection_on_event_day

REVIEW_MONTHS = 6
REVIEW_NOTICE_DAYS = 10  # working days before the review date that it enters the "da fare" queue
REDUCTIONS = (MeterEventKind.POWER_REDUCTION, MeterEventKind.FLOW_LIMITATION)


def _decision_day(on: date | None) -> date:
    """The day a decision was taken: today unless recorded afterwards, never in the future."""
    today = timezone.localdate()
    if on is not None and on > today:
        raise DomainError(_("La data della decisione non può essere futura."))
    return on or today


def _transition(*, protection: Protection, to: str, by, on: date, why: str = "") -> None:
    """Move along the protection's pipeline, in effect from `on`, and record it; anything else is refused.

    A change cannot take effect before the previous one: the status on any day is that of the
    latest change in effect by then, so the history must read the same in both orders.
    """
    previous = protection.transitions.order_by("-on", "-pk").values_list("on", flat=True).first()
    if previous is not None and on < previous:
        raise DomainError(
            _("Il cambio di stato non può avere effetto prima del precedente (%(day)s).")
            % {"day": previous.strftime("%d/%m/%Y")}
        )
    require_party(customer=protection.customer, by=by)
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
        fields={"on": on},
    )


def _locked(protection: Protection) -> Protection:
    return Protection.objects.select_for_update().select_related("customer__person").get(pk=protection.pk)


class AlreadyProtected(DomainError):
    """The customer has a protection in course (proposed, active or suspended): `protection`, named
    in the message, which the page links to."""

    def __init__(self, protection: Protection):
        super().__init__(
            _(
                "Questo cliente ha già una tutela in corso (stato: %(status)s, proposta il %(day)s): "
                "non se ne propone un'altra."
            )
            % {"status": protection.get_status_display(), "day": protection.proposed_on.strftime("%d/%m/%Y")}
        )
        self.protection = protection


def propose_protection(*, customer: Customer, reason: str, by, on: date | None = None) -> Protection:
    """Propose a protection for a customer; at most one protection is open per customer."""
    require_party(customer=customer, by=by)
    proposed_on = _decision_day(on)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Scrivi la motivazione della tutela."))
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        existing = Protection.objects.filter(customer=customer, status__in=OPEN_STATUSES).first()
        if existing is not None:
            raise AlreadyProtected(existing)
        protection = Protection.objects.create(
            customer=customer, reason=reason, created_by=by, proposed_on=proposed_on
        )
        ProtectionTransition.objects.create(
            protection=protection,
            from_status="",
            to_status=ProtectionStatus.PROPOSED,
            on=proposed_on,
            by=by,
            why=reason,
        )
    return protection


@ACTIONS.performs("activate")
def activate_protection(
    *, protection: Protection, by, review_on: date | None = None, why: str = "", on: date | None = None
) -> Protection:
    """Activate (or resume) from the day of the decision: the debt at first activation is the baseline."""
    today = _decision_day(on)
    with transaction.atomic():
        protection = _locked(protection)
        first_time = protection.status == ProtectionStatus.PROPOSED
        _transition(protection=protection, to=ProtectionStatus.ACTIVE, by=by, on=today, why=why)
        if first_time:
            protection.activated_on = today
            protection.baseline_debt = balance_for(customer=protection.customer)
        protection.review_on = review_on or protection.review_on or add_months(today, REVIEW_MONTHS)
        if protection.review_on <= today:
            raise DomainError(_("La data di revisione deve seguire l'attivazione."))
        protection.save()
        _schedule_review(protection)
    return protection


@ACTIONS.performs("suspend")
def suspend_protection(*, protection: Protection, by, why: str) -> Protection:
    """Suspend a protection from today for a while (it can be resumed): the reason is required."""
    if not why.strip():
        raise DomainError(_("Scrivi perché la tutela viene sospesa."))
    with transaction.atomic():
        protection = _locked(protection)
        _transition(
            protection=protection, to=ProtectionStatus.SUSPENDED, by=by, on=timezone.localdate(), why=why
        )
        protection.save()
        meet_deadlines(subject=protection, steps=[steps.PROTECTION_REVIEW])
    return protection


@ACTIONS.performs("end")
def end_protection(*, protection: Protection, by, reason: str, note: str = "") -> Protection:
    """End a protection from today for one of the listed reasons; it is never deleted."""
    if reason not in EndReason.values:
        raise DomainError(_("Scegli il motivo della cessazione."))
    ended_on = timezone.localdate()
    with transaction.atomic():
        protection = _locked(protection)
        _transition(
            protection=protection,
            to=ProtectionStatus.ENDED,
            by=by,
            on=ended_on,
            why=note or str(EndReason(reason).label),
        )
        protection.ended_on = ended_on
        protection.end_reason = reason
        protection.save()
        meet_deadlines(subject=protection, steps=[steps.PROTECTION_REVIEW, steps.CONTACT_AFTER_REDUCTION])
    return protection


@ACTIONS.performs("review")
def review_protection(*, protection: Protection, by, next_review_on: date, note: str) -> Protection:
    """The periodic review of an active protection: recorded, and the next one scheduled."""
    today = timezone.localdate()
    if next_review_on <= today:
        raise DomainError(_("La prossima revisione deve essere in una data futura."))
    with transaction.atomic():
        protection = _locked(protection)
        if protection.status != ProtectionStatus.ACTIVE:
            raise DomainError(_("Si rivede solo una tutela attiva."))
        meet_deadlines(subject=protection, steps=[steps.PROTECTION_REVIEW])
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


@ACTIONS.performs("contact")
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
        meet_deadlines(subject=protection, steps=[steps.CONTACT_AFTER_REDUCTION], on=contacted_on)
    return contact


def _schedule_review(protection: Protection) -> None:
    if protection.review_on is None:
        return
    meet_deadlines(subject=protection, steps=[steps.PROTECTION_REVIEW])
    due_on = next_working_day(protection.review_on)
    open_deadline(
        step=steps.PROTECTION_REVIEW,
        subject=protection,
        owner=protection.customer.municipality,
        person=protection.customer.person,
        # It enters the queue a few working days ahead: a reminder, not six months of clutter.
        opened_on=min(due_on, max(timezone.localdate(), add_working_days(due_on, -REVIEW_NOTICE_DAYS))),
        due_on=due_on,
    )


def react_to_meter_events(*, run: ImportRun) -> None:
    """What the meter events of an import set off (in the import's transaction).

    A reduction on any customer: the municipality evaluates them. On a customer protected on the
    day of the reduction it also opens the deadline to contact the household (unless the protection
    has ended since). A cut of a supply protected on the day of the cut, or non-disconnectable, is an
    incident, open until the reconnection, even if the protection has ended by the time the file
    arrives; a cut before the activation or during a suspension is not.
    """
    events = list(
        MeterEvent.objects.filter(run=run)
        .select_related("customer__person__household", "customer__municipality", "supply_point")
        .annotate(protection_then=protection_on_event_day())
        .order_by("occurred_on", "pk")
    )
    if not events:
        return
    protections = Protection.objects.in_bulk({event.protection_then for event in events} - {None})
    for event in events:
        person = event.customer.person
        protection = protections.get(event.protection_then)
        if event.kind in REDUCTIONS:
            open_deadline(
                step=steps.EVALUATE_REDUCTION,
                subject=event.customer,
                owner=event.customer.municipality,
                person=person,
                opened_on=event.occurred_on,
            )
            # An ended protection has nobody left to contact (ending met its contact deadlines).
            if protection and protection.status != ProtectionStatus.ENDED:
                open_deadline(
                    step=steps.CONTACT_AFTER_REDUCTION,
                    subject=protection,
                    owner=event.customer.municipality,
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
                meet_deadlines(subject=incident, steps=[steps.INCIDENT], on=incident.closed_on)


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
        step=steps.INCIDENT,
        subject=incident,
        owner=event.customer.utility,
        person=event.customer.person,
        opened_on=event.occurred_on,
    )
