import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="codice_catastale",
            field=models.CharField(
                blank=True,
                help_text="Per i Comuni: il codice catastale del territorio (es. D150 per Cremona).",
                max_length=4,
                null=True,
                unique=True,
                verbose_name="codice catastale",
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="default_municipality",
            field=models.ForeignKey(
                blank=True,
                help_text="Per i gestori: il Comune delle forniture dei file senza colonna codice_comune.",
                limit_choices_to={"kind": "COMUNE"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.organization",
                verbose_name="Comune predefinito",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("codice_catastale__isnull", True),
                    models.Q(("codice_catastale__regex", "^[A-Z][0-9]{3}$"), ("kind", "COMUNE")),
                    _connector="OR",
                ),
                name="organization_catastale_of_municipality",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(("default_municipality__isnull", True)) | models.Q(("kind", "GESTORE")),
                name="organization_default_municipality_of_utility",
            ),
        ),
    ]
