from django.db import migrations


class Migration(migrations.Migration):
    """The registry's own log of reads is replaced by the access log (audit.AccessLog), its rows
    copied there first (audit 0002)."""

    dependencies = [
        ("registry", "0004_history"),
        ("audit", "0002_person_reads"),
    ]

    operations = [migrations.DeleteModel(name="PersonRead")]
