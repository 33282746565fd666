"""Each municipality has its own SLA table: the rows so far become every municipality's copy
(none yet: they are created with the defaults when first needed)."""

import django.db.models.deletion
from django.db import migrations, models


def per_territory(apps, schema_editor):
    SlaRule = apps.get_model("coordination", "SlaRule")
    Organization = apps.get_model("organizations", "Organization")
    rules = list(SlaRule.objects.filter(municipality__isnull=True))
    municipalities = list(Organization.objects.filter(kind="COMUNE").order_by("pk"))
    if not municipalities:
        SlaRule.objects.filter(municipality__isnull=True).delete()
        return
    first, *others = municipalities
    for rule in rules:
        for municipality in others:
            SlaRule.objects.create(
                municipality=municipality,
                step=rule.step,
                owner_kind=rule.owner_kind,
                working_days=rule.working_days,
                updated_by_id=rule.updated_by_id,
            )
        rule.municipality = first
        rule.save(update_fields=["municipality"])


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0007_daily_run"),
        ("organizations", "0002_territory"),
    ]

    operations = [
        migrations.AlterField(
            model_name="slarule",
            name="step",
            field=models.CharField(
                choices=[
                    ("valutare_riduzione", "Valutare un cliente con la fornitura ridotta"),
                    ("contatto_riduzione", "Contattare il nucleo dopo una riduzione"),
                    ("revisione_tutela", "Rivedere la tutela"),
                    ("incidente", "Riattivare una fornitura sospesa per errore"),
                    ("approvazione_piano", "Approvare il piano di rientro"),
                    ("quota_utente", "Confermare il pagamento della quota utente"),
                    ("autorizzazione_contributo", "Autorizzare il contributo del Comune"),
                ],
                max_length=40,
                verbose_name="passaggio",
            ),
        ),
        migrations.AddField(
            model_name="slarule",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sla_rules",
                to="organizations.organization",
                verbose_name="Comune",
            ),
        ),
        migrations.RunPython(per_territory, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="slarule",
            name="municipality",
            field=models.ForeignKey(
                limit_choices_to={"kind": "COMUNE"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sla_rules",
                to="organizations.organization",
                verbose_name="Comune",
            ),
        ),
        migrations.AlterModelOptions(
            name="slarule",
            options={
                "ordering": ["municipality", "step"],
                "verbose_name": "tempo massimo (SLA)",
                "verbose_name_plural": "tempi massimi (SLA)",
            },
        ),
        migrations.AddConstraint(
            model_name="slarule",
            constraint=models.UniqueConstraint(
                fields=("municipality", "step"), name="one_sla_per_step_and_territory"
            ),
        ),
    ]
