"""Territories: a customer and its supply points belong to a municipality, and the customer keeps
the holder's name as the utility sends it. Existing rows take the municipality that keeps the
holder's registry record and the registry's name (the only name known until the next file)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    Customer = apps.get_model("ledger", "Customer")
    SupplyPoint = apps.get_model("ledger", "SupplyPoint")
    for customer in Customer.objects.select_related("person").iterator(chunk_size=2000):
        customer.municipality_id = customer.person.organization_id
        customer.holder_surname = customer.person.surname
        customer.holder_name = customer.person.name
        customer.save(update_fields=["municipality", "holder_surname", "holder_name"])
    SupplyPoint.objects.update(
        municipality=models.Subquery(
            Customer.objects.filter(pk=models.OuterRef("customer_id")).values("municipality_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_allocations_and_holds"),
        ("organizations", "0002_territory"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="file_deleted_on",
            field=models.DateField(blank=True, null=True, verbose_name="file eliminato il"),
        ),
        migrations.AddField(
            model_name="customer",
            name="holder_surname",
            field=models.CharField(default="", max_length=100, verbose_name="cognome dell'intestatario"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="customer",
            name="holder_name",
            field=models.CharField(default="", max_length=100, verbose_name="nome dell'intestatario"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="customer",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="territory_customers",
                to="organizations.organization",
                verbose_name="Comune",
            ),
        ),
        migrations.AddField(
            model_name="supplypoint",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.organization",
                verbose_name="Comune",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="customer",
            name="municipality",
            field=models.ForeignKey(
                limit_choices_to={"kind": "COMUNE"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="territory_customers",
                to="organizations.organization",
                verbose_name="Comune",
            ),
        ),
        migrations.AlterField(
            model_name="supplypoint",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.organization",
                verbose_name="Comune",
            ),
        ),
        migrations.CreateModel(
            name="RegistryMismatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("holder_surname", models.CharField(max_length=100, verbose_name="cognome nel file")),
                ("holder_name", models.CharField(max_length=100, verbose_name="nome nel file")),
                ("created_at", models.DateTimeField(verbose_name="segnalata il")),
                ("resolved_on", models.DateField(blank=True, null=True, verbose_name="verificata il")),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registry_mismatches",
                        to="ledger.customer",
                        verbose_name="cliente",
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organizations.organization",
                        verbose_name="Comune",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registry_mismatches",
                        to="registry.person",
                        verbose_name="persona",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="verificata da",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.importrun"
                    ),
                ),
            ],
            options={
                "verbose_name": "intestatario da verificare",
                "verbose_name_plural": "intestatari da verificare",
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["customer", "resolved_on"], name="mismatch_customer_open")],
            },
        ),
    ]
