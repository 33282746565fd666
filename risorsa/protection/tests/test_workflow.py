from datetime import date
from decimal import Decimal

import pytest
import time_machine

from risorsa.coordination.models import Deadline, Step
from risorsa.core.exceptions import DomainError
from risorsa.ledger.models import CreditKind
from risorsa.ledger.services import create_credit
from risorsa.protection import services
from risorsa.protection.models import EndReason, Protection, ProtectionStatus
from risorsa.protection.selectors import outcomes_for
from risorsa.protection.tests.helpers import active_protection, sample_customer


@pytest.fixture
def operator(personas):
    return personas["comune.operatore"].user


@pytest.mark.django_db
def test_every_transition_is_recorded_with_who_when_from_to_and_why(utility, operator):
    customer = sample_customer(utility)
    protection = services.propose_protection(customer=customer, reason="fragile", by=operator)
    services.activate_protection(protection=protection, by=operator, why="approvata in équipe")
    services.suspend_protection(protection=protection, by=operator, why="trasferito per tre mesi")
    services.activate_protection(protection=protection, by=operator, why="rientrato")
    services.end_protection(protection=protection, by=operator, reason=EndReason.SETTLED)
    rows = list(protection.transitions.values_list("from_status", "to_status", "by__username", "why"))
    assert rows == [
        ("", "proposta", "comune.operatore", "fragile"),
        ("proposta", "attiva", "comune.operatore", "approvata in équipe"),
        ("attiva", "sospesa", "comune.operatore", "trasferito per tre mesi"),
        ("sospesa", "attiva", "comune.operatore", "rientrato"),
        ("attiva", "cessata", "comune.operatore", "debito saldato"),
    ]
    assert all(transition.at for transition in protection.transitions.all())
    protection.refresh_from_db()
    assert (protection.status, protection.end_reason) == (ProtectionStatus.ENDED, EndReason.SETTLED)


@pytest.mark.parametrize(
    ("steps", "illegal", "message"),
    [
        ([], "suspend", "Una tutela proposta non può diventare sospesa."),
        (["activate", "end"], "activate", "Una tutela cessata non può diventare attiva."),
        (["activate", "end"], "end", "Una tutela cessata non può diventare cessata."),
        (["activate"], "activate", "Una tutela attiva non può diventare attiva."),
    ],
)
@pytest.mark.django_db
def test_an_illegal_transition_is_refused_in_italian_and_changes_nothing(
    utility, operator, steps, illegal, message
):
    protection = services.propose_protection(customer=sample_customer(utility), reason="fragile", by=operator)
    calls = {
        "activate": lambda: services.activate_protection(protection=protection, by=operator),
        "suspend": lambda: services.suspend_protection(protection=protection, by=operator, why="x"),
        "end": lambda: services.end_protection(protection=protection, by=operator, reason=EndReason.OTHER),
    }
    for step in steps:
        calls[step]()
    before = (Protection.objects.get(pk=protection.pk).status, protection.transitions.count())
    with pytest.raises(DomainError) as refused:
        calls[illegal]()
    assert refused.value.message == message
    assert (Protection.objects.get(pk=protection.pk).status, protection.transitions.count()) == before


@pytest.mark.django_db
def test_a_customer_has_at_most_one_open_protection(utility, operator):
    customer = sample_customer(utility)
    services.propose_protection(customer=customer, reason="fragile", by=operator)
    with pytest.raises(DomainError, match="ha già una tutela"):
        services.propose_protection(customer=customer, reason="di nuovo", by=operator)


@pytest.mark.django_db
@time_machine.travel(date(2010, 3, 1), tick=False)
def test_activation_fixes_the_baseline_debt_and_schedules_the_review(utility, operator):
    protection = active_protection(sample_customer(utility), operator)
    assert protection.baseline_debt == Decimal("383.26")
    assert protection.activated_on == date(2010, 3, 1)
    assert protection.review_on == date(2010, 9, 1)
    review = Deadline.objects.get(step=Step.PROTECTION_REVIEW, subject_id=protection.pk)
    # Due on the review date (a working day), in the queue ten working days ahead.
    assert (review.opened_on, review.due_on) == (date(2010, 8, 18), date(2010, 9, 1))


@pytest.mark.django_db
@time_machine.travel(date(2010, 9, 1), tick=False)
def test_a_review_is_recorded_and_the_next_one_scheduled(utility, operator):
    with time_machine.travel(date(2010, 3, 1), tick=False):
        protection = active_protection(sample_customer(utility), operator)
    services.review_protection(
        protection=protection, by=operator, next_review_on=date(2011, 3, 1), note="regolare"
    )
    reviews = Deadline.objects.filter(step=Step.PROTECTION_REVIEW, subject_id=protection.pk).order_by("pk")
    assert [(d.met_on, d.due_on) for d in reviews] == [
        (date(2010, 9, 1), date(2010, 9, 1)),
        (None, date(2011, 3, 1)),
    ]
    assert "regolare" in protection.contacts.get().outcome


@pytest.mark.django_db
def test_the_outcome_is_the_share_of_the_baseline_debt_no_longer_owed(utility, operator, personas):
    customer = sample_customer(utility)
    active_protection(customer, operator)
    active_protection(sample_customer(utility, "C100001"), operator)  # 1.305,18 €
    create_credit(
        customer=customer,
        kind=CreditKind.MUNICIPAL,
        amount=Decimal("100.00"),
        reason="spot",
        created_on=date(2010, 3, 1),
    )
    outcomes = outcomes_for(membership=personas["comune.lettore"])
    assert outcomes.active == 2
    assert outcomes.baseline == Decimal("1688.44")
    assert outcomes.current == Decimal("1588.44")
    assert outcomes.reduction == Decimal("0.059")  # 100 / 1688.44
