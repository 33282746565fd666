from django.db import migrations

BATCH = 2000


def copy_person_reads(apps, schema_editor):
    """Every read of a person's record by another organization, kept by the registry until now,
    becomes an access row about that person (one row each, the page named from its path)."""
    PersonRead = apps.get_model("registry", "PersonRead")
    AccessLog = apps.get_model("audit", "AccessLog")
    batch = []
    for read in PersonRead.objects.order_by("pk").iterator(chunk_size=BATCH):
        # The two pages that wrote it, told apart by path (not by today's URLconf, which may move).
        what = "ledger:customer-detail" if "/customers/" in read.path else "registry:person-detail"
        batch.append(
            AccessLog(
                user_id=read.user_id,
                organization_id=read.organization_id,
                accessed_at=read.read_at,
                what=what,
                path=read.path,
                filters={},
                rows=1,
                person_id=read.person_id,
            )
        )
        if len(batch) >= BATCH:
            AccessLog.objects.bulk_create(batch)
            batch = []
    AccessLog.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("registry", "0003_bonus_threshold_2026"),
    ]

    # Backwards: PersonRead comes back empty (registry 0005 reversed); the access rows stay.
    operations = [migrations.RunPython(copy_person_reads, migrations.RunPython.noop)]
