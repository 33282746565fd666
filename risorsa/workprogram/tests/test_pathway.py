from datetime import date, timedelta
from decimal import Decimal

import pytest

from risorsa.coordination.models import Deadline
from risorsa.core.exceptions import DomainError, PermissionDenied
from risorsa.ledger.models import Credit, CreditKind, CreditStatus
from risorsa.ledger.selectors import balance_for
from risorsa.protection.tests.helpers import sample_customer
from risorsa.workprogram import services, steps
from risorsa.workprogram.models import (
    CallOutcome,
    ContractStatus,
    EndOutcome,
    FitnessOutcome,
    ReferralStatus,
    TimesheetStatus,
    Track,
)
from risorsa.workprogram.tests.helpers import TODAY, at_work, edition_for, ready_to_work, referred, week

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_today")]


def test_a_referral_goes_to_the_partner_with_a_deadline_to_accept(personas, edition, customer):
    referral = referred(personas, edition, customer)
    assert referral.status == ReferralStatus.REFERRED
    assert referral.project_amount == Decimal("383.26")
    deadline = Deadline.objects.get(step=steps.ACCEPT_REFERRAL)
    assert deadline.owner == personas["ponte.operatore"].organization


def test_the_project_amount_may_not_exceed_the_arrears(personas, edition, customer):
    with pytest.raises(DomainError, match="supera la morosità"):
        referred(personas, edition, customer, amount=Decimal("383.27"))


def test_no_activation_before_a_medical_visit_that_found_the_person_fit(personas, edition, customer):
    referral = referred(personas, edition, customer)
    partner = personas["ponte.operatore"].user
    services.accept_referral(referral=referral, by=partner)
    with pytest.raises(DomainError, match="visita medica"):
        services.record_activation(referral=referral, by=partner, on=TODAY, reference="INPS-1")
    services.record_medical_visit(referral=referral, by=partner, on=TODAY, outcome=FitnessOutcome.NOT_FIT)
    with pytest.raises(DomainError, match="visita medica"):
        services.record_activation(referral=referral, by=partner, on=TODAY, reference="INPS-1")
    services.record_medical_visit(
        referral=referral, by=partner, on=TODAY, outcome=FitnessOutcome.FIT_WITH_LIMITS
    )
    assert services.record_activation(referral=referral, by=partner, on=TODAY, reference="INPS-1").pk


def test_no_placement_before_a_signed_contract_and_an_active_instrument(personas, edition, customer):
    referral = referred(personas, edition, customer)
    partner = personas["ponte.operatore"].user
    services.accept_referral(referral=referral, by=partner)
    place = {"referral": referral, "by": partner, "track": Track.B, "site": "Sede", "starts_on": TODAY}
    with pytest.raises(DomainError, match="contratto sociale firmato"):
        services.place_person(**place)
    contract = services.prepare_contract(referral=referral, by=personas["comune.operatore"].user)
    services.sign_contract(contract=contract, by=personas["comune.operatore"].user, signed_on=TODAY)
    with pytest.raises(DomainError, match="strumento di lavoro attivato"):
        services.place_person(**place)
    services.record_medical_visit(referral=referral, by=partner, on=TODAY, outcome=FitnessOutcome.FIT)
    services.record_activation(referral=referral, by=partner, on=TODAY, reference="INPS-1")
    assert services.place_person(**place).supervisor == personas["ponte.operatore"].organization


def test_the_partner_may_not_sign_contracts_nor_the_municipality_accept_referrals(
    personas, edition, customer
):
    referral = referred(personas, edition, customer)
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral=referral, by=personas["comune.operatore"].user)
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral=referral, by=personas["ponte.lettore"].user)
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral=referral, by=personas["aem.operatore"].user)


def test_an_illegal_transition_is_refused_in_italian_and_nothing_is_recorded(personas, edition, customer):
    referral = referred(personas, edition, customer)
    services.reject_referral(referral=referral, by=personas["ponte.operatore"].user, why="Fuori zona")
    referral.refresh_from_db()
    with pytest.raises(DomainError, match="non si può fare in stato"):
        services.accept_referral(referral=referral, by=personas["ponte.operatore"].user)
    assert list(referral.transitions.values_list("from_status", "to_status")) == [
        ("", ReferralStatus.REFERRED),
        (ReferralStatus.REFERRED, ReferralStatus.REJECTED),
    ]


def test_approved_hours_become_a_work_credit_that_lowers_the_balance(personas, edition, customer):
    referral = referred(personas, edition, customer)
    placement = at_work(personas, referral, track=Track.A)
    assert placement.supervisor == customer.utility
    before = balance_for(customer=customer)
    timesheet = week(placement, personas, date(2026, 11, 9), 4, 4, 4, 0, 4)
    with pytest.raises(PermissionDenied):  # track A: the utility approves, not the partner
        services.approve_timesheet(timesheet=timesheet, by=personas["ponte.operatore"].user)
    services.approve_timesheet(timesheet=timesheet, by=personas["aem.operatore"].user)
    timesheet.refresh_from_db()
    assert timesheet.status == TimesheetStatus.APPROVED
    assert timesheet.credited == Decimal("120.00")  # 16 h at 7,50 €
    credit = timesheet.credit
    assert (credit.kind, credit.status, credit.reference[:3]) == (
        CreditKind.WORK,
        CreditStatus.IN_TRANSIT,
        "RL-",
    )
    assert balance_for(customer=customer) == before - Decimal("120.00")


def test_a_credit_never_exceeds_the_project_amount_and_says_which_limit_stopped_it(
    personas, edition, customer
):
    referral = referred(personas, edition, customer, amount=Decimal("100.00"))
    placement = at_work(personas, referral)
    timesheet = week(placement, personas, date(2026, 11, 9), 8, 8, 0, 0, 0)  # 16 h = 120 €
    services.approve_timesheet(timesheet=timesheet, by=personas["ponte.operatore"].user)
    timesheet.refresh_from_db()
    assert timesheet.credited == Decimal("100.00")
    assert "importo del progetto" in timesheet.cap_note
    second = week(placement, personas, date(2026, 11, 16), 4, 0, 0, 0, 0)
    services.approve_timesheet(timesheet=second, by=personas["ponte.operatore"].user)
    second.refresh_from_db()
    assert (second.credited, second.credit) == (Decimal("0.00"), None)
    assert Credit.objects.filter(customer=customer, kind=CreditKind.WORK).count() == 1


def test_the_yearly_cap_per_worker_stops_credits(personas, customer):
    edition = edition_for(personas, cap_worker=Decimal("50.00"))
    referral = referred(personas, edition, customer)
    placement = at_work(personas, referral)
    timesheet = week(placement, personas, date(2026, 11, 9), 8, 0, 0, 0, 0)  # 60 €
    services.approve_timesheet(timesheet=timesheet, by=personas["ponte.operatore"].user)
    timesheet.refresh_from_db()
    assert timesheet.credited == Decimal("50.00")
    assert "tetto annuo per lavoratore" in timesheet.cap_note


def test_publishing_a_new_text_flags_signed_contracts_for_re_signing_in_the_municipality_queue(
    personas, edition, customer
):
    referral = referred(personas, edition, customer)
    contract = ready_to_work(personas, referral)
    text, flagged = services.publish_contract_text(
        municipality=edition.municipality,
        body="Nuovo testo condiviso con il gestore.",
        by=personas["comune.responsabile"].user,
    )
    contract.refresh_from_db()
    assert (flagged, contract.status, text.version) == (1, ContractStatus.TO_RESIGN, 2)
    deadline = Deadline.objects.get(step=steps.RESIGN_CONTRACT)
    assert deadline.owner == edition.municipality
    with pytest.raises(DomainError, match="firmato di nuovo"):
        services.place_person(
            referral=referral, by=personas["ponte.operatore"].user, track="B", site="S", starts_on=TODAY
        )
    services.sign_contract(contract=contract, by=personas["comune.operatore"].user, signed_on=TODAY)
    contract.refresh_from_db()
    assert (contract.status, contract.text, contract.signed_on) == (ContractStatus.SIGNED, text, TODAY)
    assert contract.first_signed_on == TODAY - timedelta(days=30)


def test_ending_frees_the_bills_and_keeps_the_credits(personas, edition, customer):
    referral = referred(personas, edition, customer)
    placement = at_work(personas, referral)
    services.approve_timesheet(
        timesheet=week(placement, personas, date(2026, 11, 9), 4), by=personas["ponte.operatore"].user
    )
    services.end_referral(
        referral=referral, by=personas["ponte.operatore"].user, outcome=EndOutcome.WITHDRAWN, why="Trasferito"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (ReferralStatus.ENDED, EndOutcome.WITHDRAWN)
    assert Credit.objects.filter(customer=customer, kind=CreditKind.WORK).count() == 1
    services.record_questionnaire(
        referral=referral, by=personas["ponte.operatore"].user, satisfaction=5, comment="Bene"
    )
    referral.refresh_from_db()
    assert referral.satisfaction == 5


def test_edition_timings_are_copied_and_frozen_once_it_starts(personas):
    edition = edition_for(personas, starts_on=date(2026, 12, 1), name="2026/27b")
    assert edition.timings.get(step=steps.MEDICAL_VISIT).working_days == 15
    services.set_edition_timing(
        edition=edition, step=steps.MEDICAL_VISIT, working_days=8, by=personas["comune.responsabile"].user
    )
    assert edition.timings.get(step=steps.MEDICAL_VISIT).working_days == 8
    started = edition_for(personas, name="2025/26", starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31))
    with pytest.raises(DomainError, match="iniziata"):
        services.set_edition_timing(
            edition=started, step=steps.MEDICAL_VISIT, working_days=8, by=personas["comune.responsabile"].user
        )


def test_a_call_reached_opens_the_medical_visit_within_the_edition_timing(personas, edition, customer):
    referral = referred(personas, edition, customer)
    partner = personas["ponte.operatore"].user
    services.accept_referral(referral=referral, by=partner)
    services.record_call(referral=referral, by=partner, on=TODAY, outcome=CallOutcome.NO_ANSWER)
    assert not Deadline.objects.filter(step=steps.MEDICAL_VISIT).exists()
    services.record_call(referral=referral, by=partner, on=TODAY, outcome=CallOutcome.REACHED)
    assert Deadline.objects.get(step=steps.FIRST_CALL).met_on == TODAY
    # Friday 20/11 + 15 working days, 8 December (Immacolata) not counted: Monday 14/12.
    assert Deadline.objects.open().get(step=steps.MEDICAL_VISIT).due_on == date(2026, 12, 14)


def test_one_file_settling_two_credits_of_a_project_pays_its_bills_once(personas, edition, utility, tmp_path):
    # given: a project on two bills (240,00 € due in January, 180,50 € due in March) and two
    # approved weeks, 120,00 € and 180,00 € of credits in transit
    from risorsa.ledger.models import Allocation, Bill
    from risorsa.ledger.tests.helpers import import_payments
    from risorsa.workprogram.tests.test_credit_properties import _more_bills

    customer = sample_customer(utility)
    _more_bills(utility, customer, tmp_path)
    bills = list(Bill.objects.filter(customer=customer, number__startswith="W/").order_by("due_on")[:2])
    referral = services.refer_person(
        edition=edition,
        customer=customer,
        bills=bills,
        project_amount=Decimal("420.50"),
        by=personas["comune.operatore"].user,
        on=date(2026, 10, 1),
    )
    placement = at_work(personas, referral)
    first = week(placement, personas, date(2026, 11, 2), 4, 4, 4, 0, 4)  # 16 h
    second = week(placement, personas, date(2026, 11, 9), 8, 8, 8, 0, 0)  # 24 h
    credits = [
        services.approve_timesheet(timesheet=sheet, by=personas["ponte.operatore"].user).credit
        for sheet in (first, second)
    ]
    assert [credit.amount for credit in credits] == [Decimal("120.00"), Decimal("180.00")]
    # when: one payments file of the utility settles both
    import_payments(
        utility,
        [
            (
                f"RL{n}",
                customer.code,
                "",
                date(2026, 11, 19),
                f"{credit.amount:.2f}".replace(".", ","),
                credit.reference,
            )
            for n, credit in enumerate(credits)
        ],
        folder=tmp_path,
    )
    # then: 300,00 € paid the oldest bill whole (240,00) and 60,00 of the next, once each
    allocated = {bill.number: sum(a.amount for a in Allocation.objects.filter(bill=bill)) for bill in bills}
    assert allocated == {bills[0].number: Decimal("240.00"), bills[1].number: Decimal("60.00")}
    for bill in bills:
        bill.refresh_from_db()
    assert [bill.residual for bill in bills] == [Decimal("0.00"), Decimal("120.50")]
    assert all(c.status == "APPLICATO" for c in Credit.objects.filter(pk__in=[c.pk for c in credits]))
    assert balance_for(customer=customer) == Decimal("120.50") + Decimal("383.26") + Decimal("95.10")
