"""Writes of the work program: editions and their timings, referrals, the pathway and its gates,
the social contract and its versioned text, placements, timesheets and the work credits they earn."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risorsa.coordination.services import meet_deadlines, open_deadline, sla_rule
from risorsa.core.calendar import add_working_days
from risorsa.core.exceptions import DomainError, PermissionDenied
from risorsa.core.money import format_euro, quantize
from risorsa.core.phrases import Phrase
from risorsa.core.workflow import change_status
from risorsa.ledger.access import require_party
from risorsa.ledger.models import Bill, Credit, CreditKind, CreditStatus, Customer
from risorsa.ledger.selectors import balance_for, held_bills
from risorsa.ledger.services import create_credit, hold_bills, release_bills
from risorsa.organizations.models import Organization, OrganizationKind
from risorsa.organizations.selectors import membership_for
from risorsa.repayment.models import RepaymentPlan
from risorsa.workprogram import steps
from risorsa.workprogram.actions import (
    CONTRACT_ACTIONS,
    PLACEMENT_ACTIONS,
    REFERRAL_ACTIONS,
    TIMESHEET_ACTIONS,
)
from risorsa.workprogram.models import (
    ALLOWED_TRANSITIONS,
    CONTRACT_TRANSITIONS,
    IN_PROGRESS,
    TIMESHEET_TRANSITIONS,
    CallAttempt,
    CallOutcome,
    ContractStatus,
    ContractText,
    Edition,
    EditionTiming,
    EndOutcome,
    FitnessOutcome,
    MedicalVisit,
    Placement,
    Referral,
    ReferralStatus,
    SocialContract,
    Timesheet,
    TimesheetEntry,
    TimesheetStatus,
    Track,
    TrainingCourse,
    TutorMeeting,
    VoucherActivation,
)

DEFAULT_CONTRACT_TEXT = """\
Contratto sociale — progetto Risorsa Lavoro

Il Comune, il gestore e il partner del terzo settore si impegnano con l'intestatario a risolvere \
tutta la sua morosità:
1. l'importo del progetto è pagato con il lavoro: le ore approvate diventano accrediti sulle \
fatture del progetto;
2. le fatture scadute non comprese nel progetto sono rateizzate con un piano di rientro \
sostenibile, che si conclude entro un anno;
3. le nuove bollette in emissione sono pagate dall'intestatario alle scadenze.
L'intestatario si impegna a seguire il percorso (tutor, formazione, visita medica) e a lavorare \
secondo l'inserimento concordato."""


# ---- editions ---------------------------------------------------------------------------------


def _require_municipality_manager(by, municipality: Organization) -> None:
    membership = membership_for(user=by) if by is not None else None
    if by is not None and (
        membership is None or membership.organization_id != municipality.pk or not membership.is_manager
    ):
        raise PermissionDenied(_("Solo il responsabile del Comune gestisce le edizioni."))


def create_edition(
    *,
    municipality: Organization,
    partner: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    net_hourly_value: Decimal,
    by,
    instrument: str = "Voucher INPS",
    face_hourly_value: Decimal | None = None,
    yearly_cap_per_worker: Decimal | None = None,
    yearly_cap_per_employer: Decimal | None = None,
    budget: Decimal | None = None,
) -> Edition:
    """Open an edition; its timings start as the territory's SLA table says, to be agreed before it starts."""
    _require_municipality_manager(by, municipality)
    if partner.kind != OrganizationKind.PARTNER:
        raise DomainError(_("Il partner dell'edizione deve essere un partner del terzo settore."))
    if ends_on <= starts_on:
        raise DomainError(_("La fine dell'edizione deve venire dopo l'inizio."))
    if net_hourly_value <= 0:
        raise DomainError(_("Il valore netto per ora deve essere positivo."))
    if Edition.objects.filter(municipality=municipality, name=name).exists():
        raise DomainError(_("Esiste già un'edizione %(name)s.") % {"name": name})
    with transaction.atomic():
        edition = Edition.objects.create(
            municipality=municipality,
            partner=partner,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            instrument=instrument,
            face_hourly_value=face_hourly_value,
            net_hourly_value=net_hourly_value,
            yearly_cap_per_worker=yearly_cap_per_worker,
            yearly_cap_per_employer=yearly_cap_per_employer,
            budget=budget,
        )
        EditionTiming.objects.bulk_create(
            EditionTiming(edition=edition, step=step, working_days=sla_rule(step, municipality).working_days)
            for step in steps.EDITION_STEPS
        )
    return edition


def set_edition_timing(*, edition: Edition, step: str, working_days: int, by) -> EditionTiming:
    """Agree a step's days for the edition; once it has started, the timings are the agreement."""
    _require_municipality_manager(by, edition.municipality)
    if edition.has_started():
        raise DomainError(
            _("L'edizione è iniziata il %(day)s: le tempistiche concordate non si cambiano più.")
            % {"day": f"{edition.starts_on:%d/%m/%Y}"}
        )
    if not 0 <= working_days <= 250:
        raise DomainError(_("I giorni lavorativi vanno da 0 a 250."))
    timing = EditionTiming.objects.get(edition=edition, step=step)
    timing.working_days = working_days
    timing.save(update_fields=["working_days"])
    return timing


def _due(edition: Edition, step: str, opened_on: date) -> date:
    """The step's due date under the edition's agreed timings."""
    timing = edition.timings.filter(step=step).first()
    days = timing.working_days if timing else sla_rule(step, edition.municipality).working_days
    return add_working_days(opened_on, days)


def _open(step: str, referral: Referral, owner: Organization, on: date, subject=None) -> None:
    open_deadline(
        step=step,
        subject=subject or referral,
        owner=owner,
        person=referral.person,
        opened_on=on,
        due_on=_due(referral.edition, step, on),
    )


def _day(on: date | None) -> date:
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise DomainError(_("La data non può essere futura."))
    return day


# ---- referral ---------------------------------------------------------------------------------


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("edition__municipality", "edition__partner", "customer__utility", "person")
        .get(pk=referral.pk)
    )


def _require_referral_party(referral: Referral, by) -> None:
    if by is None:
        return
    membership = membership_for(user=by)
    if not Referral.objects.visible_to(membership).filter(pk=referral.pk).exists():
        raise PermissionDenied(_("Questa persona non è seguita dalla tua organizzazione."))


def _transition(referral: Referral, *, to: str, by, why: str | Phrase = "") -> None:
    change_status(
        referral,
        to=to,
        allowed=ALLOWED_TRANSITIONS,
        statuses=ReferralStatus,
        refusal=_("Una segnalazione in stato «%(current)s» non può passare a «%(target)s»."),
        log=referral.transitions,
        by=by,
        why=why,
        save=False,
    )


def refer_person(
    *,
    edition: Edition,
    customer: Customer,
    bills: list[Bill],
    project_amount: Decimal,
    by,
    note_for_partner: str = "",
    on: date | None = None,
) -> Referral:
    """The municipality refers a customer's holder to the edition's partner: the project amount
    (never above their arrears at referral, nor above the bills it covers) is to be paid by work."""
    require_party(customer=customer, by=by)
    if by is not None:
        membership = membership_for(user=by)
        if membership is None or membership.organization_id != edition.municipality_id:
            raise PermissionDenied(_("Solo il Comune dell'edizione segnala le persone."))
    referred_on = _day(on)
    if referred_on > edition.ends_on:
        raise DomainError(_("L'edizione %(name)s è finita.") % {"name": edition.name})
    if customer.person_id is None:
        raise DomainError(_("Il cliente non è ancora collegato a una persona dell'anagrafica."))
    if not bills:
        raise DomainError(_("Scegli le fatture che il progetto paga con il lavoro."))
    if any(bill.customer_id != customer.pk or bill.closed_on or bill.residual <= 0 for bill in bills):
        raise DomainError(_("Si possono scegliere solo fatture aperte di questo cliente."))
    covered = quantize(sum((bill.residual for bill in bills), Decimal(0)))
    arrears = balance_for(customer=customer)
    project_amount = quantize(project_amount)
    if project_amount <= 0:
        raise DomainError(_("L'importo del progetto deve essere positivo."))
    if project_amount > arrears:
        raise DomainError(
            _("L'importo del progetto (%(amount)s) supera la morosità del cliente (%(arrears)s).")
            % {"amount": format_euro(project_amount), "arrears": format_euro(arrears)}
        )
    if project_amount > covered:
        raise DomainError(
            _("L'importo del progetto (%(amount)s) supera quanto resta delle fatture scelte (%(covered)s).")
            % {"amount": format_euro(project_amount), "covered": format_euro(covered)}
        )
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        if Referral.objects.filter(
            person_id=customer.person_id, status__in=(*IN_PROGRESS, "segnalata")
        ).exists():
            raise DomainError(_("Questa persona ha già un progetto Risorsa Lavoro in corso."))
        referral = Referral.objects.create(
            edition=edition,
            person_id=customer.person_id,
            customer=customer,
            project_amount=project_amount,
            arrears_at_referral=max(arrears, project_amount),
            note_for_partner=note_for_partner,
            referred_on=referred_on,
            created_by=by,
        )
        hold_bills(bills=bills, holder=referral, on=referred_on)
        referral.transitions.create(
            from_status="", to_status=ReferralStatus.REFERRED, by=by, at=_at(referred_on)
        )
        _open(steps.ACCEPT_REFERRAL, referral, edition.partner, referred_on)
    return referral


def _at(day: date):
    """A transition recorded for a past day keeps that day (demo, late entries); today keeps the time."""
    now = timezone.now()
    if day >= timezone.localdate():
        return now
    return timezone.make_aware(datetime.combine(day, time(12)))


@REFERRAL_ACTIONS.performs("accept")
def accept_referral(*, referral: Referral, by, on: date | None = None) -> Referral:
    """The partner takes the person on: the first call is now due."""
    _require_referral_party(referral, by)
    day = _day(on)
    with transaction.atomic():
        referral = _locked(referral)
        _transition(referral, to=ReferralStatus.ACCEPTED, by=by)
        referral.accepted_on = day
        referral.save(update_fields=["status", "accepted_on"])
        meet_deadlines(subject=referral, steps=[steps.ACCEPT_REFERRAL], on=day)
        _open(steps.FIRST_CALL, referral, referral.edition.partner, day)
    return referral


@REFERRAL_ACTIONS.performs("reject")
def reject_referral(*, referral: Referral, by, why: str) -> Referral:
    """The partner turns the referral down, with a reason the municipality reads; its bills are freed."""
    return _close_referral(referral, to=ReferralStatus.REJECTED, by=by, why=why)


@REFERRAL_ACTIONS.performs("revoke")
def revoke_referral(*, referral: Referral, by, why: str) -> Referral:
    """The municipality takes the referral back before any work; its bills are freed."""
    return _close_referral(referral, to=ReferralStatus.REVOKED, by=by, why=why)


def _close_referral(referral: Referral, *, to: str, by, why: str, on: date | None = None) -> Referral:
    if not why.strip():
        raise DomainError(_("Scrivi il motivo."))
    _require_referral_party(referral, by)
    day = _day(on)
    with transaction.atomic():
        referral = _locked(referral)
        _transition(referral, to=to, by=by, why=why)
        referral.ended_on = day
        referral.save(update_fields=["status", "ended_on"])
        _settle_pathway(referral, day)
    return referral


def _settle_pathway(referral: Referral, day: date) -> None:
    """The project ends: no step waits any more, the contract closes, the unpaid bills are freed."""
    meet_deadlines(subject=referral, steps=list(steps.EDITION_STEPS), on=day)
    contract = SocialContract.objects.filter(referral=referral).first()
    if contract is not None and contract.status != ContractStatus.CLOSED:
        _contract_transition(contract, to=ContractStatus.CLOSED, by=None)
        contract.save(update_fields=["status"])
        meet_deadlines(subject=contract, steps=[steps.RESIGN_CONTRACT, steps.SIGN_CONTRACT], on=day)
    release_bills(holder=referral, on=day)


# ---- pathway ----------------------------------------------------------------------------------


@REFERRAL_ACTIONS.performs("call")
def record_call(*, referral: Referral, by, on: date, outcome: str, note: str = "") -> CallAttempt:
    """A call to the person: once reached, the medical visit is due."""
    _require_referral_party(referral, by)
    day = _day(on)
    with transaction.atomic():
        referral = _locked(referral)
        call = CallAttempt.objects.create(
            referral=referral, on=day, outcome=outcome, note=note, recorded_by=by
        )
        if outcome == CallOutcome.REACHED:
            meet_deadlines(subject=referral, steps=[steps.FIRST_CALL], on=day)
            _open(steps.MEDICAL_VISIT, referral, referral.edition.partner, day)
    return call


@REFERRAL_ACTIONS.performs("tutor")
def record_tutor_meeting(*, referral: Referral, by, on: date, note: str = "") -> TutorMeeting:
    """A meeting with the tutor."""
    _require_referral_party(referral, by)
    return TutorMeeting.objects.create(referral=referral, on=_day(on), note=note, recorded_by=by)


@REFERRAL_ACTIONS.performs("training")
def record_training(
    *, referral: Referral, by, on: date, course: str, hours: Decimal, passed: bool, note: str = ""
) -> TrainingCourse:
    """A training course with its hours and whether it was passed."""
    _require_referral_party(referral, by)
    if hours <= 0:
        raise DomainError(_("Le ore del corso devono essere positive."))
    return TrainingCourse.objects.create(
        referral=referral, on=_day(on), course=course, hours=hours, passed=passed, note=note, recorded_by=by
    )


@REFERRAL_ACTIONS.performs("medical")
def record_medical_visit(*, referral: Referral, by, on: date, outcome: str) -> MedicalVisit:
    """The medical visit's outcome only (fit, fit with limits, not fit): never a diagnosis.
    Once fit, the instrument's activation is due."""
    _require_referral_party(referral, by)
    if outcome not in FitnessOutcome.values:
        raise DomainError(_("Esito della visita non valido."))
    day = _day(on)
    with transaction.atomic():
        referral = _locked(referral)
        visit = MedicalVisit.objects.create(referral=referral, on=day, outcome=outcome, recorded_by=by)
        meet_deadlines(subject=referral, steps=[steps.MEDICAL_VISIT], on=day)
        if visit.fit:
            _open(steps.ACTIVATION, referral, referral.edition.partner, day)
    return visit


def latest_visit(referral: Referral) -> MedicalVisit | None:
    return referral.medical_visits.order_by("-on", "-pk").first()


@REFERRAL_ACTIONS.performs("activate")
def record_activation(*, referral: Referral, by, on: date, reference: str) -> VoucherActivation:
    """Activate the work instrument (the INPS voucher): only after a medical visit that found the
    person fit. Then the social contract is due for signature."""
    _require_referral_party(referral, by)
    day = _day(on)
    visit = latest_visit(referral)
    if visit is None or not visit.fit or visit.on > day:
        raise DomainError(
            _("Prima dell'attivazione serve una visita medica con esito idoneo (o idoneo con limitazioni).")
        )
    with transaction.atomic():
        referral = _locked(referral)
        activation = VoucherActivation.objects.create(
            referral=referral, on=day, reference=reference.strip(), recorded_by=by
        )
        meet_deadlines(subject=referral, steps=[steps.ACTIVATION], on=day)
        contract = SocialContract.objects.filter(referral=referral).first()
        if contract is None or contract.status != ContractStatus.SIGNED:
            _open(steps.SIGN_CONTRACT, referral, referral.edition.municipality, day)
    return activation


# ---- social contract --------------------------------------------------------------------------


def current_text(municipality: Organization) -> ContractText:
    """The newest text of the municipality's contract; the first use publishes the default one."""
    text = ContractText.objects.filter(municipality=municipality).order_by("-version").first()
    if text is None:
        text = ContractText.objects.create(
            municipality=municipality, version=1, body=DEFAULT_CONTRACT_TEXT, published_by=None
        )
    return text


def _contract_transition(contract: SocialContract, *, to: str, by, why: str | Phrase = "", text=None) -> None:
    change_status(
        contract,
        to=to,
        allowed=CONTRACT_TRANSITIONS,
        statuses=ContractStatus,
        refusal=_("Un contratto in stato «%(current)s» non può passare a «%(target)s»."),
        log=contract.transitions,
        by=by,
        why=why,
        save=False,
        fields={"text": text},
    )


def open_overdue(customer: Customer, *, outside: Referral) -> Decimal:
    """What the customer owes on open bills the project does not hold."""
    project_bills = held_bills(holder=outside).values("pk")
    total = (
        Bill.objects.filter(customer=customer, closed_on__isnull=True, residual__gt=0)
        .exclude(pk__in=project_bills)
        .aggregate(total=Sum("residual"))["total"]
    )
    return quantize(total)


def _no_contract_yet(referral: Referral) -> bool:
    return not SocialContract.objects.filter(referral=referral).exists()


@REFERRAL_ACTIONS.performs("contract", when=_no_contract_yet)  # offered until it is prepared
def prepare_contract(
    *, referral: Referral, by, plan: RepaymentPlan | None = None, on: date | None = None
) -> SocialContract:
    """The contract covering all the arrears, on the current text: the project amount (work), the
    older overdue bills in the customer's repayment plan (the plan generator: within 12 months and
    sustainable), the rest paid by the customer."""
    _require_referral_party(referral, by)
    day = _day(on)
    if plan is not None and plan.customer_id != referral.customer_id:
        raise DomainError(_("Il piano di rientro non è di questo cliente."))
    with transaction.atomic():
        referral = _locked(referral)
        if SocialContract.objects.filter(referral=referral).exists():
            raise DomainError(_("Il contratto sociale di questa persona è già stato preparato."))
        outside = open_overdue(referral.customer, outside=referral)
        plan_amount = quantize(plan.debt) if plan is not None else Decimal("0.00")
        contract = SocialContract.objects.create(
            referral=referral,
            text=current_text(referral.edition.municipality),
            project_amount=referral.project_amount,
            plan=plan,
            plan_amount=plan_amount,
            other_arrears=max(Decimal("0.00"), outside - plan_amount),
            prepared_on=day,
        )
        contract.transitions.create(
            from_status="", to_status=ContractStatus.TO_SIGN, by=by, text=contract.text, at=_at(day)
        )
    return contract


@CONTRACT_ACTIONS.performs("sign")
def sign_contract(*, contract: SocialContract, by, signed_on: date) -> SocialContract:
    """Record the signature, on the current text (a new text replaces the one signed before);
    the first work day is then due."""
    _require_referral_party(contract.referral, by)
    day = _day(signed_on)
    with transaction.atomic():
        contract = (
            SocialContract.objects.select_for_update().select_related("referral__edition").get(pk=contract.pk)
        )
        referral = contract.referral
        if day < contract.prepared_on:
            raise DomainError(_("La firma non può precedere la preparazione del contratto."))
        text = current_text(referral.edition.municipality)
        first = contract.first_signed_on is None
        _contract_transition(contract, to=ContractStatus.SIGNED, by=by, text=text)
        contract.text = text
        contract.signed_on = day
        contract.first_signed_on = contract.first_signed_on or day
        contract.save(update_fields=["status", "text", "signed_on", "first_signed_on"])
        meet_deadlines(subject=contract, steps=[steps.RESIGN_CONTRACT], on=day)
        meet_deadlines(subject=referral, steps=[steps.SIGN_CONTRACT], on=day)
        if first and not referral.placements.exists():
            _open(steps.FIRST_WORK_DAY, referral, referral.edition.partner, day)
    return contract


def publish_contract_text(
    *, municipality: Organization, body: str, by, on: date | None = None
) -> tuple[ContractText, int]:
    """Publish a new text agreed with the utility: every signed contract still in force must be
    signed again, with its plan, and each goes to the municipality's queue. (text, contracts flagged)"""
    _require_municipality_manager(by, municipality)
    if not body.strip():
        raise DomainError(_("Scrivi il testo del contratto."))
    day = _day(on)
    with transaction.atomic():
        latest = (
            ContractText.objects.select_for_update()
            .filter(municipality=municipality)
            .aggregate(version=Max("version"))["version"]
        )
        text = ContractText.objects.create(
            municipality=municipality,
            version=(latest or 0) + 1,
            body=body.strip(),
            published_on=day,
            published_by=by,
        )
        in_force = (
            SocialContract.objects.select_for_update()
            .filter(
                referral__edition__municipality=municipality,
                referral__status__in=IN_PROGRESS,
                status=ContractStatus.SIGNED,
            )
            .select_related("referral__edition__municipality", "referral__person", "referral__customer")
            .order_by("pk")
        )
        flagged = 0
        for contract in in_force:
            _contract_transition(
                contract,
                to=ContractStatus.TO_RESIGN,
                by=by,
                why=Phrase(gettext_lazy("nuovo testo v%(version)s"), version=text.version),
                text=text,
            )
            contract.save(update_fields=["status"])
            _open(steps.RESIGN_CONTRACT, contract.referral, municipality, day, subject=contract)
            flagged += 1
        # Contracts not signed yet are simply printed on the new text.
        SocialContract.objects.filter(
            referral__edition__municipality=municipality, status=ContractStatus.TO_SIGN
        ).update(text=text)
    return text, flagged


# ---- placement and timesheets -----------------------------------------------------------------


def placement_gate(referral: Referral) -> str:
    """Why the person cannot be placed yet ("" when they can): a signed contract and an active instrument."""
    contract = SocialContract.objects.filter(referral=referral).first()
    if contract is None or contract.status != ContractStatus.SIGNED:
        if contract is not None and contract.status == ContractStatus.TO_RESIGN:
            return _("Il contratto sociale va firmato di nuovo sul nuovo testo prima dell'inserimento.")
        return _("Prima dell'inserimento serve il contratto sociale firmato.")
    if not referral.activations.exists():
        return _("Prima dell'inserimento serve lo strumento di lavoro attivato (es. voucher INPS).")
    return ""


def _may_be_placed(referral: Referral) -> bool:
    return not placement_gate(referral)


@REFERRAL_ACTIONS.performs("place", when=_may_be_placed)  # offered once the gates are passed
def place_person(*, referral: Referral, by, track: str, site: str, starts_on: date) -> Placement:
    """Place the person: track A with the utility's staff (the utility supervises), track B in
    social activities (the partner supervises). Not before a signed contract and an active instrument."""
    _require_referral_party(referral, by)
    with transaction.atomic():
        referral = _locked(referral)
        refusal = placement_gate(referral)
        if refusal:
            raise DomainError(refusal)
        if track not in Track.values:
            raise DomainError(_("Percorso non valido: A o B."))
        supervisor = referral.customer.utility if track == Track.A else referral.edition.partner
        placement = Placement.objects.create(
            referral=referral,
            track=track,
            site=site.strip(),
            supervisor=supervisor,
            starts_on=starts_on,
            created_by=by,
        )
        if referral.status == ReferralStatus.ACCEPTED:
            _transition(referral, to=ReferralStatus.WORKING, by=by)
            referral.save(update_fields=["status"])
    return placement


@PLACEMENT_ACTIONS.performs("timesheet")
def submit_timesheet(
    *, placement: Placement, by, week_of: date, hours: dict[date, Decimal], activity: str
) -> Timesheet:
    """A week of hours (Monday to Sunday) for the supervisor to approve; the first one meets the
    'first work day' step."""
    referral = placement.referral
    _require_referral_party(referral, by)
    if referral.status != ReferralStatus.WORKING:
        raise DomainError(_("Le presenze si inseriscono per chi è al lavoro."))
    if week_of.weekday() != 0:
        raise DomainError(_("La settimana comincia di lunedì."))
    days = {day: quantize(value) for day, value in hours.items() if value}
    if not days:
        raise DomainError(_("Inserisci le ore di almeno un giorno."))
    for day, value in days.items():
        if not week_of <= day < week_of + timedelta(days=7):
            raise DomainError(_("Il giorno %(day)s non è di questa settimana.") % {"day": f"{day:%d/%m/%Y}"})
        if not Decimal(0) < value <= Decimal(12):
            raise DomainError(
                _("Il %(day)s: le ore vanno da 0 a 12, non %(hours)s.")
                % {"day": f"{day:%d/%m/%Y}", "hours": value}
            )
        if day < placement.starts_on:
            raise DomainError(
                _("Il %(day)s è prima dell'inizio dell'inserimento (%(start)s).")
                % {"day": f"{day:%d/%m/%Y}", "start": f"{placement.starts_on:%d/%m/%Y}"}
            )
        if day > timezone.localdate():
            raise DomainError(_("Il %(day)s è nel futuro.") % {"day": f"{day:%d/%m/%Y}"})
    submitted_on = max(days)
    with transaction.atomic():
        Placement.objects.select_for_update().filter(pk=placement.pk).first()
        if (
            Timesheet.objects.filter(placement=placement, week_of=week_of)
            .exclude(status=TimesheetStatus.REJECTED)
            .exists()
        ):
            raise DomainError(
                _("Le presenze della settimana dal %(day)s sono già state inserite.")
                % {"day": f"{week_of:%d/%m/%Y}"}
            )
        timesheet = Timesheet.objects.create(
            placement=placement,
            week_of=week_of,
            hours=sum(days.values(), Decimal(0)),
            submitted_on=submitted_on,
            submitted_by=by,
        )
        TimesheetEntry.objects.bulk_create(
            TimesheetEntry(timesheet=timesheet, on=day, hours=value, activity=activity.strip())
            for day, value in sorted(days.items())
        )
        timesheet.transitions.create(
            from_status="", to_status=TimesheetStatus.SUBMITTED, by=by, at=_at(submitted_on)
        )
        meet_deadlines(subject=referral, steps=[steps.FIRST_WORK_DAY], on=min(days))
        _open(steps.APPROVE_TIMESHEET, referral, placement.supervisor, submitted_on, subject=timesheet)
    return timesheet


@dataclass(frozen=True)
class CreditRoom:
    """How much a timesheet may still credit, and which limit is the tightest."""

    amount: Decimal
    limit: str  # "" when the hours' value fits


def credit_room(*, timesheet: Timesheet, value: Decimal) -> CreditRoom:
    """The hours' value, cut by the project amount, the instrument's yearly caps (per worker, per
    worker and employer) and what the project's bills still owe."""
    placement = timesheet.placement
    referral = placement.referral
    edition = referral.edition
    year = timesheet.week_of.year
    approved = Timesheet.objects.filter(status=TimesheetStatus.APPROVED)
    rooms: list[tuple[Decimal, str]] = []
    credited = quantize(
        approved.filter(placement__referral=referral).aggregate(total=Sum("credited"))["total"]
    )
    rooms.append(
        (
            referral.project_amount - credited,
            _("l'importo del progetto (%(amount)s) è raggiunto")
            % {"amount": format_euro(referral.project_amount)},
        )
    )
    of_worker = approved.filter(placement__referral__person=referral.person, week_of__year=year)
    if edition.yearly_cap_per_worker is not None:
        used = quantize(of_worker.aggregate(total=Sum("credited"))["total"])
        rooms.append(
            (
                edition.yearly_cap_per_worker - used,
                _("il tetto annuo per lavoratore (%(cap)s nel %(year)s)")
                % {"cap": format_euro(edition.yearly_cap_per_worker), "year": year},
            )
        )
    if edition.yearly_cap_per_employer is not None:
        used = quantize(
            of_worker.filter(placement__supervisor=placement.supervisor).aggregate(total=Sum("credited"))[
                "total"
            ]
        )
        rooms.append(
            (
                edition.yearly_cap_per_employer - used,
                _("il tetto annuo per lavoratore e committente (%(cap)s nel %(year)s)")
                % {"cap": format_euro(edition.yearly_cap_per_employer), "year": year},
            )
        )
    bills_left = quantize(held_bills(holder=referral).aggregate(total=Sum("residual"))["total"])
    in_transit = quantize(
        Credit.objects.filter(
            holder_type=ContentType.objects.get_for_model(Referral),
            holder_id=referral.pk,
            status=CreditStatus.IN_TRANSIT,
        ).aggregate(total=Sum("amount"))["total"]
    )
    rooms.append((bills_left - in_transit, _("le fatture del progetto sono già coperte")))
    room, limit = min(rooms, key=lambda pair: pair[0])
    room = max(room, Decimal("0.00"))
    if value <= room:
        return CreditRoom(amount=value, limit="")
    return CreditRoom(amount=room, limit=limit)


def _timesheet_transition(timesheet: Timesheet, *, to: str, by, why: str = "") -> None:
    change_status(
        timesheet,
        to=to,
        allowed=TIMESHEET_TRANSITIONS,
        statuses=TimesheetStatus,
        refusal=_("Presenze in stato «%(current)s»: non si possono portare a «%(target)s»."),
        log=timesheet.transitions,
        by=by,
        why=why,
        save=False,
    )


@TIMESHEET_ACTIONS.performs("approve")
def approve_timesheet(*, timesheet: Timesheet, by, on: date | None = None) -> Timesheet:
    """The supervisor approves the week: approved hours times the edition's net value become a work
    credit (RL-…) on the project's bills, in transit until the utility's payments file reports it,
    never above the project amount nor the instrument's caps (the cap that stopped it is kept)."""
    day = _day(on)
    with transaction.atomic():
        timesheet = (
            Timesheet.objects.select_for_update(of=("self",))
            .select_related("placement__referral__edition", "placement__referral__customer")
            .get(pk=timesheet.pk)
        )
        referral = timesheet.placement.referral
        # One approval at a time per person: two weeks cannot both fit in what only one fits in.
        list(
            Referral.objects.select_for_update()
            .filter(person=referral.person)
            .order_by("pk")
            .values_list("pk")
        )
        _timesheet_transition(timesheet, to=TimesheetStatus.APPROVED, by=by)
        value = quantize(timesheet.hours * referral.edition.net_hourly_value)
        room = credit_room(timesheet=timesheet, value=value)
        timesheet.decided_on = day
        timesheet.credited = room.amount
        if room.limit:
            timesheet.cap_note = _("Accreditati %(credited)s invece di %(value)s: %(limit)s.") % {
                "credited": format_euro(room.amount),
                "value": format_euro(value),
                "limit": room.limit,
            }
        if room.amount > 0:
            timesheet.credit = create_credit(
                customer=referral.customer,
                kind=CreditKind.WORK,
                amount=room.amount,
                reason=_("Risorsa Lavoro %(edition)s, settimana dal %(day)s")
                % {"edition": referral.edition.name, "day": f"{timesheet.week_of:%d/%m/%Y}"},
                created_on=day,
                by=by,
                holder=referral,
            )
        timesheet.save(update_fields=["status", "decided_on", "credited", "cap_note", "credit"])
        meet_deadlines(subject=timesheet, steps=[steps.APPROVE_TIMESHEET], on=day)
    return timesheet


@TIMESHEET_ACTIONS.performs("reject")
def reject_timesheet(*, timesheet: Timesheet, by, why: str) -> Timesheet:
    """The supervisor sends the week back, saying why; the partner enters it again."""
    if not why.strip():
        raise DomainError(_("Scrivi il motivo."))
    with transaction.atomic():
        timesheet = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
        _timesheet_transition(timesheet, to=TimesheetStatus.REJECTED, by=by, why=why)
        timesheet.decided_on = timezone.localdate()
        timesheet.save(update_fields=["status", "decided_on"])
        meet_deadlines(subject=timesheet, steps=[steps.APPROVE_TIMESHEET])
    return timesheet


# ---- end --------------------------------------------------------------------------------------


@REFERRAL_ACTIONS.performs("end")
def end_referral(*, referral: Referral, by, outcome: str, on: date | None = None, why: str = "") -> Referral:
    """End the pathway: completed, withdrawn, or not fit. Credits already made stay; the bills the
    project still holds are freed for the customer or another instrument."""
    if outcome not in EndOutcome.values:
        raise DomainError(_("Esito non valido."))
    _require_referral_party(referral, by)
    day = _day(on)
    with transaction.atomic():
        referral = _locked(referral)
        _transition(referral, to=ReferralStatus.ENDED, by=by, why=why or Phrase(EndOutcome(outcome).label))
        referral.outcome = outcome
        referral.ended_on = day
        referral.save(update_fields=["status", "outcome", "ended_on"])
        _settle_pathway(referral, day)
    return referral


@REFERRAL_ACTIONS.performs("questionnaire")
def record_questionnaire(*, referral: Referral, by, satisfaction: int, comment: str = "") -> Referral:
    """The participant's satisfaction at the end (1 to 5) and their comment."""
    _require_referral_party(referral, by)
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("La soddisfazione va da 1 a 5."))
    Referral.objects.filter(pk=referral.pk).update(satisfaction=satisfaction, satisfaction_comment=comment)
    referral.satisfaction, referral.satisfaction_comment = satisfaction, comment
    return referral
