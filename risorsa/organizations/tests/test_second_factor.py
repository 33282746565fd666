"""Optional TOTP second factor, required of managers by a setting (issue 9, point 7)."""

import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import login

PASSWORD = "password-di-prova-123"


def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="telefono", confirmed=True)


@pytest.fixture
def manager(personas):
    return personas["comune.responsabile"].user


@pytest.mark.django_db
def test_enrollment_shows_a_qr_code_and_the_secret_and_a_token_confirms_it(personas, manager):
    client = login(personas["comune.responsabile"])
    page = client.get(reverse("second-factor-enroll"))
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=manager)
    # the QR code is drawn inline, the secret readable for manual entry, nothing confirmed yet
    assert "<svg" in body
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert not device.confirmed
    # a wrong token confirms nothing
    wrong = client.post(reverse("second-factor-enroll"), {"token": "000000"})
    assert "Il codice non è valido" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # the right one does (after django-otp's pause that follows a wrong token)
    with time_machine.travel(time.time() + 2):
        response = client.post(reverse("second-factor-enroll"), {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert (
        "La verifica in due passaggi è attiva" in client.get(reverse("second-factor-enroll")).content.decode()
    )


@pytest.mark.django_db
def test_reloading_the_enrollment_page_keeps_the_same_secret(personas):
    client = login(personas["comune.operatore"])
    first = client.get(reverse("second-factor-enroll")).context["secret"]
    assert client.get(reverse("second-factor-enroll")).context["secret"] == first


@pytest.mark.django_db
def test_a_user_without_a_device_logs_in_with_the_password_alone(client, manager):
    response = client.post(reverse("login"), {"username": manager.username, "password": PASSWORD})
    assert response.url == reverse("home:dashboard")
    assert client.session["_auth_user_id"] == str(manager.pk)


@pytest.mark.django_db
def test_a_user_with_a_device_gives_the_token_after_the_password(client, manager):
    device = _enrolled(manager)
    # when the password is right
    response = client.post(reverse("login"), {"username": manager.username, "password": PASSWORD})
    # then the token is asked for, and nobody is logged in yet
    assert response.url == reverse("login-token")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home:dashboard")).status_code == 302
    # a wrong token does not log in
    wrong = client.post(reverse("login-token"), {"token": "000000"})
    assert "Il codice non è valido" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    # the right one does (once the pause that django-otp imposes after a wrong token is over)
    with time_machine.travel(time.time() + 2):
        right = client.post(reverse("login-token"), {"token": _token(device)})
    assert right.url == reverse("home:dashboard")
    assert client.session["_auth_user_id"] == str(manager.pk)
    assert client.get(reverse("home:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_token_is_accepted_once(client, manager):
    device = _enrolled(manager)
    token = _token(device)
    client.post(reverse("login"), {"username": manager.username, "password": PASSWORD})
    client.post(reverse("login-token"), {"token": token})
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": manager.username, "password": PASSWORD})
    replay = client.post(reverse("login-token"), {"token": token})
    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_tokens_count_towards_the_user_names_lock_out(client, manager, settings):
    _enrolled(manager)
    client.post(reverse("login"), {"username": manager.username, "password": PASSWORD})
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login-token"), {"token": "000000"})
    assert response.status_code == 429
    assert (
        client.post(reverse("login"), {"username": manager.username, "password": PASSWORD}).status_code == 429
    )


@pytest.mark.django_db
def test_the_token_page_without_a_password_first_sends_to_the_login(client):
    assert client.get(reverse("login-token")).url == reverse("login")


@pytest.mark.django_db
def test_when_required_a_manager_without_a_device_can_only_enroll(personas, manager, settings):
    settings.MANAGER_TOTP_REQUIRED = True
    client = login(personas["comune.responsabile"])
    assert client.get(reverse("home:dashboard")).url == reverse("second-factor-enroll")
    assert client.get(reverse("registry:person-list")).url == reverse("second-factor-enroll")
    htmx = client.get(reverse("registry:person-list"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == reverse("second-factor-enroll")
    enroll = client.get(reverse("second-factor-enroll"))
    assert enroll.status_code == 200
    assert "obbligatoria" in enroll.content.decode()
    # once enrolled, the manager works as before
    device = TOTPDevice.objects.get(user=manager)
    client.post(reverse("second-factor-enroll"), {"token": _token(device)})
    assert client.get(reverse("home:dashboard")).status_code == 200


@pytest.mark.django_db
def test_when_required_a_manager_with_a_device_but_no_token_this_session_is_asked_for_it(
    personas, manager, settings
):
    settings.MANAGER_TOTP_REQUIRED = True
    device = _enrolled(manager)
    client = login(personas["comune.responsabile"])
    response = client.get(reverse("home:dashboard"))
    assert response.url == f"{reverse('login-token')}?next=%2F"
    client.post(f"{reverse('login-token')}?next=%2F", {"token": _token(device)})
    assert client.get(reverse("home:dashboard")).status_code == 200


@pytest.mark.django_db
def test_the_requirement_concerns_managers_only_and_is_off_by_default(personas, settings):
    assert settings.MANAGER_TOTP_REQUIRED is False
    assert login(personas["comune.responsabile"]).get(reverse("home:dashboard")).status_code == 200
    settings.MANAGER_TOTP_REQUIRED = True
    for persona in ("comune.operatore", "comune.lettore", "aem.operatore"):
        assert login(personas[persona]).get(reverse("home:dashboard")).status_code == 200
