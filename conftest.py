"""Personas: a manager, an operator and a reader in each organization of a territory of two
municipalities (Cremona and Crema), two utilities and a partner. AEM's files without
`codice_comune` are Cremona's, A2A's are Crema's."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.core.cache import cache
from django.db.models.signals import post_migrate
from django.test import Client

from risorsa.organizations.models import OrganizationKind, Role
from risorsa.organizations.tests.factories import MembershipFactory, OrganizationFactory

KINDS = {
    "comune": OrganizationKind.MUNICIPALITY,
    "aem": OrganizationKind.UTILITY,
    "ponte": OrganizationKind.PARTNER,
    "crema": OrganizationKind.MUNICIPALITY,
    "a2a": OrganizationKind.UTILITY,
}
TERRITORIES = {"comune": "D150", "crema": "D142"}
DEFAULT_MUNICIPALITY = {"aem": "comune", "a2a": "crema"}
ROLES = {"responsabile": Role.MANAGER, "operatore": Role.OPERATOR, "lettore": Role.READER}
PERSONAS = [f"{org}.{role}" for org in KINDS for role in ROLES]


@pytest.fixture
def organizations(db):
    organizations = {
        code: OrganizationFactory(kind=kind, code=code, codice_catastale=TERRITORIES.get(code))
        for code, kind in KINDS.items()
    }
    for utility, municipality in DEFAULT_MUNICIPALITY.items():
        organizations[utility].default_municipality = organizations[municipality]
        organizations[utility].save(update_fields=["default_municipality"])
    return organizations


@pytest.fixture
def municipality(organizations):
    return organizations["comune"]


@pytest.fixture
def utility(organizations):
    return organizations["aem"]


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run as soon as they are queued, as the worker would run them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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
def _fresh_cache():
    """Each test starts with nothing remembered (the figures' aggregates, in particular)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher costs ~0.3 s per password; the suite creates hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Reference rows written by data migrations (the social bonus thresholds). A `transaction=True` test
# ends by flushing every table; Django then sends `post_migrate`, and this puts them back, so that
# the tests after it (in any order, on any xdist worker) read the same reference data as after
# `migrate`.
REFERENCE_DATA_MIGRATIONS = {
    "registry": [
        "risorsa.registry.migrations.0002_bonus_thresholds",
        "risorsa.registry.migrations.0003_bonus_threshold_2026",
    ],
}


def _reload_reference_data(sender, app_config, using, **kwargs):
    for module_name in REFERENCE_DATA_MIGRATIONS.get(app_config.label, []):
        importlib.import_module(module_name).load(global_apps, None)


@pytest.fixture(scope="session", autouse=True)
def _reference_data_survives_flush():
    post_migrate.connect(_reload_reference_data, dispatch_uid="risorsa-tests-reference-data")
    yield
    post_migrate.disconnect(dispatch_uid="risorsa-tests-reference-data")
