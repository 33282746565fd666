import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from risorsa.audit.models import AccessLog


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("amministratore", "admin@example.org", "x")


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.django_db
def test_every_admin_request_of_a_logged_in_user_is_audited(superuser):
    client = _client(superuser)
    client.get(reverse("admin:index"))
    client.get(reverse("admin:registry_person_changelist"), {"q": "RSSMRA80A01D150X"})
    rows = list(
        AccessLog.objects.order_by("pk").values_list("user__username", "organization", "what", "filters")
    )
    assert rows == [
        ("amministratore", None, "admin:index", {}),
        ("amministratore", None, "admin:registry_person_changelist", {"q": "*" * 16}),
    ]


@pytest.mark.django_db
def test_a_non_staff_member_knocking_at_the_admin_is_audited_too(personas, client_for):
    client_for("comune.operatore").get(reverse("admin:index"))
    assert AccessLog.objects.get().what == "admin:index"


@pytest.mark.django_db
def test_the_anonymous_login_form_is_not_a_read(client):
    client.get(reverse("admin:login"))
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_pages_outside_the_admin_are_not_audited_by_the_middleware(superuser):
    _client(superuser).get(reverse("login"))
    assert not AccessLog.objects.exists()
