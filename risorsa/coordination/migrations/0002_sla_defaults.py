"""The SLA table's starting values: a frozen copy of coordination.models.SLA_DEFAULTS."""

from django.db import migrations

DEFAULTS = [
    # step, organization kind it waits on, working days
    ("valutare_riduzione", "COMUNE", 5),
    ("contatto_riduzione", "COMUNE", 3),
    ("revisione_tutela", "COMUNE", 10),
    ("incidente", "GESTORE", 1),
]


def create(apps, schema_editor):
    SlaRule = apps.get_model("coordination", "SlaRule")
    for step, owner_kind, days in DEFAULTS:
        SlaRule.objects.get_or_create(step=step, defaults={"owner_kind": owner_kind, "working_days": days})


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
