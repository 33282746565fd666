from django.db import migrations


def create(apps, schema_editor):
    SlaRule = apps.get_model("coordination", "SlaRule")
    SlaRule.objects.get_or_create(step="approvazione_piano", defaults={"owner_kind": "GESTORE", "working_days": 5})


class Migration(migrations.Migration):
    dependencies = [("coordination", "0002_sla_defaults")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
