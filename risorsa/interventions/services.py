"""Writes of spot interventions: proposed on bills, the customer's share confirmed, the contribution
authorized within the yearly budget, sent to the utility as a credit, applied when it reports it."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risorsa.coordination.selectors import latest_deadline
from risorsa.coordination.services import meet_deadlines, open_deadline
from risorsa.core.exceptions import DomainError
from risorsa.core.money import format_euro, quantize
from risorsa.core.phrases import Phrase
from risorsa.core.workflow import change_status
from risorsa.interventions import steps
from risorsa.interventions.actions import ACTIONS
from risorsa.interventions.models import (
    ALLOWED_TRANSITIONS,
    COMMITTED,
    Budget,
    InterventionKind,
    InterventionStatus,
    InterventionTransition,
    SpotIntervention,
    shares,
)
from risorsa.ledger.access import require_party
from risorsa.ledger.models import Bill, CreditKind, CreditStatus, Customer
from risorsa.ledger.selectors import allocations_counted_by
from risorsa.ledger.services import create_credit, hold_bills, release_bills
from risorsa.organizations.models import Organization
from risorsa.repayment.selectors import is_eligible_for_help


def _transition(*, intervention: SpotIntervention, to: str, by, why: str | Phrase = "") -> None:
    """Move along the intervention's pipeline and record it; anything else is refused in Italian."""
    require_party(customer=intervention.customer, by=by)
    change_status(
        intervention,
        to=to,
        allowed=ALLOWED_TRANSITIONS,
        statuses=InterventionStatus,
        refusal=_("Un intervento in stato «%(current)s» non può passare a «%(target)s»."),
        log=intervention.transitions,
        by=by,
        why=why,
    )


def _locked(intervention: SpotIntervention) -> SpotIntervention:
    return (
        SpotIntervention.objects.select_for_update()
        .select_related("customer__utility", "customer__municipality")
        .get(pk=intervention.pk)
    )


def propose_intervention(
    *,
    customer: Customer,
    bills: list[Bill],
    by,
    municipal_percent: Decimal = Decimal(50),
    kind: str = InterventionKind.SPOT,
    on: date | None = None,
) -> SpotIntervention:
    """Propose to share chosen open bills between the customer and the municipality (50/50 by default);
    the intervention holds the bills from `on` (today, unless recorded afterwards)."""
    require_party(customer=customer, by=by)
    proposed_on = on or timezone.localdate()
    if proposed_on > timezone.localdate():
        raise DomainError(_("La data della proposta non può essere futura."))
    if not bills:
        raise DomainError(_("Scegli almeno una fattura aperta."))
    if any(bill.customer_id != customer.pk or bill.closed_on or bill.residual <= 0 for bill in bills):
        raise DomainError(_("Si possono scegliere solo fatture aperte di questo cliente."))
    if not Decimal(0) < municipal_percent <= Decimal(100):
        raise DomainError(_("La quota del Comune deve essere tra 0 e 100%."))
    if kind == InterventionKind.PLAN_HELP and not is_eligible_for_help(customer=customer):
        raise DomainError(_("L'aiuto su nuove bollette spetta a chi ha rispettato il piano di rientro."))
    amount = quantize(sum((bill.residual for bill in bills), Decimal(0)))
    customer_share, municipal_share = shares(amount, municipal_percent)
    with transaction.atomic():
        intervention = SpotIntervention.objects.create(
            customer=customer,
            kind=kind,
            amount=amount,
            municipal_percent=municipal_percent,
            customer_share=customer_share,
            municipal_share=municipal_share,
            year=proposed_on.year,
            proposed_on=proposed_on,
            created_by=by,
        )
        intervention.bills.set(bills)
        hold_bills(bills=bills, holder=intervention, on=intervention.proposed_on)
        InterventionTransition.objects.create(
            intervention=intervention, from_status="", to_status=InterventionStatus.PROPOSED, by=by
        )
        open_deadline(
            step=steps.SPOT_SHARE,
            subject=intervention,
            owner=customer.utility,
            person=customer.person,
            opened_on=proposed_on,
        )
    return intervention


@ACTIONS.performs("confirm")
def confirm_customer_share(
    *, intervention: SpotIntervention, by=None, why: str | Phrase = ""
) -> SpotIntervention:
    """The utility confirms the customer paid their share (by hand, or its payments file did)."""
    with transaction.atomic():
        intervention = _locked(intervention)
        _transition(intervention=intervention, to=InterventionStatus.SHARE_PAID, by=by, why=why)
        meet_deadlines(subject=intervention, steps=[steps.SPOT_SHARE])
        open_deadline(
            step=steps.SPOT_AUTHORIZATION,
            subject=intervention,
            owner=intervention.customer.municipality,
            person=intervention.customer.person,
        )
    return intervention


def budget_use(*, municipality: Organization, year: int) -> tuple[Decimal, Decimal]:
    """(committed, spent) of the municipality's contributions in a budget year."""
    interventions = SpotIntervention.objects.filter(customer__municipality=municipality, year=year)
    committed = interventions.filter(status__in=COMMITTED).aggregate(total=Sum("municipal_share"))["total"]
    spent = interventions.filter(status=InterventionStatus.APPLIED).aggregate(total=Sum("municipal_share"))[
        "total"
    ]
    return quantize(committed), quantize(spent)


@ACTIONS.performs("authorize")
def authorize_contribution(*, intervention: SpotIntervention, by) -> SpotIntervention:
    """A municipality manager authorizes the contribution; refused, writing nothing, beyond the budget."""
    with transaction.atomic():
        intervention = _locked(intervention)
        require_party(customer=intervention.customer, by=by)  # never another territory's budget
        municipality = intervention.customer.municipality
        # One authorization at a time per budget: two cannot both fit in what only one fits in.
        budget = (
            Budget.objects.select_for_update()
            .filter(municipality=municipality, year=intervention.year)
            .first()
        )
        if budget is None:
            raise DomainError(
                _("Non c'è un budget per il %(year)s: chiedi al responsabile di inserirlo.")
                % {"year": intervention.year}
            )
        committed, spent = budget_use(municipality=municipality, year=intervention.year)
        available = budget.amount - committed - spent
        if intervention.municipal_share > available:
            raise DomainError(
                _("Il contributo di %(share)s supera il budget %(year)s: restano %(available)s.")
                % {
                    "share": format_euro(intervention.municipal_share),
                    "year": intervention.year,
                    "available": format_euro(available),
                }
            )
        _transition(intervention=intervention, to=InterventionStatus.AUTHORIZED, by=by)
        meet_deadlines(subject=intervention, steps=[steps.SPOT_AUTHORIZATION])
    return intervention


@ACTIONS.performs("send")
def send_credit(*, intervention: SpotIntervention, by) -> SpotIntervention:
    """Create the municipal credit (in transit, with its riferimento) for the utility to apply."""
    with transaction.atomic():
        intervention = _locked(intervention)
        _transition(intervention=intervention, to=InterventionStatus.CREDIT_SENT, by=by)
        intervention.credit = create_credit(
            customer=intervention.customer,
            kind=CreditKind.MUNICIPAL,
            amount=intervention.municipal_share,
            reason=_("Contributo del Comune, intervento n. %(pk)s") % {"pk": intervention.pk},
            created_on=timezone.localdate(),
            by=by,
            holder=intervention,
        )
        intervention.save(update_fields=["credit"])
    return intervention


@ACTIONS.performs("withdraw")
def withdraw_intervention(*, intervention: SpotIntervention, by, why: str) -> SpotIntervention:
    """The municipality withdraws an intervention whose credit is not yet sent: its deadlines close,
    its bills and its share of the budget are freed."""
    if not why.strip():
        raise DomainError(_("Scrivi perché l'intervento viene ritirato."))
    with transaction.atomic():
        intervention = _locked(intervention)
        _close(intervention, to=InterventionStatus.WITHDRAWN, by=by, why=why)
    return intervention


def share_due_on(intervention: SpotIntervention) -> date | None:
    """The day by which the utility expected the customer's share (the SLA table's working days)."""
    deadline = latest_deadline(subject=intervention, step=steps.SPOT_SHARE)
    return deadline.due_on if deadline else None


def share_overdue(intervention: SpotIntervention) -> bool:
    """The customer's share was due before today: from then on the utility may cancel."""
    due_on = share_due_on(intervention)
    return due_on is not None and due_on < timezone.localdate()


@ACTIONS.performs("cancel", when=share_overdue)
def cancel_intervention(*, intervention: SpotIntervention, by, why: str) -> SpotIntervention:
    """The utility cancels an intervention whose customer never paid their share within the SLA's
    working days: its deadlines close and its bills are freed."""
    if not why.strip():
        raise DomainError(_("Scrivi perché l'intervento viene annullato."))
    with transaction.atomic():
        intervention = _locked(intervention)
        if intervention.status == InterventionStatus.PROPOSED and not share_overdue(intervention):
            due_on = share_due_on(intervention)
            raise DomainError(
                _("L'utente ha tempo fino al %(day)s per pagare la sua quota: prima non si può annullare.")
                % {"day": f"{due_on:%d/%m/%Y}" if due_on else "—"}
            )
        _close(intervention, to=InterventionStatus.CANCELLED, by=by, why=why)
    return intervention


def _close(intervention: SpotIntervention, *, to: str, by, why: str | Phrase) -> None:
    """Applied, withdrawn or cancelled: the day is kept, open deadlines close, the bills are freed."""
    _transition(intervention=intervention, to=to, by=by, why=why)
    intervention.closed_on = timezone.localdate()
    intervention.save(update_fields=["closed_on"])
    meet_deadlines(subject=intervention, steps=[steps.SPOT_SHARE, steps.SPOT_AUTHORIZATION])
    release_bills(holder=intervention, on=intervention.closed_on)


def customer_share_paid(*, intervention: SpotIntervention) -> Decimal:
    """What the customer has paid towards the intervention's bills since it was proposed
    (the allocations of their payments; the municipality's credit is not theirs)."""
    total = allocations_counted_by(holder=intervention).aggregate(total=Sum("amount"))["total"]
    return quantize(total)


def follow_interventions(*, today: date | None = None, customers=None) -> dict[str, int]:
    """The daily follow-up of interventions (all, or those of some customers): a customer's share
    their payments have covered is confirmed; a credit the utility applied closes its intervention."""
    interventions = SpotIntervention.objects.all()
    if customers is not None:
        interventions = interventions.filter(customer__in=customers)
    confirmed = applied = 0
    for intervention in interventions.filter(status=InterventionStatus.PROPOSED).order_by("pk"):
        if customer_share_paid(intervention=intervention) >= intervention.customer_share:
            confirm_customer_share(
                intervention=intervention, why=Phrase(gettext_lazy("dal file dei pagamenti"))
            )
            confirmed += 1
    settled = interventions.filter(status=InterventionStatus.CREDIT_SENT, credit__status=CreditStatus.APPLIED)
    for intervention in settled.select_related("credit").order_by("pk"):
        with transaction.atomic():
            _close(
                _locked(intervention),
                to=InterventionStatus.APPLIED,
                by=None,
                why=Phrase(
                    gettext_lazy("il gestore ha applicato l'accredito %(reference)s"),
                    reference=intervention.credit.reference,
                ),
            )
        applied += 1
    return {"quote confermate": confirmed, "accrediti applicati": applied}


def set_budget(*, municipality: Organization, year: int, amount: Decimal) -> Budget:
    """Set the year's budget; it may not fall below what is already committed and spent."""
    with transaction.atomic():
        committed, spent = budget_use(municipality=municipality, year=year)
        if amount < committed + spent:
            raise DomainError(
                _("Il budget non può scendere sotto quanto già impegnato e speso (%(used)s).")
                % {"used": format_euro(committed + spent)}
            )
        budget, _created = Budget.objects.update_or_create(
            municipality=municipality, year=year, defaults={"amount": amount}
        )
    return budget
