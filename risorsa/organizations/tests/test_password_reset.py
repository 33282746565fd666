"""Password reset: limited per e-mail and per address, in the database (so across server
processes), and silent about which e-mails are known (issue 9, point 7)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from risorsa.security.models import Attempt


@pytest.fixture
def operator(personas):
    return personas["comune.operatore"].user


def _ask(client, email, address="192.0.2.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_answers_the_same_whether_or_not_the_e_mail_is_known(client, operator):
    known = _ask(client, operator.email)
    unknown = _ask(client, "nessuno@example.org")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sends_at_most_three_e_mails_an_hour_to_one_address_and_says_nothing(client, operator, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    # given three requests for one e-mail, from several places
    responses = [_ask(client, operator.email, address=f"192.0.2.{n}") for n in range(5)]
    # then every answer is the same, but only three e-mails left
    assert {(response.status_code, response.url) for response in responses} == {
        (302, reverse("password_reset_done"))
    }
    assert len(mail.outbox) == 3
    # and an hour later the limit has passed
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        _ask(client, operator.email.upper())
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_refuses_more_than_ten_requests_an_hour_from_one_address(operator, settings):
    from django.test import Client

    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 10
    for n in range(10):
        # a new client each time: the count is not in a session or in one process's memory
        assert _ask(Client(), f"persona{n}@example.org").status_code == 302
    response = _ask(Client(), operator.email)
    assert response.status_code == 429
    assert "Troppe richieste" in response.content.decode()
    assert mail.outbox == []
    assert _ask(Client(), operator.email, address="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_keeps_no_e_mail_or_address_in_clear(client, operator):
    _ask(client, operator.email, address="192.0.2.77")
    keys = list(Attempt.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any(operator.email in key or "192.0.2.77" in key for key in keys)
