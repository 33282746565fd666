"""A participant taken along the pathway through the services, as each organization would."""

from datetime import date, timedelta
from decimal import Decimal

from risorsa.ledger.models import Bill
from risorsa.workprogram import services
from risorsa.workprogram.models import CallOutcome, FitnessOutcome, Track

TODAY = date(2026, 11, 20)  # a Friday; tests travel here with time-machine


def edition_for(personas, *, net=Decimal("7.50"), cap_worker=Decimal("5000.00"), cap_employer=None, **extra):
    """An edition of the test territory (comune + ponte) in progress on TODAY."""
    return services.create_edition(
        municipality=personas["comune.responsabile"].organization,
        partner=personas["ponte.responsabile"].organization,
        name=extra.pop("name", "2026/27"),
        starts_on=extra.pop("starts_on", date(2026, 9, 1)),
        ends_on=extra.pop("ends_on", date(2027, 8, 31)),
        net_hourly_value=net,
        yearly_cap_per_worker=cap_worker,
        yearly_cap_per_employer=cap_employer,
        by=personas["comune.responsabile"].user,
        **extra,
    )


def referred(personas, edition, customer, *, amount=None, on=None) -> "services.Referral":
    bills = list(Bill.objects.filter(customer=customer, residual__gt=0, closed_on__isnull=True))
    total = sum((bill.residual for bill in bills), Decimal(0))
    return services.refer_person(
        edition=edition,
        customer=customer,
        bills=bills,
        project_amount=amount if amount is not None else total,
        note_for_partner="Disponibile al mattino.",
        by=personas["comune.operatore"].user,
        on=on,
    )


def ready_to_work(personas, referral, *, on=None):
    """Accepted, called, met, trained, fit, activated, contract signed."""
    day = on or TODAY - timedelta(days=30)
    partner = personas["ponte.operatore"].user
    services.accept_referral(referral=referral, by=partner, on=day)
    services.record_call(referral=referral, by=partner, on=day, outcome=CallOutcome.REACHED)
    services.record_tutor_meeting(referral=referral, by=partner, on=day, note="Primo colloquio")
    services.record_training(
        referral=referral, by=partner, on=day, course="Sicurezza sul lavoro", hours=Decimal(8), passed=True
    )
    services.record_medical_visit(referral=referral, by=partner, on=day, outcome=FitnessOutcome.FIT)
    services.record_activation(referral=referral, by=partner, on=day, reference="INPS-0001")
    contract = services.prepare_contract(referral=referral, by=personas["comune.operatore"].user, on=day)
    services.sign_contract(contract=contract, by=personas["comune.operatore"].user, signed_on=day)
    return contract


def at_work(personas, referral, *, track=Track.B, on=None):
    day = on or TODAY - timedelta(days=30)
    ready_to_work(personas, referral, on=day)
    return services.place_person(
        referral=referral,
        by=personas["ponte.operatore"].user,
        track=track,
        site="Via Postumia 1",
        starts_on=day,
    )


def week(placement, personas, monday: date, *hours) -> "services.Timesheet":
    """A week of hours from `monday`, one value per day (Monday first)."""
    return services.submit_timesheet(
        placement=placement,
        by=personas["ponte.operatore"].user,
        week_of=monday,
        hours={monday + timedelta(days=i): Decimal(h) for i, h in enumerate(hours) if h},
        activity="Sistemazione vestiti",
    )
