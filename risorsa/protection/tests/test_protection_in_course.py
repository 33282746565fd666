"""A customer with a protection in course (proposed, active or suspended) is not offered another:
their pages link the one in course, and the service that refuses a second one names it."""

import pytest
from django.urls import reverse

from risorsa.coordination.services import open_deadline
from risorsa.protection import services, steps
from risorsa.protection.models import EndReason, Protection
from risorsa.protection.tests.helpers import active_protection, sample_customer

REASON = "Nucleo monoreddito con due minori; padre disoccupato."


def in_status(status: str, customer, user) -> Protection:
    """A protection of `customer`, proposed and taken to `status`."""
    if status == "proposta":
        return services.propose_protection(customer=customer, reason=REASON, by=user)
    protection = active_protection(customer, user)
    if status == "sospesa":
        services.suspend_protection(protection=protection, by=user, why="ospite da parenti")
    return protection


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["proposta", "attiva", "sospesa"])
def test_the_page_of_a_customer_protected_offers_no_new_protection_and_links_the_one_in_course(
    status, client_for, personas, utility
):
    # given
    customer = sample_customer(utility)
    protection = in_status(status, customer, personas["comune.operatore"].user)
    # when
    page = client_for("comune.operatore").get(reverse("ledger:customer-detail", args=[customer.pk]))
    # then
    body = page.content.decode()
    assert reverse("protection:create", args=[customer.pk]) not in body
    assert "Proponi una tutela" not in body
    assert f'href="{protection.get_absolute_url()}" data-testid="protection-in-course"' in body
    assert f"Tutela in corso: {status}" in body


@pytest.mark.django_db
def test_a_customer_whose_protection_ended_may_be_proposed_a_new_one(client_for, personas, utility):
    customer = sample_customer(utility)
    ended = active_protection(customer, personas["comune.operatore"].user)
    services.end_protection(protection=ended, by=personas["comune.operatore"].user, reason=EndReason.SETTLED)

    body = (
        client_for("comune.operatore")
        .get(reverse("ledger:customer-detail", args=[customer.pk]))
        .content.decode()
    )

    assert reverse("protection:create", args=[customer.pk]) in body
    assert "Ultima tutela: cessata" in body and ended.get_absolute_url() in body


@pytest.mark.django_db
def test_the_proposal_page_of_a_protected_customer_has_no_form_to_fill_and_links_the_protection(
    client_for, personas, utility
):
    customer = sample_customer(utility)
    protection = in_status("attiva", customer, personas["comune.operatore"].user)

    page = client_for("comune.operatore").get(reverse("protection:create", args=[customer.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "<textarea" not in body
    assert "Questo cliente ha già una tutela in corso (stato: attiva, proposta il" in body
    assert f'href="{protection.get_absolute_url()}"' in body


@pytest.mark.django_db
def test_the_service_refuses_a_second_protection_naming_the_one_in_course(client_for, personas, utility):
    # given: a protection proposed, and a page opened before it was (the form still there)
    customer = sample_customer(utility)
    user = personas["comune.operatore"].user
    first = services.propose_protection(customer=customer, reason=REASON, by=user)
    # when
    with pytest.raises(services.AlreadyProtected) as refused:
        services.propose_protection(customer=customer, reason="un'altra", by=user)
    response = client_for("comune.operatore").post(
        reverse("protection:create", args=[customer.pk]), {"reason": "un'altra"}
    )
    # then: refused, the one in course named and linked; nothing made
    day = f"{first.proposed_on:%d/%m/%Y}"
    assert refused.value.protection == first
    assert refused.value.message == (
        f"Questo cliente ha già una tutela in corso (stato: proposta, proposta il {day}): "
        "non se ne propone un'altra."
    )
    assert response.status_code == 200
    assert refused.value.message.replace("'", "&#x27;") in response.content.decode()
    assert f'href="{first.get_absolute_url()}"' in response.content.decode()
    assert list(Protection.objects.all()) == [first]


@pytest.mark.django_db
def test_the_evaluation_queue_links_the_protection_in_course_instead_of_proposing_one(
    client_for, personas, utility, municipality
):
    free, protected = sample_customer(utility), sample_customer(utility, "C100001")
    protection = active_protection(protected, personas["comune.operatore"].user)
    for customer in (free, protected):
        open_deadline(step=steps.EVALUATE_REDUCTION, subject=customer, owner=municipality)

    body = client_for("comune.operatore").get(reverse("protection:evaluation-queue")).content.decode()

    assert reverse("protection:create", args=[free.pk]) in body
    assert reverse("protection:create", args=[protected.pk]) not in body
    assert f'href="{protection.get_absolute_url()}">Tutela in corso<' in body
