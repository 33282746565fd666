"""Personas: a manager, an operator and a reader in each of the three organization kinds."""

import pytest
from django.test import Client

from risorsa.organizations.models import OrganizationKind, Role
from risorsa.organizations.tests.factories import MembershipFactory, OrganizationFactory

KINDS = {
    "comune": OrganizationKind.MUNICIPALITY,
    "aem": OrganizationKind.UTILITY,
    "ponte": OrganizationKind.PARTNER,
}
ROLES = {"responsabile": Role.MANAGER, "operatore": Role.OPERATOR, "lettore": Role.READER}
PERSONAS = [f"{org}.{role}" for org in KINDS for role in ROLES]


@pytest.fixture
def organizations(db):
    return {code: OrganizationFactory(kind=kind, code=code) for code, kind in KINDS.items()}


@pytest.fixture
def municipality(organizations):
    return organizations["comune"]


@pytest.fixture
def utility(organizations):
    return organizations["aem"]


@pytest.fixture
def partner(organizations):
    return organizations["ponte"]


@pytest.fixture
def personas(organizations):
    """persona name ("comune.operatore") -> Membership."""
    result = {}
    for org_code, organization in organizations.items():
        for role_name, role in ROLES.items():
            result[f"{org_code}.{role_name}"] = MembershipFactory(
                organization=organization, role=role, user__username=f"{org_code}.{role_name}"
            )
    return result


def login(membership) -> Client:
    client = Client()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def client_for(personas):
    """client_for("aem.operatore") -> a Client logged in as that persona."""
    return lambda persona: login(personas[persona])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher costs ~0.3 s per password; the suite creates hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
