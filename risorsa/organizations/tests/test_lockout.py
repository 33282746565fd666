"""Failed logins lock the user name out, wherever the guesses come from (issue 9, point 7)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

PASSWORD = "password-di-prova-123"
PROXY = "10.0.0.1"  # the TLS proxy: without a trusted header every request seems to come from it


def _log_in(client, username, password, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


@pytest.fixture
def operator(personas):
    return personas["comune.operatore"].user


@pytest.mark.django_db
def test_five_wrong_guesses_lock_the_user_name_whatever_the_address(client, operator, settings):
    # given five wrong passwords, each from another address
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, operator.username, "sbagliata", REMOTE_ADDR=f"192.0.2.{attempt + 1}")
    # when the right password comes from yet another address
    response = _log_in(client, operator.username, PASSWORD, REMOTE_ADDR="198.51.100.9")
    # then the user name stays locked
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_locked_user_name_does_not_lock_out_another_user(client, personas, settings):
    locked = personas["comune.operatore"].user
    other = personas["comune.lettore"].user
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, locked.username, "sbagliata", REMOTE_ADDR=PROXY)
    response = _log_in(client, other.username, PASSWORD, REMOTE_ADDR=PROXY)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.fixture
def trusted_proxy(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]


@pytest.mark.django_db
def test_with_a_trusted_proxy_header_the_address_is_taken_from_it(client, operator, settings, trusted_proxy):
    # given five wrong guesses from one client behind the proxy (which appends what it saw)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(
            client,
            operator.username,
            "sbagliata",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5",  # the left entry is the client's own claim
        )
    # then the attempts are recorded under the address the proxy wrote
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    # and that address is locked out of the user name, while the user at their desk is not
    guesser = _log_in(
        client, operator.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert guesser.status_code == 429
    desk = _log_in(
        client, operator.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert desk.status_code == 302


@pytest.mark.django_db
def test_without_a_trusted_header_a_forwarded_address_is_not_believed(client, operator, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(
            client,
            operator.username,
            "sbagliata",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}
    response = _log_in(
        client, operator.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429
