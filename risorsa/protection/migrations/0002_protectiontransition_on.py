from collections import defaultdict

from django.db import migrations, models
from django.utils import timezone


def date_the_transitions(apps, schema_editor):
    """Give every recorded transition the day it took effect, from what the protection recorded.

    The proposal takes effect on `proposed_on`, the first activation on `activated_on`, the ending
    on `ended_on`; any other change (a suspension, a resumption) on the day it was recorded. A
    decision recorded with an earlier day may put a day before the previous one: the earlier
    transitions are then pulled back to it, so that the days never go backwards.
    """
    ProtectionTransition = apps.get_model("protection", "ProtectionTransition")
    by_protection = defaultdict(list)
    for row in ProtectionTransition.objects.select_related("protection").order_by("at", "pk"):
        by_protection[row.protection_id].append(row)
    rows = []
    for transitions in by_protection.values():
        activated = False
        for row in transitions:
            protection, recorded_on = row.protection, timezone.localtime(row.at).date()
            if row.to_status == "proposta":
                row.on = protection.proposed_on
            elif row.to_status == "attiva" and not activated:
                row.on, activated = protection.activated_on or recorded_on, True
            elif row.to_status == "cessata":
                row.on = protection.ended_on or recorded_on
            else:
                row.on = recorded_on
        for index in range(len(transitions) - 2, -1, -1):
            transitions[index].on = min(transitions[index].on, transitions[index + 1].on)
        rows.extend(transitions)
    ProtectionTransition.objects.bulk_update(rows, ["on"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("protection", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="protectiontransition",
            name="on",
            field=models.DateField(null=True, verbose_name="con effetto dal"),
        ),
        migrations.RunPython(date_the_transitions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="protectiontransition",
            name="on",
            field=models.DateField(verbose_name="con effetto dal"),
        ),
    ]
