"""Site administration: only at settings.ADMIN_PATH, only for superusers (issue 9, point 7)."""

import pytest
from django.conf import settings
from django.urls import reverse

from risorsa.organizations.tests.factories import UserFactory


def _client_as(client, **flags):
    user = UserFactory(**flags)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_admin_lives_at_the_configured_path_not_at_the_default():
    assert settings.ADMIN_PATH != "admin/"
    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}"


@pytest.mark.django_db
def test_the_well_known_admin_path_does_not_exist(client):
    _client_as(client, is_staff=True, is_superuser=True)
    assert client.get("/admin/").status_code == 404


@pytest.mark.django_db
def test_a_superuser_enters_the_admin(client):
    _client_as(client, is_staff=True, is_superuser=True)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:registry_person_changelist")).status_code == 200


@pytest.mark.django_db
def test_staff_who_are_not_superusers_are_refused(client):
    _client_as(client, is_staff=True, is_superuser=False)
    for url in (reverse("admin:index"), reverse("admin:registry_person_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
