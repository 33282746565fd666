"""The partner sees the cuts of the people referred to it, and no one else's (DOMAIN.md, point 7
of the work program issue: "the incidents of those people")."""

from datetime import date

import pytest
from django.urls import reverse

from risorsa.ledger.models import ImportRun, MeterEvent
from risorsa.protection.models import Incident
from risorsa.protection.tests.helpers import sample_customer
from risorsa.workprogram import services
from risorsa.workprogram.models import EndOutcome
from risorsa.workprogram.tests.helpers import edition_for, referred

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_today")]


def cut(customer, code: str) -> Incident:
    supply = customer.supply_points.first()
    event = MeterEvent.objects.create(
        utility=customer.utility,
        external_id=f"E-{code}",
        customer=customer,
        supply_point=supply,
        kind="SOSPENSIONE",
        occurred_on=date(2026, 11, 18),
        run=ImportRun.objects.first(),
    )
    return Incident.objects.create(
        customer=customer,
        supply_point=supply,
        kind="tutelato",
        suspension=event,
        opened_on=date(2026, 11, 18),
    )


def test_the_partner_sees_the_cut_of_a_person_referred_to_it_and_only_while_the_project_is_open(
    personas, utility, client_for
):
    referred_customer = sample_customer(utility)
    other = sample_customer(utility, "C100001")
    ours, theirs = cut(referred_customer, "1"), cut(other, "2")
    referral = referred(personas, edition_for(personas), referred_customer)
    partner = client_for("ponte.operatore")

    page = partner.get(reverse("protection:incident-list"))
    assert page.status_code == 200
    assert referred_customer.code in page.text and other.code not in page.text
    assert 'data-testid="incident-banner"' in page.text
    detail = partner.get(reverse("protection:incident-detail", args=[ours.pk]))
    assert detail.status_code == 200
    assert (
        reverse("ledger:customer-detail", args=[referred_customer.pk]) not in detail.text
    )  # no bills for it
    assert partner.get(reverse("protection:incident-detail", args=[theirs.pk])).status_code == 404

    services.accept_referral(referral=referral, by=personas["ponte.operatore"].user)
    services.end_referral(
        referral=referral, by=personas["ponte.operatore"].user, outcome=EndOutcome.WITHDRAWN, why="Rinuncia"
    )
    assert partner.get(reverse("protection:incident-detail", args=[ours.pk])).status_code == 404
    assert referred_customer.code not in partner.get(reverse("protection:incident-list")).text
