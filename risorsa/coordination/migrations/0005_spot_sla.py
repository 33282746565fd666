from django.db import migrations

DEFAULTS = [("quota_utente", "GESTORE", 10), ("autorizzazione_contributo", "COMUNE", 5)]


def create(apps, schema_editor):
    SlaRule = apps.get_model("coordination", "SlaRule")
    for step, owner_kind, days in DEFAULTS:
        SlaRule.objects.get_or_create(step=step, defaults={"owner_kind": owner_kind, "working_days": days})


class Migration(migrations.Migration):
    dependencies = [("coordination", "0004_alter_deadline_step_alter_slarule_step")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
