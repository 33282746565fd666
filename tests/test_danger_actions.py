"""No action that ends, cancels, rejects, revokes, withdraws or suspends something is done in one
click (organizations.actions): its button opens its own page, which says what will happen to whom
and asks for the reason, none preselected; only the POST that confirms it from there does it.

Every danger action of every declared table is walked here: a new one without a subject below
fails the suite.
"""

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django import forms
from django.urls import reverse

from risorsa.interventions import actions as intervention_actions
from risorsa.interventions import services as interventions
from risorsa.ledger.models import Bill
from risorsa.organizations.actions import Action, Actions, declared_tables
from risorsa.protection import actions as protection_actions
from risorsa.protection.models import EndReason, Protection, ProtectionStatus
from risorsa.protection.tests.helpers import active_protection, sample_customer
from risorsa.repayment import actions as repayment_actions
from risorsa.repayment import services as repayment
from risorsa.repayment.schedule import Terms
from risorsa.workprogram import actions as workprogram_actions
from risorsa.workprogram.tests.helpers import TODAY, at_work, edition_for, referred, week

TABLES = (protection_actions, repayment_actions, intervention_actions, workprogram_actions)  # all loaded
DESTRUCTIVE = ("end", "cancel", "reject", "refuse", "revoke", "withdraw", "suspend")


def danger_actions() -> list[tuple[Actions, Action]]:
    return [(table, action) for table in declared_tables() for action in table if action.danger]


def key(table: Actions, action: Action) -> str:
    return f"{table.model.__name__}.{action.name}"


# ---- the declarations ---------------------------------------------------------------------------


def test_every_action_that_ends_cancels_rejects_revokes_withdraws_or_suspends_is_a_danger_one():
    assert len(TABLES) == 4
    harmless = [
        key(table, action)
        for table in declared_tables()
        for action in table
        if action.name in DESTRUCTIVE and not action.danger
    ]
    assert harmless == []
    assert len(danger_actions()) >= 10


@pytest.mark.parametrize(("table", "action"), danger_actions(), ids=[key(*each) for each in danger_actions()])
def test_a_danger_action_asks_for_a_reason_none_chosen_and_says_what_it_does(table, action):
    form = action.form_class()()
    choices = [field for field in form.fields.values() if isinstance(field, forms.ChoiceField)]
    texts = [field for field in form.fields.values() if type(field) is forms.CharField]
    # a reason is required: a choice with nothing chosen, or words to write
    assert any(field.required for field in [*choices, *texts])
    for field in choices:
        assert next(iter(field.choices))[0] == "" and not field.initial, f"{key(table, action)}: preselected"
        assert field.required
    assert all(not field.initial for field in texts)
    assert str(action.consequence)


# ---- the pages, for each danger action --------------------------------------------------------

TERMS = Terms(debt=Decimal("383.26"), monthly_income=Decimal("900.00"), start_on=TODAY + timedelta(days=30))


def _protection(personas, utility):
    return active_protection(sample_customer(utility), personas["comune.operatore"].user)


def _plan(personas, utility, *, proposed: bool):
    plan = repayment.draft_plan(
        customer=sample_customer(utility), terms=TERMS, by=personas["comune.operatore"].user
    )
    if proposed:
        repayment.propose_plan(plan=plan, by=personas["comune.operatore"].user)
    return plan


def _intervention(personas, utility, *, on=None):
    customer = sample_customer(utility)
    bill = Bill.objects.filter(customer=customer, residual__gt=0).order_by("number").first()
    return interventions.propose_intervention(
        customer=customer, bills=[bill], by=personas["comune.operatore"].user, on=on
    )


def _referral(personas, utility):
    return referred(personas, edition_for(personas), sample_customer(utility))


def _at_work(personas, utility):
    referral = _referral(personas, utility)
    at_work(personas, referral)
    return referral


def _timesheet(personas, utility):
    placement = at_work(personas, _referral(personas, utility))  # track B: the partner supervises
    monday = TODAY - timedelta(days=TODAY.weekday() + 7)
    return week(placement, personas, monday, 4, 4)


# (model.action) -> (persona who may do it, the subject in a status it applies from)
SUBJECTS: dict[str, tuple[str, Callable]] = {
    "Protection.suspend": ("comune.operatore", _protection),
    "Protection.end": ("comune.operatore", _protection),
    "RepaymentPlan.cancel": ("comune.operatore", lambda p, u: _plan(p, u, proposed=False)),
    "RepaymentPlan.refuse": ("aem.responsabile", lambda p, u: _plan(p, u, proposed=True)),
    "SpotIntervention.withdraw": ("comune.operatore", _intervention),
    # the utility cancels once the customer's share was due
    "SpotIntervention.cancel": (
        "aem.operatore",
        lambda p, u: _intervention(p, u, on=TODAY - timedelta(days=60)),
    ),
    "Referral.reject": ("ponte.operatore", _referral),
    "Referral.revoke": ("comune.operatore", _referral),
    "Referral.end": ("ponte.operatore", _at_work),
    "Timesheet.reject": ("ponte.operatore", _timesheet),
}


def test_every_danger_action_has_a_subject_here():
    assert sorted(key(*each) for each in danger_actions()) == sorted(SUBJECTS)


def filled(form: forms.Form) -> dict[str, str]:
    """What a member would enter: the first real choice, words, today."""
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.ChoiceField):
            value = next(str(v) for v, _label in field.choices if v != "")
        elif isinstance(field, forms.DateField):
            value = f"{TODAY:%d/%m/%Y}"
        else:
            value = "Motivo scritto dall'operatore."
        data[form.add_prefix(name)] = value
    return data


def status_of(subject) -> str:
    return type(subject).objects.values_list("status", flat=True).get(pk=subject.pk)


@pytest.fixture
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.usefixtures("_today")
@pytest.mark.parametrize("name", sorted(SUBJECTS))
def test_a_danger_action_is_done_only_once_confirmed_with_its_reason(name, personas, utility, client_for):
    # given: a subject the action applies to, and a member who may do it
    persona, build = SUBJECTS[name]
    subject = build(personas, utility)
    table = next(table for table, action in danger_actions() if key(table, action) == name)
    action = next(action for each_table, action in danger_actions() if key(each_table, action) == name)
    client = client_for(persona)
    url = table.action_url(subject, action)
    before = status_of(subject)

    # the subject's page offers it as a danger button that opens its page, with no form of its own
    back = client.get(table.back(subject))
    assert re.search(
        rf'<a class="btn btn-outline-danger" href="{re.escape(url)}" data-action="{action.name}"', html(back)
    )
    assert f'name="{action.name}-' not in html(back)

    # when: the first click (a GET), or a POST without `confirm`, even with the reason filled in
    for first in (client.get(url), client.post(url), client.post(url, filled(action.build_form(subject)))):
        # then: nothing is done; the page asks for the reason, nothing chosen, and says what happens
        page = html(first)
        assert first.status_code == 200, page
        assert status_of(subject) == before
        assert f"Conferma: {action.label}" in page and 'class="btn btn-danger"' in page
        assert 'name="confirm"' in page and str(action.consequence) in page
        assert f'href="{table.back(subject)}"' in page and ">Annulla<" in page
        assert "selected" not in re.sub(r'<option value="" selected>', "", page.split('name="confirm"')[1])
        assert re.search(r"<(select|textarea)[^>]*required", page)

    # the confirmed POST without its reason is refused, in Italian, and nothing is done
    refused = client.post(url, {"confirm": "1"})
    assert refused.status_code == 400
    assert "Il modulo contiene" in html(refused) and "data-error-summary" in html(refused)
    assert status_of(subject) == before

    # with it, the action is done
    done = client.post(url, {**filled(action.build_form(subject)), "confirm": "1"})
    assert done.status_code == 302, html(done)
    assert status_of(subject) != before


def html(response) -> str:
    return unescape(response.content.decode())


# ---- Cessa la tutela, as the social worker reads it ---------------------------------------------


@pytest.mark.django_db
def test_the_first_click_on_cessa_ends_nothing_and_asks_why_with_no_reason_chosen(
    client_for, personas, utility
):
    protection = _protection(personas, utility)
    client = client_for("comune.operatore")
    url = reverse("protection:action", args=[protection.pk, "end"])

    page = html(client.get(url))

    assert "Tutela del cliente C100000 · ROSSI MARIO" in page
    assert '<option value="" selected>— scegli —</option>' in page
    assert f'<option value="{EndReason.SETTLED}">' in page  # offered, not chosen
    assert re.search(r'<select name="end-reason"[^>]*required', page)
    protection.refresh_from_db()
    assert protection.status == ProtectionStatus.ACTIVE


@pytest.mark.django_db
def test_cessa_confirmed_without_a_reason_is_refused_in_italian_and_with_one_ends_the_protection(
    client_for, personas, utility
):
    protection = _protection(personas, utility)
    client = client_for("comune.operatore")
    url = reverse("protection:action", args=[protection.pk, "end"])

    refused = client.post(url, {"confirm": "1", "end-note": "trasferiti"})
    assert refused.status_code == 400
    assert "Scegli il motivo della cessazione." in html(refused)
    assert Protection.objects.get().status == ProtectionStatus.ACTIVE

    done = client.post(url, {"confirm": "1", "end-reason": EndReason.MOVED, "end-note": "trasferiti"})
    assert done.status_code == 302 and done["Location"] == protection.get_absolute_url()
    protection.refresh_from_db()
    assert (protection.status, protection.end_reason) == (ProtectionStatus.ENDED, EndReason.MOVED)
    assert "Tutela cessata." in html(client.get(done["Location"]))


@pytest.mark.django_db
def test_the_page_of_an_action_no_longer_possible_says_so_and_offers_no_confirmation(
    client_for, personas, utility
):
    protection = _protection(personas, utility)
    client = client_for("comune.operatore")
    client.post(
        reverse("protection:action", args=[protection.pk, "end"]), {"confirm": "1", "end-reason": "altro"}
    )

    again = client.get(reverse("protection:action", args=[protection.pk, "suspend"]))

    assert again.status_code == 400
    assert "«Sospendi» non si può fare in stato «cessata»." in html(again)
    assert 'name="confirm"' not in html(again)


@pytest.mark.django_db
def test_a_member_who_may_not_do_a_danger_action_is_refused_before_its_page(client_for, personas, utility):
    protection = _protection(personas, utility)
    url = reverse("protection:action", args=[protection.pk, "end"])
    assert client_for("comune.lettore").get(url).status_code == 403
    assert client_for("crema.operatore").get(url).status_code == 404
    assert (
        client_for("comune.operatore")
        .get(reverse("protection:action", args=[protection.pk, "nope"]))
        .status_code
        == 404
    )
