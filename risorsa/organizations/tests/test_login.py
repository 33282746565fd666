import re

import pytest
from django.core import mail
from django.urls import reverse

from risorsa.organizations.tests.factories import UserFactory

PASSWORD = "password-di-prova-123"


@pytest.fixture
def operator(personas):
    return personas["comune.operatore"].user


@pytest.mark.django_db
def test_login_page_is_in_italian(client):
    body = client.get(reverse("login")).content.decode()
    assert "Accedi a Risorsa" in body
    assert "Password dimenticata?" in body


@pytest.mark.django_db
def test_logs_in_and_lands_on_the_dashboard(client, operator):
    response = client.post(
        reverse("login"), {"username": operator.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home:dashboard")
    assert "Cruscotto" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_says_so_in_italian(client, operator):
    response = client.post(reverse("login"), {"username": operator.username, "password": "sbagliata"})
    assert "Nome utente o password non corretti" in response.content.decode()


@pytest.mark.django_db
def test_locks_out_after_repeated_failed_logins(client, operator, settings):
    # given five failed attempts
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": operator.username, "password": "sbagliata"})
    # when the right password comes next
    response = client.post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    # then the user is still refused, with an Italian explanation
    assert response.status_code == 429
    assert "Accesso temporaneamente bloccato" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_ends_the_session(client_for):
    client = client_for("comune.operatore")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home:dashboard")).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, operator):
    # when the user asks for a reset
    response = client.post(reverse("password_reset"), {"email": operator.email})
    assert response.status_code == 302
    # then an Italian e-mail arrives with a working link
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Risorsa: reimposta la password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "Una-nuova-password-lunga-2024"
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    operator.refresh_from_db()
    assert operator.check_password(new_password)


@pytest.mark.django_db
def test_a_user_without_organization_is_refused_with_a_reason(client):
    user = UserFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("home:dashboard"))
    assert response.status_code == 403
    assert "non appartiene a nessuna organizzazione" in response.content.decode()
