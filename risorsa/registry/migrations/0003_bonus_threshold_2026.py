from datetime import date
from decimal import Decimal

from django.db import migrations

# From 2026 the ISEE threshold of the social bonus is 9.796 € (ARERA 2/2026/R/com, the three-yearly
# inflation update), with no end date until the next update; 20.000 € for at least 4 dependent children.
VALID_FROM = date(2026, 1, 1)


def load(apps, schema_editor):
    BonusThreshold = apps.get_model("registry", "BonusThreshold")
    BonusThreshold.objects.update_or_create(
        valid_from=VALID_FROM,
        defaults={"valid_to": None, "amount": Decimal("9796.00"), "large_family_amount": Decimal("20000.00")},
    )


def unload(apps, schema_editor):
    apps.get_model("registry", "BonusThreshold").objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_bonus_thresholds")]
    operations = [migrations.RunPython(load, unload)]
