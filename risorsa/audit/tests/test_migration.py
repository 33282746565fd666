from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("registry", "0004_history"), ("audit", "0001_initial")]
AFTER = [("audit", "0002_person_reads")]


@pytest.mark.django_db(transaction=True)
def test_the_registrys_reads_become_access_rows():
    executor = MigrationExecutor(connection)
    try:
        # given a read in the registry's old log
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        organization = apps.get_model("organizations", "Organization").objects.create(
            kind="GESTORE", name="AEM", code="aem", fiscal_code="00000000001"
        )
        user = apps.get_model("auth", "User").objects.create(username="aem.operatore")
        municipality = apps.get_model("organizations", "Organization").objects.create(
            kind="COMUNE", name="Cremona", code="comune", fiscal_code="00000000002"
        )
        person = apps.get_model("registry", "Person").objects.create(
            organization=municipality,
            codice_fiscale="RSSMRA80A01D150X",
            surname="ROSSI",
            name="MARIO",
            sex="M",
            birth_date=date(1980, 1, 1),
            birth_place_code="D150",
            search_text="rossi mario",
        )
        read = apps.get_model("registry", "PersonRead").objects.create(
            person=person, user=user, organization=organization, path=f"/ledger/customers/{person.pk}/"
        )
        read_at = timezone.now().replace(year=2010)
        apps.get_model("registry", "PersonRead").objects.filter(pk=read.pk).update(read_at=read_at)
        # when the access log takes them over
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        # then the read is an access row about that person, at the same time
        (access,) = apps.get_model("audit", "AccessLog").objects.all()
        assert (access.person_id, access.user_id, access.organization_id, access.rows) == (
            person.pk,
            user.pk,
            organization.pk,
            1,
        )
        assert (access.what, access.accessed_at) == ("ledger:customer-detail", read_at)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
