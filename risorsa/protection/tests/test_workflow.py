import importlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps

from risorsa.coordination.models import Deadline
from risorsa.core.exceptions import DomainError
from risorsa.ledger.models import CreditKind
from risorsa.ledger.services import create_credit
from risorsa.ledger.tests.helpers import import_file
from risorsa.protection import services, steps
from risorsa.protection.models import EndReason, Protection, ProtectionStatus, ProtectionTransition
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
    ("steps", "illegal", "declared", "message"),
    [
        (
            [],
            "suspend",
            "«Sospendi» non si può fare in stato «proposta».",
            "Una tutela proposta non può diventare sospesa.",
        ),
        (
            ["activate", "end"],
            "activate",
            "«Attiva la tutela» non si può fare in stato «cessata».",
            "Una tutela cessata non può diventare attiva.",
        ),
        (
            ["activate", "end"],
            "end",
            "«Cessa la tutela» non si può fare in stato «cessata».",
            "Una tutela cessata non può diventare cessata.",
        ),
        (
            ["activate"],
            "activate",
            "«Attiva la tutela» non si può fare in stato «attiva».",
            "Una tutela attiva non può diventare attiva.",
        ),
    ],
)
@pytest.mark.django_db
def test_an_illegal_transition_is_refused_in_italian_and_changes_nothing(
    utility, operator, steps, illegal, declared, message
):
    protection = services.propose_protection(customer=sample_customer(utility), reason="fragile", by=operator)
    calls = {
        "activate": lambda by=operator: services.activate_protection(protection=protection, by=by),
        "suspend": lambda by=operator: services.suspend_protection(protection=protection, by=by, why="x"),
        "end": lambda by=operator: services.end_protection(protection=protection, by=by, reason="altro"),
    }
    for step in steps:
        calls[step]()
    before = (Protection.objects.get(pk=protection.pk).status, protection.transitions.count())
    # a member: the declared actions refuse it
    with pytest.raises(DomainError) as refused:
        calls[illegal]()
    assert refused.value.message == declared
    # the system (no member): the pipeline refuses it
    with pytest.raises(DomainError) as refused:
        calls[illegal](None)
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
    review = Deadline.objects.get(step=steps.PROTECTION_REVIEW, subject_id=protection.pk)
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
    reviews = Deadline.objects.filter(step=steps.PROTECTION_REVIEW, subject_id=protection.pk).order_by("pk")
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


@pytest.mark.django_db
def test_every_transition_takes_effect_on_its_day_and_never_before_the_previous_one(utility, operator):
    # given: a protection proposed on 1 March 2010, activated by the decision of 5 March, recorded later
    customer = sample_customer(utility)
    with time_machine.travel(date(2010, 3, 1), tick=False):
        protection = services.propose_protection(customer=customer, reason="fragile", by=operator)
    with time_machine.travel(date(2010, 3, 9), tick=False):
        services.activate_protection(protection=protection, by=operator, on=date(2010, 3, 5))
    with time_machine.travel(date(2010, 4, 20), tick=False):
        services.suspend_protection(protection=protection, by=operator, why="ospite da parenti")
    # when: a resumption is recorded as decided before the suspension
    with time_machine.travel(date(2010, 5, 3), tick=False), pytest.raises(DomainError) as refused:
        services.activate_protection(protection=protection, by=operator, on=date(2010, 4, 19))
    # then: it is refused, and every change kept its day of effect
    assert (
        refused.value.message == "Il cambio di stato non può avere effetto prima del precedente (20/04/2010)."
    )
    assert list(protection.transitions.values_list("to_status", "on")) == [
        ("proposta", date(2010, 3, 1)),
        ("attiva", date(2010, 3, 5)),
        ("sospesa", date(2010, 4, 20)),
    ]
    with time_machine.travel(date(2010, 5, 3), tick=False):
        services.end_protection(protection=protection, by=operator, reason=EndReason.MOVED)
    assert protection.transitions.last().on == date(2010, 5, 3)


@pytest.mark.django_db
def test_a_protection_is_in_force_on_a_day_if_its_latest_change_in_effect_by_then_activated_it(
    utility, operator
):
    # given: active from 5 March 2010, suspended from 20 April, resumed from 3 May, ended from 1 June
    protection = services.propose_protection(
        customer=sample_customer(utility), reason="fragile", by=operator, on=date(2010, 3, 1)
    )
    services.activate_protection(protection=protection, by=operator, on=date(2010, 3, 5))
    for day, change in (
        (date(2010, 4, 20), lambda: services.suspend_protection(protection=protection, by=operator, why="x")),
        (date(2010, 5, 3), lambda: services.activate_protection(protection=protection, by=operator)),
        (
            date(2010, 6, 1),
            lambda: services.end_protection(protection=protection, by=operator, reason="altro"),
        ),
    ):
        with time_machine.travel(day, tick=False):
            change()

    # when / then: the days in force are the active stretches, bounds included
    def in_force(day):
        return Protection.objects.in_force_on(day).filter(pk=protection.pk).exists()

    assert [in_force(day) for day in (date(2010, 3, 4), date(2010, 3, 5), date(2010, 4, 19))] == [
        False,
        True,
        True,
    ]
    assert [in_force(day) for day in (date(2010, 4, 20), date(2010, 5, 2), date(2010, 5, 3))] == [
        False,
        False,
        True,
    ]
    assert [in_force(day) for day in (date(2010, 5, 31), date(2010, 6, 1), date(2026, 1, 1))] == [
        True,
        False,
        False,
    ]


@pytest.mark.django_db
@time_machine.travel(date(2010, 12, 1), tick=False)
def test_the_suspensions_of_the_year_are_the_cuts_of_customers_protected_on_the_day_of_the_cut(
    utility, operator, personas, tmp_path
):
    # given: C100000 protected all year; C100001 never; C100002 protected from 1 June; C100003 until 1 April
    protected, never, later, ended = (
        sample_customer(utility, code) for code in ("C100000", "C100001", "C100002", "C100003")
    )
    active_protection(protected, operator, on=date(2009, 12, 1))
    active_protection(later, operator, on=date(2010, 6, 1))
    with time_machine.travel(date(2010, 4, 1), tick=False):
        services.end_protection(
            protection=active_protection(ended, operator, on=date(2010, 2, 1)), by=operator, reason="altro"
        )
    # and: a cut of each in March or May 2010, and one of the protected customer in 2009
    rows = [
        ("E1", protected, "15/03/2010"),
        ("E2", never, "15/03/2010"),
        ("E3", later, "15/03/2010"),
        ("E4", ended, "03/05/2010"),
        ("E5", protected, "15/12/2009"),
    ]
    path = tmp_path / "eventi.csv"
    path.write_text(
        "id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note\n"
        + "".join(
            f"{external_id};{customer.code};{customer.supply_points.order_by('pk').first().code};"
            f"SOSPENSIONE;{day};\n"
            for external_id, customer, day in rows
        )
    )
    import_file(utility, "eventi", path, as_of=date(2010, 6, 30))
    # when
    outcomes = outcomes_for(membership=personas["comune.lettore"])
    # then: only the cut of March 2010 of the customer protected that day counts
    assert outcomes.suspensions == 1


@pytest.mark.django_db
def test_the_migration_gives_each_recorded_transition_the_day_it_took_effect(utility, operator):
    # given: transitions recorded before they had a day of effect (here: one wrong day on each)
    customer = sample_customer(utility)
    with time_machine.travel(date(2010, 3, 9), tick=False):
        protection = services.propose_protection(
            customer=customer, reason="x", by=operator, on=date(2010, 3, 1)
        )
        services.activate_protection(protection=protection, by=operator, on=date(2010, 3, 5))
    with time_machine.travel(date(2010, 4, 20), tick=False):
        services.suspend_protection(protection=protection, by=operator, why="x")
    with time_machine.travel(date(2010, 5, 3), tick=False):
        services.activate_protection(protection=protection, by=operator)
    with time_machine.travel(date(2010, 6, 1), tick=False):
        services.end_protection(protection=protection, by=operator, reason=EndReason.MOVED)
    ProtectionTransition.objects.update(on=date(1999, 1, 1))
    # when: the migration's backfill runs
    migration = importlib.import_module("risorsa.protection.migrations.0002_protectiontransition_on")
    migration.date_the_transitions(apps, schema_editor=None)
    # then: proposal, first activation and ending from the protection's dates, the rest from when recorded
    assert list(protection.transitions.values_list("to_status", "on")) == [
        ("proposta", date(2010, 3, 1)),
        ("attiva", date(2010, 3, 5)),
        ("sospesa", date(2010, 4, 20)),
        ("attiva", date(2010, 5, 3)),
        ("cessata", date(2010, 6, 1)),
    ]


@pytest.mark.django_db
def test_the_migration_never_dates_a_transition_before_the_previous_one(utility, operator):
    # given: an activation decided (5 March 2010) before the proposal was recorded (9 March), as once allowed
    customer = sample_customer(utility)
    with time_machine.travel(date(2010, 3, 9), tick=False):
        protection = services.propose_protection(customer=customer, reason="x", by=operator)
        services.activate_protection(protection=protection, by=operator, on=date(2010, 3, 9))
    Protection.objects.filter(pk=protection.pk).update(activated_on=date(2010, 3, 5))
    # when
    migration = importlib.import_module("risorsa.protection.migrations.0002_protectiontransition_on")
    migration.date_the_transitions(apps, schema_editor=None)
    # then: the proposal is pulled back to the activation, which keeps its recorded day
    assert list(protection.transitions.values_list("to_status", "on")) == [
        ("proposta", date(2010, 3, 5)),
        ("attiva", date(2010, 3, 5)),
    ]
