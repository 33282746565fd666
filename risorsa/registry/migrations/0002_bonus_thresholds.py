from datetime import date
from decimal import Decimal

from django.db import migrations

# ISEE thresholds of the social bonus (DOMAIN.md); 20.000 € for at least 4 dependent children.
THRESHOLDS = [
    (date(2008, 1, 1), date(2016, 12, 31), Decimal("7500.00")),
    (date(2017, 1, 1), date(2019, 12, 31), Decimal("8107.50")),
    (date(2020, 1, 1), date(2021, 12, 31), Decimal("8265.00")),
    (date(2022, 1, 1), date(2022, 12, 31), Decimal("12000.00")),
    (date(2023, 1, 1), date(2023, 12, 31), Decimal("15000.00")),
    (date(2024, 1, 1), date(2025, 12, 31), Decimal("9530.00")),
]


def load(apps, schema_editor):
    BonusThreshold = apps.get_model("registry", "BonusThreshold")
    for valid_from, valid_to, amount in THRESHOLDS:
        BonusThreshold.objects.update_or_create(
            valid_from=valid_from,
            defaults={"valid_to": valid_to, "amount": amount, "large_family_amount": Decimal("20000.00")},
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
